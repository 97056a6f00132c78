import { Context, DateTime, Effect, Layer, Schema } from "effect"
import type { Actor } from "../kernel/Actor.ts"
import { type AuditLog, record } from "../kernel/Audit.ts"
import { base64url, fromBase64url } from "../kernel/Encoding.ts"
import {
  decodeInput,
  InvalidInput,
  PermissionDenied,
  type StorageError,
  type Unauthenticated
} from "../kernel/Errors.ts"
import { OfferingId, OrganizationId } from "../kernel/Ids.ts"
import { defaultPageLimit, maxPageLimit, OpaqueCursor, PageLimit } from "../kernel/Paging.ts"
import { newId, type SecureRandom } from "../kernel/SecureRandom.ts"
import { UnitOfWork } from "../kernel/UnitOfWork.ts"
import type { AccountStore, RoleStore } from "../members/AccountStore.ts"
import { loadMember, loadMemberWith, loadOperator } from "../members/Viewer.ts"
import { OrganizationStore } from "../organization/OrganizationStore.ts"
import { draftOf, Offering, OfferingDraft, OfferingPatch, ServiceType } from "./Offering.ts"
import { OfferingStore, type OfferingVersionConflict } from "./OfferingStore.ts"

/** No such offering, or one the caller may not see (an inactive offering of another provider). */
export class OfferingNotFound extends Schema.TaggedError<OfferingNotFound>()("OfferingNotFound", {
  offeringId: Schema.String,
  version: Schema.optionalKey(Schema.Int)
}) {}

/** Only organizations with the capability "provider" publish offerings. */
export class NotAProvider extends Schema.TaggedError<NotAProvider>()("NotAProvider", {
  organizationId: Schema.String
}) {}

export const defaultCatalogPageLimit = defaultPageLimit
export const maxCatalogPageLimit = maxPageLimit

// The cursor is the last offering id handed out, base64url-encoded so clients treat it as opaque.
const encodeCursor = (id: OfferingId): string => base64url(Uint8Array.from(id, (c) => c.charCodeAt(0)))
const decodeCursor = (cursor: string): OfferingId | undefined => {
  if (!/^[A-Za-z0-9_-]{1,400}$/u.test(cursor) || cursor.length % 4 === 1) return undefined
  const id = String.fromCharCode(...fromBase64url(cursor))
  return /^[\x21-\x7e]+$/u.test(id) ? (id as OfferingId) : undefined
}

/** `GET /catalog/offerings`: filters by service type, category, provider and EfA, and a page. */
export const OfferingQuery = Schema.Struct({
  serviceType: Schema.optionalKey(ServiceType),
  portfolioCategory: Schema.optionalKey(Schema.String),
  providerId: Schema.optionalKey(OrganizationId),
  efa: Schema.optionalKey(Schema.Boolean),
  limit: Schema.optionalKey(PageLimit),
  cursor: Schema.optionalKey(OpaqueCursor(decodeCursor))
})
export type OfferingQuery = typeof OfferingQuery.Type

export interface OfferingPageResult {
  readonly items: ReadonlyArray<Offering>
  readonly nextCursor: string | null
}

const snapshot = (o: Offering): Schema.Json =>
  ({ version: o.version, ...Schema.encodeSync(OfferingDraft)(draftOf(o)) }) as unknown as Schema.Json

type Refused = PermissionDenied | Unauthenticated | StorageError

/**
 * The catalog (DOMAIN §8). Every signed-in member and the operator browse it; customers see active
 * offerings, a provider's members and the operator see inactive ones as well. Providers publish with
 * `catalog.manage`; every change is a new version, and orders keep the version they were placed on.
 */
export class Catalog extends Context.Service<
  Catalog,
  {
    readonly list: (actor: Actor, query?: unknown) => Effect.Effect<OfferingPageResult, InvalidInput | Refused>
    /** The latest version. */
    readonly get: (
      actor: Actor,
      offeringId: unknown
    ) => Effect.Effect<Offering, InvalidInput | OfferingNotFound | Refused>
    /** One version, as orders placed on it show it, whether or not the offering is still active. */
    readonly getVersion: (
      actor: Actor,
      offeringId: unknown,
      version: unknown
    ) => Effect.Effect<Offering, InvalidInput | OfferingNotFound | Refused>
    /** `OfferingVersionConflict` only if a fresh random id collided with an existing one. */
    readonly create: (
      actor: Actor,
      input: unknown
    ) => Effect.Effect<Offering, InvalidInput | NotAProvider | OfferingVersionConflict | Refused>
    /** A patch (any subset of the draft's fields) becomes the next version. */
    readonly update: (
      actor: Actor,
      offeringId: unknown,
      patch: unknown
    ) => Effect.Effect<Offering, InvalidInput | OfferingNotFound | OfferingVersionConflict | NotAProvider | Refused>
  }
>()("@cloudportal/core/Catalog") {
  static readonly layer = Layer.effect(
    Catalog,
    Effect.gen(function* () {
      const context = yield* Effect.context<
        OfferingStore | OrganizationStore | AccountStore | RoleStore | UnitOfWork | AuditLog | SecureRandom
      >()
      const offerings = yield* OfferingStore
      const organizations = yield* OrganizationStore
      const uow = yield* UnitOfWork
      const manage = loadMemberWith("catalog.manage")

      /** Whose inactive offerings the actor may see: the operator everyone's, a member its organization's. */
      const viewer = Effect.fnUntraced(function* (actor: Actor) {
        if (actor._tag === "Operator") {
          yield* loadOperator(actor)
          return { seesAllInactive: true, organizationId: undefined }
        }
        const { actor: member } = yield* loadMember(actor)
        return { seesAllInactive: false, organizationId: member.organizationId }
      })

      const visible = (o: Offering, v: { seesAllInactive: boolean; organizationId: OrganizationId | undefined }) =>
        o.active || v.seesAllInactive || o.providerId === v.organizationId

      /** The acting member's organization, which must be a provider. */
      const providerOf = Effect.fnUntraced(function* (actor: Actor) {
        const { actor: member } = yield* manage(actor)
        const organization = yield* organizations.get(member.organizationId)
        if (!organization?.capabilities.includes("provider"))
          return yield* new NotAProvider({ organizationId: member.organizationId })
        return member
      })

      /** The intermediary must be an organization with the capability "intermediary". */
      const checkIntermediary = Effect.fnUntraced(function* (draft: OfferingDraft) {
        if (draft.intermediaryId === null) return
        const intermediary = yield* organizations.get(draft.intermediaryId)
        if (!intermediary?.capabilities.includes("intermediary"))
          return yield* InvalidInput.of({
            path: "intermediaryId",
            message: "Keine Intermediär-Organisation / not an intermediary organization"
          })
      })

      const list = Effect.fn("Catalog.list")(function* (actor: Actor, query?: unknown) {
        const q = yield* decodeInput(OfferingQuery)(query ?? {})
        const v = yield* viewer(actor)
        const limit = q.limit ?? defaultCatalogPageLimit
        // Inactive offerings only when listing one's own (or as the operator): a filter the store can index.
        const activeOnly = !(v.seesAllInactive || (q.providerId !== undefined && q.providerId === v.organizationId))
        const found = yield* offerings.list(
          {
            serviceType: q.serviceType,
            portfolioCategory: q.portfolioCategory,
            providerId: q.providerId,
            efa: q.efa,
            activeOnly
          },
          { limit: limit + 1, after: q.cursor === undefined ? undefined : decodeCursor(q.cursor) }
        )
        const items = found.slice(0, limit)
        const last = items.at(-1)
        return { items, nextCursor: found.length > limit && last ? encodeCursor(last.id) : null }
      }, Effect.provideContext(context))

      const get = Effect.fn("Catalog.get")(function* (actor: Actor, offeringId: unknown) {
        const id = yield* decodeInput(OfferingId)(offeringId)
        const v = yield* viewer(actor)
        const offering = yield* offerings.getLatest(id)
        if (!offering || !visible(offering, v)) return yield* new OfferingNotFound({ offeringId: id })
        return offering
      }, Effect.provideContext(context))

      const getVersion = Effect.fn("Catalog.getVersion")(function* (
        actor: Actor,
        offeringId: unknown,
        version: unknown
      ) {
        const ref = yield* decodeInput(Schema.Struct({ offeringId: OfferingId, version: Schema.Int }))({
          offeringId,
          version
        })
        const v = yield* viewer(actor)
        // A withdrawn offering is hidden with all its versions, as `get` hides it: customers keep the version
        // they ordered in their contract folder.
        const latest = yield* offerings.getLatest(ref.offeringId)
        const offering = yield* offerings.getVersion(ref.offeringId, ref.version)
        if (!offering || !latest || !visible(latest, v))
          return yield* new OfferingNotFound({ offeringId: ref.offeringId, version: ref.version })
        return offering
      }, Effect.provideContext(context))

      const create = Effect.fn("Catalog.create")(function* (actor: Actor, input: unknown) {
        const draft = yield* decodeInput(OfferingDraft)(input)
        const id = yield* newId<OfferingId>("off")
        return yield* uow.transaction(
          Effect.gen(function* () {
            const member = yield* providerOf(actor)
            yield* checkIntermediary(draft)
            const offering = new Offering({
              ...draft,
              id,
              version: 1,
              providerId: member.organizationId,
              createdAt: yield* DateTime.now
            })
            yield* offerings.insertVersion(offering)
            yield* record({
              chain: offering.providerId,
              actor: member,
              action: "offering.created",
              subject: { type: "offering", id },
              before: null,
              after: snapshot(offering)
            })
            return offering
          })
        )
      }, Effect.provideContext(context))

      const update = Effect.fn("Catalog.update")(function* (actor: Actor, offeringId: unknown, patch: unknown) {
        const id = yield* decodeInput(OfferingId)(offeringId)
        // The patch's own fields are checked first, so a bad patch is refused before anything is read.
        const changes = yield* decodeInput(OfferingPatch)(patch)
        return yield* uow.transaction(
          Effect.gen(function* () {
            const member = yield* providerOf(actor)
            const current = yield* offerings.getLatest(id)
            if (!current || (current.providerId !== member.organizationId && !current.active))
              return yield* new OfferingNotFound({ offeringId: id })
            if (current.providerId !== member.organizationId)
              return yield* new PermissionDenied({ permission: "catalog.manage" })
            // A draft's encoded form is its typed form (plain data), so the merge decodes as it stands.
            const draft = yield* decodeInput(OfferingDraft)({ ...draftOf(current), ...changes })
            yield* checkIntermediary(draft)
            const next = new Offering({
              ...draft,
              id,
              version: current.version + 1,
              providerId: current.providerId,
              createdAt: yield* DateTime.now
            })
            yield* offerings.insertVersion(next)
            yield* record({
              chain: next.providerId,
              actor: member,
              action: "offering.updated",
              subject: { type: "offering", id },
              before: snapshot(current),
              after: snapshot(next)
            })
            return next
          })
        )
      }, Effect.provideContext(context))

      return Catalog.of({ list, get, getVersion, create, update })
    })
  )
}
