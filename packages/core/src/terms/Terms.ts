import { Context, DateTime, Effect, Layer, Schema } from "effect"
import type { Actor } from "../kernel/Actor.ts"
import { type AuditLog, portalChain, record } from "../kernel/Audit.ts"
import { decodeInput, InvalidInput, PermissionDenied, type StorageError } from "../kernel/Errors.ts"
import { TermsId } from "../kernel/Ids.ts"
import { newId, type SecureRandom } from "../kernel/SecureRandom.ts"
import { MemoryTable, UnitOfWork } from "../kernel/UnitOfWork.ts"

/** One version of the CSP-AGB. Registration records the accepted one; an order freezes the one in force. */
export class TermsVersion extends Schema.Class<TermsVersion>("@cloudportal/core/TermsVersion")({
  id: TermsId,
  version: Schema.String,
  effectiveFrom: Schema.DateTimeUtc,
  url: Schema.NullOr(Schema.String),
  text: Schema.NullOr(Schema.String)
}) {}

/** The version in force at `at`: the latest whose effective date has come. */
export const termsInForce = (versions: ReadonlyArray<TermsVersion>, at: DateTime.Utc): TermsVersion | undefined => {
  let best: TermsVersion | undefined
  for (const v of versions)
    if (
      !DateTime.isGreaterThan(v.effectiveFrom, at) &&
      (!best || DateTime.isGreaterThan(v.effectiveFrom, best.effectiveFrom))
    )
      best = v
  return best
}

export class TermsStore extends Context.Service<
  TermsStore,
  {
    readonly insert: (t: TermsVersion) => Effect.Effect<void, StorageError>
    readonly get: (id: TermsId) => Effect.Effect<TermsVersion | undefined, StorageError>
    readonly list: () => Effect.Effect<ReadonlyArray<TermsVersion>, StorageError>
  }
>()("@cloudportal/core/TermsStore") {
  static readonly layerMemory = Layer.sync(TermsStore)(() => {
    const rows = new MemoryTable<TermsId, TermsVersion>()
    return {
      insert: (t) => rows.set(t.id, t),
      get: (id) => Effect.sync(() => rows.get(id)),
      list: () => Effect.sync(() => [...rows.values()])
    }
  })
}

/** No CSP-AGB version is in force yet: the operator must publish one before anyone can register or order. */
export class NoTermsInForce extends Schema.TaggedError<NoTermsInForce>()("NoTermsInForce", {}) {}

/** The CSP-AGB version in force now. */
export const currentTerms = Effect.gen(function* () {
  const versions = yield* TermsStore.use((s) => s.list())
  const current = termsInForce(versions, yield* DateTime.now)
  return current ?? (yield* new NoTermsInForce())
})

/** What the operator sends to publish a CSP-AGB version. */
export const PublishTermsInput = Schema.Struct({
  version: Schema.String.pipe(Schema.check(Schema.isTrimmed(), Schema.isNonEmpty(), Schema.isMaxLength(50))),
  effectiveFrom: Schema.DateTimeUtcFromString,
  url: Schema.optionalKey(Schema.String.pipe(Schema.check(Schema.isPattern(/^https:\/\/\S+$/u)))),
  text: Schema.optionalKey(Schema.String.pipe(Schema.check(Schema.isNonEmpty(), Schema.isMaxLength(200_000))))
})

/** A version with that label exists already. */
export class TermsVersionExists extends Schema.TaggedError<TermsVersionExists>()("TermsVersionExists", {
  version: Schema.String
}) {}

/** The CSP-AGB: the version in force now, and publishing new versions (operator only). */
export class Terms extends Context.Service<
  Terms,
  {
    readonly current: () => Effect.Effect<TermsVersion, NoTermsInForce | StorageError>
    readonly list: () => Effect.Effect<ReadonlyArray<TermsVersion>, StorageError>
    readonly publish: (
      actor: Actor,
      input: typeof PublishTermsInput.Encoded
    ) => Effect.Effect<TermsVersion, InvalidInput | PermissionDenied | TermsVersionExists | StorageError>
  }
>()("@cloudportal/core/Terms") {
  static readonly layer = Layer.effect(
    Terms,
    Effect.gen(function* () {
      const context = yield* Effect.context<TermsStore | UnitOfWork | AuditLog | SecureRandom>()
      const store = yield* TermsStore
      const uow = yield* UnitOfWork

      const publish = Effect.fn("Terms.publish")(function* (actor: Actor, raw: typeof PublishTermsInput.Encoded) {
        if (actor._tag !== "Operator") return yield* new PermissionDenied({ permission: "operator" })
        const input = yield* decodeInput(PublishTermsInput)(raw)
        if (!input.url && !input.text)
          return yield* InvalidInput.of({ path: "url", message: "URL oder Text angeben / give a url or the text" })
        const id = yield* newId<TermsId>("agb")
        return yield* uow.transaction(
          Effect.gen(function* () {
            if ((yield* store.list()).some((t) => t.version === input.version))
              return yield* new TermsVersionExists({ version: input.version })
            const terms = new TermsVersion({
              id,
              version: input.version,
              effectiveFrom: input.effectiveFrom,
              url: input.url ?? null,
              text: input.text ?? null
            })
            yield* store.insert(terms)
            yield* record({
              chain: portalChain,
              actor,
              action: "terms.published",
              subject: { type: "terms", id },
              before: null,
              after: { version: terms.version, effectiveFrom: DateTime.formatIso(terms.effectiveFrom) }
            })
            return terms
          })
        )
      }, Effect.provideContext(context))

      return {
        current: () => currentTerms.pipe(Effect.provideContext(context)),
        list: () => store.list(),
        publish
      }
    })
  )
}
