import { Result, Schema } from "effect"
import { PresentedToken } from "../identity/LinkToken.ts"
import { Password } from "../identity/Password.ts"
import type { Member, Operator } from "../kernel/Actor.ts"
import { Email } from "../kernel/Email.ts"
import { PermissionDenied } from "../kernel/Errors.ts"
import { AccountId, OrganizationId, RoleId } from "../kernel/Ids.ts"
import type { Permission } from "../kernel/Permission.ts"
import { Reason } from "../organization/Profile.ts"
import { type Account, AccountStatus, type Role } from "./Account.ts"
import { canOrder, isAdmin, permissionsLacking, rolePermissions } from "./Permissions.ts"

/**
 * The rules of accounts within an organization (DOMAIN §6), as pure functions over the viewer (a `Member`
 * actor), the target account and the organization's roles. The use cases in `Members.ts` and the
 * `allowedActions` of every member view ask the same functions, so a user interface never guesses.
 */

// ---------------------------------------------------------------------------------------------------------
// Errors

/** No such account in the viewer's organization (other organizations' accounts and deleted ones included). */
export class AccountNotFound extends Schema.TaggedError<AccountNotFound>()("AccountNotFound", {
  accountId: Schema.String
}) {}

/** No such role in the viewer's organization. */
export class RoleNotFound extends Schema.TaggedError<RoleNotFound>()("RoleNotFound", { roleId: Schema.String }) {}

/** The main admin cannot be deactivated, deleted, demoted or replaced from within the organization. */
export class MainAdminProtected extends Schema.TaggedError<MainAdminProtected>()("MainAdminProtected", {
  accountId: Schema.String,
  action: Schema.String
}) {}

/** The action does not apply to the account's status (e.g. reactivating an active account). */
export class IllegalAccountTransition extends Schema.TaggedError<IllegalAccountTransition>()(
  "IllegalAccountTransition",
  { accountId: Schema.String, status: Schema.String, action: Schema.String }
) {}

/**
 * Granting would give away what the granter does not hold: `missing` lists those permissions;
 * `adminRoleRequired` is set when the grant touches „Organisationsadmin", which only admins give or take.
 */
export class PermissionEscalation extends Schema.TaggedError<PermissionEscalation>()("PermissionEscalation", {
  missing: Schema.Array(Schema.String),
  adminRoleRequired: Schema.Boolean
}) {}

/** The operator may make only an active member of the same organization its main admin. */
export class IneligibleMainAdmin extends Schema.TaggedError<IneligibleMainAdmin>()("IneligibleMainAdmin", {
  accountId: Schema.String,
  status: Schema.String
}) {}

/** What `PermissionDenied.permission` names when only an admin (main admin or „Organisationsadmin") may act. */
export const adminOnly = "organizationAdmin"

// ---------------------------------------------------------------------------------------------------------
// Lifecycle

/** The commands that move an account between states. */
export type LifecycleCommand = "acceptInvitation" | "resendInvitation" | "deactivate" | "reactivate" | "delete"

/**
 * `invited → active ⇄ deactivated`, and `deleted` from any state (the main admin excepted, see `authorize`).
 * Resending keeps an invited account invited. Anything not listed is illegal.
 */
export const accountTransitions: Readonly<
  Record<AccountStatus, Readonly<Partial<Record<LifecycleCommand, AccountStatus>>>>
> = {
  invited: { acceptInvitation: "active", resendInvitation: "invited", delete: "deleted" },
  active: { deactivate: "deactivated", delete: "deleted" },
  deactivated: { reactivate: "active", delete: "deleted" },
  deleted: {}
}

/** The status a command leads to from `status`, or undefined when the command does not apply. */
export const nextStatus = (status: AccountStatus, command: LifecycleCommand): AccountStatus | undefined =>
  accountTransitions[status][command]

// ---------------------------------------------------------------------------------------------------------
// What a viewer may do to an account

/** The actions a member view offers; `allowedActions` lists those the viewer may take now. */
export const memberActions = ["edit", "setRoles", "resendInvitation", "deactivate", "reactivate", "delete"] as const
export const MemberAction = Schema.Literals(memberActions)
export type MemberAction = typeof MemberAction.Type

export const memberActionLabels: Record<MemberAction, { readonly de: string; readonly en: string }> = {
  edit: { de: "Bearbeiten", en: "Edit" },
  setRoles: { de: "Rollen zuweisen", en: "Assign roles" },
  resendInvitation: { de: "Einladung erneut senden", en: "Resend invitation" },
  deactivate: { de: "Deaktivieren", en: "Deactivate" },
  reactivate: { de: "Aktivieren", en: "Reactivate" },
  delete: { de: "Löschen", en: "Delete" }
}

const lifecycleOf: Partial<Record<MemberAction, LifecycleCommand>> = {
  resendInvitation: "resendInvitation",
  deactivate: "deactivate",
  reactivate: "reactivate",
  delete: "delete"
}

const permissionFor: Record<MemberAction, Permission> = {
  edit: "members.manage",
  setRoles: "members.manage",
  resendInvitation: "members.invite",
  deactivate: "members.manage",
  reactivate: "members.manage",
  delete: "members.manage"
}

export type AuthorizeError = AccountNotFound | PermissionDenied | MainAdminProtected | IllegalAccountTransition

/**
 * May `viewer` take `action` on `target` now? Checked in this order, so that what a refusal reveals is
 * never more than the viewer may know:
 * 1. another organization's or a deleted account does not exist for the viewer (`AccountNotFound`);
 * 2. the action needs its permission (`members.manage`; resending needs `members.invite`); everyone may edit their own name;
 * 3. the main admin is untouchable but by themself, and only for editing their name (`MainAdminProtected`);
 * 4. **[extension]** only admins act on admins: managing an account of higher rank is escalation by other means;
 * 5. the action must fit the account's status (`IllegalAccountTransition`).
 */
export const authorize = (
  viewer: Member,
  target: Account,
  roles: ReadonlyArray<Role>,
  action: MemberAction
): Result.Result<void, AuthorizeError> => {
  const refused = refusal(viewer, target, roles, action)
  switch (refused) {
    case undefined:
      return Result.void
    case "notFound":
      return Result.fail(new AccountNotFound({ accountId: target.id }))
    case "mainAdmin":
      return Result.fail(new MainAdminProtected({ accountId: target.id, action }))
    case "status":
      return Result.fail(new IllegalAccountTransition({ accountId: target.id, status: target.status, action }))
    default:
      return Result.fail(new PermissionDenied({ permission: refused.permission }))
  }
}

/**
 * Why `authorize` refuses, without building the error: `allowedActions` asks it six times for every account of
 * a list, and an error object (with its stack trace) costs more than the whole decision.
 */
const refusal = (
  viewer: Member,
  target: Account,
  roles: ReadonlyArray<Role>,
  action: MemberAction
): "notFound" | "mainAdmin" | "status" | { readonly permission: string } | undefined => {
  if (target.kind !== "member" || target.organizationId !== viewer.organizationId || target.status === "deleted")
    return "notFound"
  const self = target.id === viewer.accountId
  const permission = permissionFor[action]
  if (!(action === "edit" && self) && !viewer.permissions.has(permission)) return { permission }
  if (target.isMainAdmin && !(action === "edit" && self)) return "mainAdmin"
  if (!self && !viewer.isAdmin && isAdmin(target, roles)) return { permission: adminOnly }
  const command = lifecycleOf[action]
  if (command && nextStatus(target.status, command) === undefined) return "status"
  return undefined
}

/** The actions `viewer` may take on `target` now, in a fixed order: exactly those `authorize` lets through. */
export const allowedActions = (
  viewer: Member,
  target: Account,
  roles: ReadonlyArray<Role>
): ReadonlyArray<MemberAction> => memberActions.filter((a) => refusal(viewer, target, roles, a) === undefined)

// ---------------------------------------------------------------------------------------------------------
// Granting roles

/**
 * Checks a role assignment: `requested` replaces `current`. Every requested role must exist in the
 * viewer's organization. Nobody grants a permission they do not hold **[extension]**; adding or removing
 * „Organisationsadmin" is for admins only. Removing other roles is no grant and needs nothing more.
 * Returns the requested ids without duplicates, in request order.
 */
export const decideRoleAssignment = (
  viewer: Member,
  current: ReadonlyArray<RoleId>,
  requested: ReadonlyArray<RoleId>,
  roles: ReadonlyArray<Role>
): Result.Result<ReadonlyArray<RoleId>, RoleNotFound | PermissionEscalation> => {
  const byId = new Map<string, Role>()
  for (const r of roles) if (r.organizationId === viewer.organizationId) byId.set(r.id, r)
  const next = [...new Set(requested)]
  const unknown = next.find((id) => !byId.has(id))
  if (unknown !== undefined) return Result.fail(new RoleNotFound({ roleId: unknown }))
  const added = next.filter((id) => !current.includes(id)).map((id) => byId.get(id)!)
  const removed = current.filter((id) => !next.includes(id)).flatMap((id) => byId.get(id) ?? [])
  const touchesAdminRole = [...added, ...removed].some((r) => r.builtIn)
  const missing = permissionsLacking(viewer.permissions, added.flatMap(rolePermissions))
  if ((touchesAdminRole && !viewer.isAdmin) || missing.length > 0)
    return Result.fail(new PermissionEscalation({ missing, adminRoleRequired: touchesAdminRole && !viewer.isAdmin }))
  return Result.succeed(next)
}

/** The audit form of an account: never its password hash. */
export const accountSnapshot = (a: Account) => ({
  id: a.id,
  email: a.email,
  firstName: a.firstName,
  lastName: a.lastName,
  status: a.status,
  isMainAdmin: a.isMainAdmin,
  roleIds: [...a.roleIds]
})

// ---------------------------------------------------------------------------------------------------------
// Input

const PersonName = (label: { de: string; en: string }) =>
  Schema.Trim.pipe(
    Schema.check(
      Schema.isNonEmpty({ message: `${label.de} fehlt / ${label.en} is required` }),
      Schema.isMaxLength(100, { message: `${label.de}: höchstens 100 Zeichen / ${label.en}: at most 100 characters` })
    )
  )
export const FirstName = PersonName({ de: "Vorname", en: "first name" })
export const LastName = PersonName({ de: "Nachname", en: "last name" })

/** „Konto hinzufügen": `{ email, firstName, lastName, roleIds? }` (API.md). */
export const InvitationInput = Schema.Struct({
  email: Email,
  firstName: FirstName,
  lastName: LastName,
  roleIds: Schema.optionalKey(Schema.Array(RoleId))
})
export type InvitationInput = typeof InvitationInput.Type

/** POST /invitations/accept: the link's token and the new password (policy of DOMAIN §4). */
export const InvitationAcceptance = Schema.Struct({ token: PresentedToken, password: Password })

/** PATCH /organization/members/:id. */
export const MemberEdit = Schema.Struct({
  firstName: Schema.optionalKey(FirstName),
  lastName: Schema.optionalKey(LastName)
})
export type MemberEdit = typeof MemberEdit.Type

/** PUT /organization/members/:id/roles: the complete new set. */
export const RoleAssignment = Schema.Struct({ roleIds: Schema.Array(RoleId) })

/** POST /operator/organizations/:id/main-admin. */
export const MainAdminReassignment = Schema.Struct({ accountId: AccountId, reason: Reason })

// ---------------------------------------------------------------------------------------------------------
// View

export const RoleRef = Schema.Struct({ id: RoleId, name: Schema.String, builtIn: Schema.Boolean })

/**
 * A member as a viewer sees it: status, roles, and the actions the viewer may take on it now. Plain data (a
 * struct, not a class): `memberView` builds it from an account that is valid already, and a member list builds
 * fifty at a time, where a class constructor would check every field of each again.
 */
export const MemberView = Schema.Struct({
  id: AccountId,
  organizationId: OrganizationId,
  email: Schema.String,
  firstName: Schema.String,
  lastName: Schema.String,
  status: AccountStatus,
  isMainAdmin: Schema.Boolean,
  isAdmin: Schema.Boolean,
  roles: Schema.Array(RoleRef),
  /** Every active member may order; no role takes that away. */
  canOrder: Schema.Boolean,
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc,
  allowedActions: Schema.Array(MemberAction)
}).annotate({ identifier: "@cloudportal/core/MemberView" })
export interface MemberView extends Schema.Schema.Type<typeof MemberView> {}

/** `target` as `viewer` sees it; the operator sees it without actions (it acts through its own routes). */
export const memberView = (target: Account, roles: ReadonlyArray<Role>, viewer: Member | Operator): MemberView => ({
  id: target.id,
  organizationId: target.organizationId!,
  email: target.email,
  firstName: target.firstName,
  lastName: target.lastName,
  status: target.status,
  isMainAdmin: target.isMainAdmin,
  isAdmin: isAdmin(target, roles),
  roles: roles
    .filter((r) => target.roleIds.includes(r.id))
    .map((r) => ({ id: r.id, name: r.name, builtIn: r.builtIn })),
  canOrder: canOrder(target),
  createdAt: target.createdAt,
  updatedAt: target.updatedAt,
  allowedActions: viewer._tag === "Member" ? allowedActions(viewer, target, roles) : []
})
