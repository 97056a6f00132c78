// The one place this package reaches into @cloudportal/core. Core has no public index yet, so its modules
// are imported by path; once `@cloudportal/core` exports them, only this file changes.

export { LinkToken, LinkTokenStore } from "../../../core/src/identity/LinkToken.ts"
export { Session, SessionStore } from "../../../core/src/identity/Session.ts"
export { AuditEvent, AuditLog, type ChainHead } from "../../../core/src/kernel/Audit.ts"
export { StorageError } from "../../../core/src/kernel/Errors.ts"
export { Notification } from "../../../core/src/kernel/Notification.ts"
export { Outbox, OutboxMessage } from "../../../core/src/kernel/Outbox.ts"
export { SecureRandom } from "../../../core/src/kernel/SecureRandom.ts"
export { UnitOfWork } from "../../../core/src/kernel/UnitOfWork.ts"
export { Account, normalizeRoleName, Role } from "../../../core/src/members/Account.ts"
export {
  AccountStore,
  EmailAlreadyRegistered,
  MainAdminConflict,
  RoleNameTaken,
  RoleStore
} from "../../../core/src/members/AccountStore.ts"
export { Address, normalizeOrganizationName, Organization } from "../../../core/src/organization/Organization.ts"
export {
  AddressStore,
  DefaultAddressConflict,
  OrganizationAlreadyRegistered,
  OrganizationStore
} from "../../../core/src/organization/OrganizationStore.ts"
export { TermsStore, TermsVersion } from "../../../core/src/terms/Terms.ts"
