import { Schema } from "effect"
import { Email } from "../kernel/Email.ts"
import { AccountId, OrganizationId, RoleId } from "../kernel/Ids.ts"
import { Permission } from "../kernel/Permission.ts"

/** `invited → active ⇄ deactivated`, and `deleted` from any state but for the main admin (DOMAIN §6). */
export const AccountStatus = Schema.Literals(["invited", "active", "deactivated", "deleted"])
export type AccountStatus = typeof AccountStatus.Type

/**
 * A person's account. Members belong to one organization; operator accounts (portal staff) to none.
 * `passwordHash` is a PHC string, or null until a password is set (invited, migrated).
 */
export class Account extends Schema.Class<Account>("@cloudportal/core/Account")({
  id: AccountId,
  kind: Schema.Literals(["member", "operator"]),
  organizationId: Schema.NullOr(OrganizationId),
  email: Email,
  firstName: Schema.String,
  lastName: Schema.String,
  status: AccountStatus,
  isMainAdmin: Schema.Boolean,
  roleIds: Schema.Array(RoleId),
  passwordHash: Schema.NullOr(Schema.String),
  /** Migrated accounts: login refused until „Passwort vergessen" sets a password (DOMAIN §3). */
  passwordResetRequired: Schema.Boolean,
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc
}) {}

export const displayName = (a: Pick<Account, "firstName" | "lastName">): string => `${a.firstName} ${a.lastName}`

/** The built-in role every organization has; giving it makes an organization admin. */
export const organizationAdminRoleName = "Organisationsadmin"

/** Role names as compared for uniqueness within an organization: NFKC, case- and whitespace-insensitive. */
export const normalizeRoleName = (name: string): string =>
  name.normalize("NFKC").trim().replace(/\s+/gu, " ").toLowerCase()

export class Role extends Schema.Class<Role>("@cloudportal/core/Role")({
  id: RoleId,
  organizationId: OrganizationId,
  name: Schema.String,
  permissions: Schema.Array(Permission),
  /** True for „Organisationsadmin": not editable, not deletable, carries every permission. */
  builtIn: Schema.Boolean
}) {}
