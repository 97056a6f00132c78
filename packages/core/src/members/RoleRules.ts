import { Result, Schema } from "effect"
import type { Member } from "../kernel/Actor.ts"
import type { OrganizationId, RoleId } from "../kernel/Ids.ts"
import { Permission, permissionKeys } from "../kernel/Permission.ts"
import { organizationAdminRoleName, Role } from "./Account.ts"
import { PermissionEscalation } from "./Membership.ts"
import { permissionsLacking } from "./Permissions.ts"

/** The built-in „Organisationsadmin" can be neither edited nor deleted. */
export class BuiltInRoleProtected extends Schema.TaggedError<BuiltInRoleProtected>()("BuiltInRoleProtected", {
  roleId: Schema.String
}) {}

export const RoleName = Schema.Trim.pipe(
  Schema.check(
    Schema.isNonEmpty({ message: "Rollenname fehlt / role name is required" }),
    Schema.isMaxLength(100, { message: "Rollenname: höchstens 100 Zeichen / role name: at most 100 characters" })
  )
)

/** `{ name, permissions: [key, ...] }` as a client sends it (API.md). */
export const RoleInput = Schema.Struct({ name: RoleName, permissions: Schema.Array(Permission) })
export type RoleInput = typeof RoleInput.Type

export const RolePatch = Schema.Struct({
  name: Schema.optionalKey(RoleName),
  permissions: Schema.optionalKey(Schema.Array(Permission))
})
export type RolePatch = typeof RolePatch.Type

/** Permissions without duplicates, in catalogue order: one set, one spelling. */
export const canonicalPermissions = (ps: Iterable<Permission>): ReadonlyArray<Permission> => {
  const set = new Set(ps)
  return permissionKeys.filter((p) => set.has(p))
}

const escalation = (viewer: Member, wanted: Iterable<Permission>): PermissionEscalation | undefined => {
  const missing = permissionsLacking(viewer.permissions, wanted)
  return missing.length > 0 ? new PermissionEscalation({ missing, adminRoleRequired: false }) : undefined
}

/** A new custom role. Nobody puts a permission into a role that they do not hold themselves **[extension]**. */
export const decideRoleCreate = (
  viewer: Member,
  id: RoleId,
  input: RoleInput
): Result.Result<Role, PermissionEscalation> => {
  const permissions = canonicalPermissions(input.permissions)
  const refused = escalation(viewer, permissions)
  if (refused) return Result.fail(refused)
  return Result.succeed(
    new Role({ id, organizationId: viewer.organizationId, name: input.name, permissions, builtIn: false })
  )
}

/**
 * A changed custom role. Adding a permission grants it to every holder of the role, so the added ones must be
 * the viewer's own; removing is no grant. The built-in role stays as it is.
 */
export const decideRoleUpdate = (
  viewer: Member,
  role: Role,
  patch: RolePatch
): Result.Result<Role, BuiltInRoleProtected | PermissionEscalation> => {
  if (role.builtIn) return Result.fail(new BuiltInRoleProtected({ roleId: role.id }))
  const permissions = patch.permissions ? canonicalPermissions(patch.permissions) : role.permissions
  const refused = escalation(
    viewer,
    permissions.filter((p) => !role.permissions.includes(p))
  )
  if (refused) return Result.fail(refused)
  return Result.succeed(new Role({ ...role, name: patch.name ?? role.name, permissions }))
}

export const decideRoleDelete = (role: Role): Result.Result<void, BuiltInRoleProtected> =>
  role.builtIn ? Result.fail(new BuiltInRoleProtected({ roleId: role.id })) : Result.void

/** The built-in role of an organization, as registration creates it. */
export const makeOrganizationAdminRole = (id: RoleId, organizationId: OrganizationId): Role =>
  new Role({ id, organizationId, name: organizationAdminRoleName, permissions: permissionKeys, builtIn: true })

/** The audit form of a role. */
export const roleSnapshot = (r: Role) => ({
  id: r.id,
  name: r.name,
  permissions: [...r.permissions],
  builtIn: r.builtIn
})
