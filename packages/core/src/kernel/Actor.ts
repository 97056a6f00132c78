import type { AccountId, OrganizationId } from "./Ids.ts"
import type { Permission } from "./Permission.ts"

/**
 * Who performs an action. Use cases receive the actor from the caller (the HTTP adapter derives it
 * from the session); pure rules decide on it alone.
 */
export type Actor = Operator | Member | System

/** Portal staff (Betreiber / DVC support). */
export interface Operator {
  readonly _tag: "Operator"
  readonly accountId: AccountId
}

/** A signed-in, active account of an approved organization, with the permissions its roles give. */
export interface Member {
  readonly _tag: "Member"
  readonly accountId: AccountId
  readonly organizationId: OrganizationId
  /** Main admin or „Organisationsadmin": full management rights of the organization. */
  readonly isAdmin: boolean
  readonly isMainAdmin: boolean
  readonly permissions: ReadonlySet<Permission>
}

/** The portal itself: schedules such as the deadline sweep. */
export interface System {
  readonly _tag: "System"
}

export const system: System = { _tag: "System" }

/** One pure answer to "may this actor use this permission in this organization?" */
export const can = (actor: Actor, permission: Permission, organizationId?: OrganizationId): boolean =>
  actor._tag === "Member" &&
  (organizationId === undefined || actor.organizationId === organizationId) &&
  actor.permissions.has(permission)

/** The audit form of an actor: plain data. */
export const actorRef = (actor: Actor): { readonly kind: Actor["_tag"]; readonly accountId: string | null } => ({
  kind: actor._tag,
  accountId: actor._tag === "System" ? null : actor.accountId
})
