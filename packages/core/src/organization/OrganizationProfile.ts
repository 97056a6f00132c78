import { Context, DateTime, Effect, Layer } from "effect"
import type { Actor } from "../kernel/Actor.ts"
import { type AuditLog, record } from "../kernel/Audit.ts"
import {
  decodeInput,
  type InvalidInput,
  PermissionDenied,
  type StorageError,
  type Unauthenticated
} from "../kernel/Errors.ts"
import { OrganizationId } from "../kernel/Ids.ts"
import type { SecureRandom } from "../kernel/SecureRandom.ts"
import { UnitOfWork } from "../kernel/UnitOfWork.ts"
import type { AccountStore, RoleStore } from "../members/AccountStore.ts"
import { adminOnly } from "../members/Membership.ts"
import { loadMember, loadMemberWith, loadOperator } from "../members/Viewer.ts"
import { InhouseDeclarationCount } from "./InhouseDeclarationCount.ts"
import type { Organization } from "./Organization.ts"
import { AddressStore, type OrganizationAlreadyRegistered, OrganizationStore } from "./OrganizationStore.ts"
import {
  type Change,
  decideOperatorUpdate,
  decideProfileUpdate,
  decideReviewConfirmation,
  type MissingItem,
  missingMasterData,
  type OperatorOnly,
  OperatorProfileUpdate,
  OrganizationNotFound,
  organizationSnapshot,
  ProfileUpdate,
  ProfileView
} from "./Profile.ts"

type Refused = PermissionDenied | Unauthenticated | StorageError

/**
 * The organization profile (DOMAIN §3, §5): „Persönliches Profil" with „Ergänzende Angaben zur
 * Organisation", the master-data completeness, the review after the migration, and the operator's edit
 * of name, legal form and capabilities.
 */
export class OrganizationProfile extends Context.Service<
  OrganizationProfile,
  {
    /** The signed-in member's organization. */
    readonly get: (actor: Actor) => Effect.Effect<ProfileView, OrganizationNotFound | Refused>
    /** Needs `organization.profile.edit`; changing name, legal form or capabilities is `OperatorOnly`. */
    readonly update: (
      actor: Actor,
      input: unknown
    ) => Effect.Effect<
      ProfileView,
      InvalidInput | OperatorOnly | OrganizationNotFound | OrganizationAlreadyRegistered | Refused
    >
    readonly completeness: (
      actor: Actor
    ) => Effect.Effect<{ readonly missing: ReadonlyArray<MissingItem> }, OrganizationNotFound | Refused>
    /** Admins only; clears `masterDataReviewRequired`. Confirming again changes nothing. */
    readonly confirmMasterDataReview: (
      actor: Actor
    ) => Effect.Effect<void, OrganizationNotFound | OrganizationAlreadyRegistered | Refused>
    /** The operator's edit, with the reason recorded in the audit event. */
    readonly updateAsOperator: (
      actor: Actor,
      organizationId: unknown,
      input: unknown
    ) => Effect.Effect<ProfileView, InvalidInput | OrganizationNotFound | OrganizationAlreadyRegistered | Refused>
  }
>()("@cloudportal/core/OrganizationProfile") {
  static readonly layer = Layer.effect(
    OrganizationProfile,
    Effect.gen(function* () {
      const context = yield* Effect.context<
        | OrganizationStore
        | AddressStore
        | AccountStore
        | RoleStore
        | InhouseDeclarationCount
        | UnitOfWork
        | AuditLog
        | SecureRandom
      >()
      const organizations = yield* OrganizationStore
      const addresses = yield* AddressStore
      const declarations = yield* InhouseDeclarationCount
      const uow = yield* UnitOfWork

      const load = Effect.fnUntraced(function* (id: OrganizationId) {
        const organization = yield* organizations.get(id)
        return organization ?? (yield* new OrganizationNotFound({ organizationId: id }))
      })

      const view = Effect.fnUntraced(function* (organization: Organization) {
        const book = yield* addresses.listByOrganization(organization.id)
        const inForce = yield* declarations.inForce(organization.id, yield* DateTime.now)
        const missing = missingMasterData({ organization, addresses: book, hasInhouseDeclaration: inForce > 0 })
        return new ProfileView({
          organization,
          defaultAddress: book.find((a) => a.isDefault) ?? null,
          flags: {
            masterDataReviewRequired: organization.masterDataReviewRequired,
            masterDataComplete: missing.length === 0,
            inhouseDeclared: inForce > 0
          },
          missing
        })
      })

      const save = Effect.fnUntraced(function* (
        actor: Actor,
        action: string,
        current: Organization,
        change: Change<Organization>,
        reason?: string
      ) {
        if (!change.changed) return current
        yield* organizations.update(change.next)
        yield* record({
          chain: current.id,
          actor,
          action,
          subject: { type: "organization", id: current.id },
          before: organizationSnapshot(current),
          after:
            reason === undefined ? organizationSnapshot(change.next) : { ...organizationSnapshot(change.next), reason }
        })
        return change.next
      })

      const get = Effect.fn("OrganizationProfile.get")(function* (actor: Actor) {
        const { actor: member } = yield* loadMember(actor)
        return yield* view(yield* load(member.organizationId))
      }, Effect.provideContext(context))

      const update = Effect.fn("OrganizationProfile.update")(function* (actor: Actor, input: unknown) {
        const data = yield* decodeInput(ProfileUpdate)(input)
        const saved = yield* uow.transaction(
          Effect.gen(function* () {
            const { actor: member } = yield* loadMemberWith("organization.profile.edit")(actor)
            const current = yield* load(member.organizationId)
            const change = yield* Effect.fromResult(decideProfileUpdate(current, data, yield* DateTime.now))
            return yield* save(member, "organization.profileUpdated", current, change)
          })
        )
        return yield* view(saved)
      }, Effect.provideContext(context))

      const completeness = Effect.fn("OrganizationProfile.completeness")(function* (actor: Actor) {
        const { missing } = yield* get(actor)
        return { missing }
      })

      const confirmMasterDataReview = Effect.fn("OrganizationProfile.confirmMasterDataReview")(function* (
        actor: Actor
      ) {
        yield* uow.transaction(
          Effect.gen(function* () {
            const { actor: member } = yield* loadMember(actor)
            if (!member.isAdmin) return yield* new PermissionDenied({ permission: adminOnly })
            const current = yield* load(member.organizationId)
            yield* save(
              member,
              "organization.masterDataReviewConfirmed",
              current,
              decideReviewConfirmation(current, yield* DateTime.now)
            )
          })
        )
      }, Effect.provideContext(context))

      const updateAsOperator = Effect.fn("OrganizationProfile.updateAsOperator")(function* (
        actor: Actor,
        organizationId: unknown,
        input: unknown
      ) {
        const id = yield* decodeInput(OrganizationId)(organizationId)
        const data = yield* decodeInput(OperatorProfileUpdate)(input)
        const saved = yield* uow.transaction(
          Effect.gen(function* () {
            const { actor: operator } = yield* loadOperator(actor)
            const current = yield* load(id)
            const change = decideOperatorUpdate(current, data, yield* DateTime.now)
            return yield* save(operator, "organization.updatedByOperator", current, change, data.reason)
          })
        )
        return yield* view(saved)
      }, Effect.provideContext(context))

      return OrganizationProfile.of({ get, update, completeness, confirmMasterDataReview, updateAsOperator })
    })
  )
}
