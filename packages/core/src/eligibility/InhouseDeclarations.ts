import { Context, DateTime, Effect, Layer, Schema } from "effect"
import type { Actor } from "../kernel/Actor.ts"
import { type AuditLog, record } from "../kernel/Audit.ts"
import {
  decodeInput,
  FieldIssue,
  InvalidInput,
  type PermissionDenied,
  type StorageError,
  type Unauthenticated
} from "../kernel/Errors.ts"
import { DeclarationId, type OrganizationId } from "../kernel/Ids.ts"
import { type Page, PageRequest, page } from "../kernel/Paging.ts"
import { newId, type SecureRandom } from "../kernel/SecureRandom.ts"
import { UnitOfWork } from "../kernel/UnitOfWork.ts"
import type { AccountStore, RoleStore } from "../members/AccountStore.ts"
import { loadMember, loadMemberWith } from "../members/Viewer.ts"
import { InhouseDeclarationCount } from "../organization/InhouseDeclarationCount.ts"
import { OrganizationStore } from "../organization/OrganizationStore.ts"
import {
  DeclareInhouseInput,
  InhouseDeclaration,
  isValidAt,
  periodsOverlap,
  rawTargetIssues
} from "./InhouseDeclaration.ts"
import { type DeclarationIdTaken, InhouseDeclarationStore } from "./InhouseDeclarationStore.ts"

/** No such declaration of the caller's organization (another organization's declarations do not exist for it). */
export class InhouseDeclarationNotFound extends Schema.TaggedError<InhouseDeclarationNotFound>()(
  "InhouseDeclarationNotFound",
  { declarationId: Schema.String }
) {}

/** The organization already declared this control edge for an overlapping period and has not ended it. */
export class DuplicateInhouseDeclaration extends Schema.TaggedError<DuplicateInhouseDeclaration>()(
  "DuplicateInhouseDeclaration",
  { existingDeclarationId: Schema.String }
) {}

const iso = (t: DateTime.Utc | null): string | null => (t === null ? null : DateTime.formatIso(t))

const snapshot = (d: InhouseDeclaration): Schema.Json => ({
  controller: d.controller,
  controlled: d.controlled,
  joint: d.joint,
  evidence: d.evidence,
  validFrom: iso(d.validFrom),
  validUntil: iso(d.validUntil),
  ended: d.ended && { at: iso(d.ended.at), accountId: d.ended.accountId }
})

/** Field issues of the raw body and of its decoding, reported together, each once. */
const decodeDeclaration = (input: unknown) =>
  decodeInput(DeclareInhouseInput)(input).pipe(
    Effect.mapError((e) => {
      const seen = new Set(e.issues.map((i) => `${i.path}\n${i.message}`))
      const extra = rawTargetIssues(input).filter((i) => !seen.has(`${i.path}\n${i.message}`))
      return new InvalidInput({ issues: [...e.issues, ...extra.map((i) => new FieldIssue(i))] })
    })
  )

type Refused = PermissionDenied | Unauthenticated | StorageError

/**
 * „Inhousefähigkeit" (DOMAIN §5, §7): an organization declares control edges it is a party to, with evidence
 * and a validity period (`organization.profile.edit`), lists its own, and ends one. Ending keeps the
 * declaration (orders that relied on it name it) and closes its validity at that moment.
 */
export class InhouseDeclarations extends Context.Service<
  InhouseDeclarations,
  {
    /** Body: `{ controls | controlledBy, joint, evidence, validFrom, validUntil? }` (API.md). */
    readonly declare: (
      actor: Actor,
      input: unknown
    ) => Effect.Effect<InhouseDeclaration, InvalidInput | DuplicateInhouseDeclaration | DeclarationIdTaken | Refused>
    /** The declarations the caller's organization made, oldest first; `{ limit?, cursor? }`. */
    readonly list: (actor: Actor, request?: unknown) => Effect.Effect<Page<InhouseDeclaration>, InvalidInput | Refused>
    /** Ends a declaration now; ending an ended one changes nothing. */
    readonly end: (
      actor: Actor,
      declarationId: unknown
    ) => Effect.Effect<InhouseDeclaration, InvalidInput | InhouseDeclarationNotFound | Refused>
  }
>()("@cloudportal/core/InhouseDeclarations") {
  static readonly layer = Layer.effect(
    InhouseDeclarations,
    Effect.gen(function* () {
      const context = yield* Effect.context<
        InhouseDeclarationStore | OrganizationStore | AccountStore | RoleStore | UnitOfWork | AuditLog | SecureRandom
      >()
      const store = yield* InhouseDeclarationStore
      const organizations = yield* OrganizationStore
      const uow = yield* UnitOfWork
      const edit = loadMemberWith("organization.profile.edit")

      const declare = Effect.fn("InhouseDeclarations.declare")(function* (actor: Actor, input: unknown) {
        const body = yield* decodeDeclaration(input)
        const id = yield* newId<DeclarationId>("inh")
        return yield* uow.transaction(
          Effect.gen(function* () {
            const { actor: member } = yield* edit(actor)
            const own = member.organizationId
            const path = body.controls !== undefined ? "controls" : "controlledBy"
            const other = (body.controls ?? body.controlledBy) as OrganizationId
            if (other === own)
              return yield* InvalidInput.of({
                path,
                message: "Nicht die eigene Organisation / not the own organization"
              })
            if (!(yield* organizations.get(other)))
              return yield* InvalidInput.of({ path, message: "Unbekannte Organisation / unknown organization" })
            const [controller, controlled] = body.controls !== undefined ? [own, other] : [other, own]
            const now = yield* DateTime.now
            const declaration = new InhouseDeclaration({
              id,
              controller,
              controlled,
              joint: body.joint,
              evidence: body.evidence,
              validFrom: body.validFrom,
              validUntil: body.validUntil ?? null,
              declaredBy: { organizationId: own, accountId: member.accountId },
              declaredAt: now,
              ended: null
            })
            const duplicate = (yield* store.listByDeclarant(own)).find(
              (d) =>
                d.ended === null &&
                d.controller === controller &&
                d.controlled === controlled &&
                periodsOverlap(d, declaration)
            )
            if (duplicate) return yield* new DuplicateInhouseDeclaration({ existingDeclarationId: duplicate.id })
            yield* store.insert(declaration)
            yield* record({
              chain: own,
              actor: member,
              action: "inhouseDeclaration.declared",
              subject: { type: "inhouseDeclaration", id },
              before: null,
              after: snapshot(declaration)
            })
            return declaration
          })
        )
      }, Effect.provideContext(context))

      const list = Effect.fn("InhouseDeclarations.list")(function* (actor: Actor, request?: unknown) {
        const paging = yield* decodeInput(PageRequest)(request ?? {})
        const { actor: member } = yield* loadMember(actor)
        const declarations = yield* store.listByDeclarant(member.organizationId)
        return page(
          declarations,
          (d) => `${String(DateTime.toEpochMillis(d.declaredAt)).padStart(16, "0")}${d.id}`,
          paging
        )
      }, Effect.provideContext(context))

      const end = Effect.fn("InhouseDeclarations.end")(function* (actor: Actor, declarationId: unknown) {
        const id = yield* decodeInput(DeclarationId)(declarationId)
        return yield* uow.transaction(
          Effect.gen(function* () {
            const { actor: member } = yield* edit(actor)
            const current = yield* store.get(id)
            if (!current || current.declaredBy.organizationId !== member.organizationId)
              return yield* new InhouseDeclarationNotFound({ declarationId: id })
            if (current.ended) return current
            const now = yield* DateTime.now
            // Never extends a period: an already past end stays; a future start ends before it begins.
            const validUntil = DateTime.isLessThan(now, current.validFrom)
              ? current.validFrom
              : current.validUntil !== null && DateTime.isLessThan(current.validUntil, now)
                ? current.validUntil
                : now
            const ended = { at: now, accountId: member.accountId }
            if (!(yield* store.end(id, ended, validUntil))) {
              const latest = yield* store.get(id)
              return latest ?? (yield* new InhouseDeclarationNotFound({ declarationId: id }))
            }
            const next = new InhouseDeclaration({ ...current, validUntil, ended })
            yield* record({
              chain: member.organizationId,
              actor: member,
              action: "inhouseDeclaration.ended",
              subject: { type: "inhouseDeclaration", id },
              before: snapshot(current),
              after: snapshot(next)
            })
            return next
          })
        )
      }, Effect.provideContext(context))

      return InhouseDeclarations.of({ declare, list, end })
    })
  )

  /**
   * The organization package's count port (master-data completeness), answered from the declaration store:
   * the declarations an organization made that are valid at `at`.
   */
  static readonly layerCount = Layer.effect(
    InhouseDeclarationCount,
    Effect.gen(function* () {
      const store = yield* InhouseDeclarationStore
      return InhouseDeclarationCount.of({
        inForce: (organizationId, at) =>
          store
            .listByDeclarant(organizationId)
            .pipe(Effect.map((declarations) => declarations.filter((d) => isValidAt(d, at)).length))
      })
    })
  )
}

/**
 * Whether the customer itself has a declaration in force at `at`: the `customerHasInhouseDeclaration` of
 * `evaluateEligibility`. Without one, no ground that needs an in-house relationship can hold (DOMAIN §5).
 */
export const hasInhouseDeclarationInForce = (organizationId: OrganizationId, at: DateTime.Utc) =>
  InhouseDeclarationStore.use((s) => s.listByDeclarant(organizationId)).pipe(
    Effect.map((declarations) => declarations.some((d) => isValidAt(d, at)))
  )
