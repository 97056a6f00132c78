import type { Member, Operator } from "../kernel/Actor.ts"
import { type Permission, permissionKeys } from "../kernel/Permission.ts"
import type { Account, Role } from "./Account.ts"

/** Main admin or holder of the built-in „Organisationsadmin" role. */
export const isAdmin = (account: Account, roles: ReadonlyArray<Role>): boolean =>
  account.isMainAdmin || roles.some((r) => r.builtIn && account.roleIds.includes(r.id))

/**
 * What an account may do: admins hold the whole catalogue; everybody else exactly what their roles give.
 * Ordering is not a permission: every active member may order.
 */
export const effectivePermissions = (account: Account, roles: ReadonlyArray<Role>): ReadonlySet<Permission> => {
  if (isAdmin(account, roles)) return new Set(permissionKeys)
  const granted = new Set<Permission>()
  for (const role of roles) if (account.roleIds.includes(role.id)) for (const p of role.permissions) granted.add(p)
  return granted
}

/** The actor a signed-in account acts as. `roles` are its organization's roles. */
export const actorOf = (account: Account, roles: ReadonlyArray<Role>): Member | Operator =>
  account.kind === "operator"
    ? { _tag: "Operator", accountId: account.id }
    : {
        _tag: "Member",
        accountId: account.id,
        organizationId: account.organizationId!,
        isAdmin: isAdmin(account, roles),
        isMainAdmin: account.isMainAdmin,
        permissions: effectivePermissions(account, roles)
      }

/**
 * Every active member may order on behalf of the organization (DOMAIN §6). Deliberately not a permission:
 * no role or setting can take it away, so it depends on nothing but the account itself.
 */
export const canOrder = (account: Pick<Account, "kind" | "status" | "organizationId">): boolean =>
  account.kind === "member" && account.status === "active" && account.organizationId !== null

/** The permissions a role carries: the built-in „Organisationsadmin" holds the whole catalogue. */
export const rolePermissions = (role: Role): ReadonlyArray<Permission> =>
  role.builtIn ? permissionKeys : permissionKeys.filter((p) => role.permissions.includes(p))

/** The permissions in `wanted` that `holder` does not hold, in catalogue order: what granting them would escalate. */
export const permissionsLacking = (
  holder: ReadonlySet<Permission>,
  wanted: Iterable<Permission>
): ReadonlyArray<Permission> => {
  const want = new Set(wanted)
  return permissionKeys.filter((p) => want.has(p) && !holder.has(p))
}
