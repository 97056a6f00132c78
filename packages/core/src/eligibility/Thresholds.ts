import { Context, DateTime, Effect, Layer, Schema } from "effect"
import type { Actor } from "../kernel/Actor.ts"
import { type AuditLog, portalChain, record } from "../kernel/Audit.ts"
import {
  decodeInput,
  type InvalidInput,
  type PermissionDenied,
  type StorageError,
  type Unauthenticated
} from "../kernel/Errors.ts"
import { Money } from "../kernel/Money.ts"
import type { SecureRandom } from "../kernel/SecureRandom.ts"
import { UnitOfWork } from "../kernel/UnitOfWork.ts"
import type { AccountStore, RoleStore } from "../members/AccountStore.ts"
import { loadMember, loadOperator } from "../members/Viewer.ts"
import type { Organization } from "../organization/Organization.ts"
import { applicableThreshold, defaultThresholds, Jurisdiction, sameJurisdiction, Threshold } from "./Threshold.ts"
import { ThresholdStore } from "./ThresholdStore.ts"

export const maxThresholds = 500

/** One row of the table as the operator sends it (`PUT /operator/thresholds`). */
export const ThresholdInput = Schema.Struct({
  jurisdiction: Jurisdiction,
  netAmount: Money,
  validFrom: Schema.DateTimeUtcFromString,
  validUntil: Schema.optionalKey(Schema.NullOr(Schema.DateTimeUtcFromString)),
  source: Schema.Trim.pipe(
    Schema.check(
      Schema.isNonEmpty({ message: "Quelle erforderlich / source is required" }),
      Schema.isMaxCodePoints(1000, { message: "höchstens 1000 Zeichen / at most 1000 characters" })
    )
  )
})

/**
 * The whole table: each period ends after it starts, and no two rows of one jurisdiction overlap in time
 * (otherwise which one applies would depend on the order of rows).
 */
export const ThresholdTableInput = Schema.Struct({
  thresholds: Schema.Array(ThresholdInput).pipe(
    Schema.check(
      Schema.isMaxLength(maxThresholds, {
        message: `höchstens ${maxThresholds} Einträge / at most ${maxThresholds} rows`
      })
    )
  )
}).check(
  Schema.makeFilter(({ thresholds }) => {
    const issues: Array<{ path: Array<string | number>; issue: string }> = []
    thresholds.forEach((t, i) => {
      const until = t.validUntil ?? null
      if (until !== null && !DateTime.isLessThan(t.validFrom, until))
        issues.push({
          path: ["thresholds", i, "validUntil"],
          issue: "„Gültig bis“ muss nach „Gültig ab“ liegen / validUntil must be after validFrom"
        })
      for (let j = 0; j < i; j++) {
        const other = thresholds[j]!
        const otherUntil = other.validUntil ?? null
        if (
          sameJurisdiction(t.jurisdiction, other.jurisdiction) &&
          (until === null || DateTime.isLessThan(other.validFrom, until)) &&
          (otherUntil === null || DateTime.isLessThan(t.validFrom, otherUntil))
        )
          issues.push({
            path: ["thresholds", i, "validFrom"],
            issue: `überschneidet sich mit Eintrag ${j} derselben Zuständigkeit / overlaps row ${j} of the same jurisdiction`
          })
      }
    })
    return issues
  })
)

const snapshot = (table: ReadonlyArray<Threshold>): Schema.Json =>
  table.map((t) => ({
    jurisdiction: { ...t.jurisdiction },
    netAmountCents: t.netAmount.amountCents,
    validFrom: DateTime.formatIso(t.validFrom),
    validUntil: t.validUntil && DateTime.formatIso(t.validUntil),
    source: t.source
  }))

type Refused = PermissionDenied | Unauthenticated | StorageError

/**
 * The procurement thresholds („Bagatellgrenzen", DOMAIN §7): configuration data the operator keeps current.
 * Until the operator first replaces the table, the shipped defaults apply.
 */
export class Thresholds extends Context.Service<
  Thresholds,
  {
    /** The table in force: the operator's, or the shipped defaults. */
    readonly current: Effect.Effect<ReadonlyArray<Threshold>, StorageError>
    /** The threshold that applies to the customer at `at`. */
    readonly applicable: (
      customer: Pick<Organization, "administrativeLevel" | "federalState">,
      at: DateTime.Utc
    ) => Effect.Effect<Threshold, StorageError>
    /** Every signed-in member and the operator may read the table. */
    readonly list: (actor: Actor) => Effect.Effect<ReadonlyArray<Threshold>, Refused>
    /** Operator only: `{ thresholds: [...] }` replaces the whole table. */
    readonly replace: (actor: Actor, input: unknown) => Effect.Effect<ReadonlyArray<Threshold>, InvalidInput | Refused>
  }
>()("@cloudportal/core/Thresholds") {
  static readonly layer = Layer.effect(
    Thresholds,
    Effect.gen(function* () {
      const context = yield* Effect.context<
        ThresholdStore | AccountStore | RoleStore | UnitOfWork | AuditLog | SecureRandom
      >()
      const store = yield* ThresholdStore
      const uow = yield* UnitOfWork
      const current = store.get().pipe(Effect.map((table) => table ?? defaultThresholds))

      const list = Effect.fn("Thresholds.list")(function* (actor: Actor) {
        if (actor._tag === "Operator") yield* loadOperator(actor)
        else yield* loadMember(actor)
        return yield* current
      }, Effect.provideContext(context))

      const replace = Effect.fn("Thresholds.replace")(function* (actor: Actor, input: unknown) {
        const { thresholds } = yield* decodeInput(ThresholdTableInput)(input)
        const table = thresholds.map(
          (t) =>
            new Threshold({
              jurisdiction: t.jurisdiction,
              netAmount: t.netAmount,
              validFrom: t.validFrom,
              validUntil: t.validUntil ?? null,
              source: t.source
            })
        )
        return yield* uow.transaction(
          Effect.gen(function* () {
            const { actor: operator } = yield* loadOperator(actor)
            const before = yield* current
            yield* store.replace(table)
            yield* record({
              chain: portalChain,
              actor: operator,
              action: "thresholds.replaced",
              subject: { type: "thresholds", id: "table" },
              before: snapshot(before),
              after: snapshot(table)
            })
            return table
          })
        )
      }, Effect.provideContext(context))

      return Thresholds.of({
        current,
        applicable: (customer, at) => Effect.map(current, (table) => applicableThreshold(customer, at, table)),
        list,
        replace
      })
    })
  )
}
