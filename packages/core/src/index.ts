// biome-ignore-all assist/source/organizeImports: grouped by area, to be read as a table of contents
/**
 * @cloudportal/core — the rules of the Cloud-Service-Portal of the Deutsche Verwaltungscloud.
 * Read it as a table of contents: one block per area of DOMAIN.md; pure rules, ports and use cases.
 * Conformance suites for adapters: "@cloudportal/core/testing"; the demo world: "@cloudportal/core/demo".
 */

// Shared kernel: ids, email, money, paging, errors, actors, permissions, audit chain, outbox, platform ports
export * from "./kernel/Actor.ts"
export * from "./kernel/Audit.ts"
export * from "./kernel/ContractModel.ts"
export * from "./kernel/Digest.ts"
export * from "./kernel/Email.ts"
export * from "./kernel/Encoding.ts"
export * from "./kernel/Errors.ts"
export * from "./kernel/Ids.ts"
export * from "./kernel/LeitwegId.ts"
export * from "./kernel/Money.ts"
export * from "./kernel/Notification.ts"
export * from "./kernel/Outbox.ts"
export * from "./kernel/Paging.ts"
export * from "./kernel/Permission.ts"
export * from "./kernel/PostalAddress.ts"
export * from "./kernel/RateLimiter.ts"
export * from "./kernel/SecureRandom.ts"
export * from "./kernel/UnitOfWork.ts"

// The audit trail an admin reads (DOMAIN §11)
export * from "./audit/AuditTrail.ts"

// CSP-AGB versions
export * from "./terms/Terms.ts"

// Registration (DOMAIN §2)
export * from "./registration/Registration.ts"
export * from "./registration/RegistrationStore.ts"
export * from "./registration/Registrations.ts"

// Identity: passwords, sign-in, sessions, links, captcha (DOMAIN §3–4)
export * from "./identity/Authentication.ts"
export * from "./identity/Captcha.ts"
export * from "./identity/LinkToken.ts"
export * from "./identity/Password.ts"
export * from "./identity/PasswordHasher.ts"
export * from "./identity/ProofOfWorkCaptcha.ts"
export * from "./identity/Session.ts"

// Operators and the migration from the previous system (DOMAIN §1, §3)
export * from "./operator/Operators.ts"
export * from "./migration/Import.ts"

// Organization profile and addresses (DOMAIN §5)
export * from "./organization/AddressBook.ts"
export * from "./organization/Addresses.ts"
export * from "./organization/InhouseDeclarationCount.ts"
export * from "./organization/Organization.ts"
export * from "./organization/OrganizationProfile.ts"
export * from "./organization/OrganizationStore.ts"
export * from "./organization/Profile.ts"

// Accounts, roles, permissions (DOMAIN §6)
export * from "./members/Account.ts"
export * from "./members/AccountStore.ts"
export * from "./members/Members.ts"
export * from "./members/Membership.ts"
export * from "./members/Permissions.ts"
export * from "./members/RoleRules.ts"
export * from "./members/Roles.ts"
export * from "./members/Viewer.ts"

// Catalog and prices (DOMAIN §8)
export * from "./catalog/Cart.ts"
export * from "./catalog/Catalog.ts"
export * from "./catalog/Configuration.ts"
export * from "./catalog/Offering.ts"
export * from "./catalog/OfferingStore.ts"
export * from "./catalog/Pattern.ts"
export * from "./catalog/Price.ts"

// In-house relationships, thresholds and contract-model eligibility (DOMAIN §7)
export * from "./eligibility/Eligibility.ts"
export * from "./eligibility/EligibilityAnswer.ts"
export * from "./eligibility/InhouseDeclaration.ts"
export * from "./eligibility/InhouseDeclarationStore.ts"
export * from "./eligibility/InhouseDeclarations.ts"
export * from "./eligibility/InhouseGraph.ts"
export * from "./eligibility/Threshold.ts"
export * from "./eligibility/ThresholdStore.ts"
export * from "./eligibility/Thresholds.ts"

// Orders: status machine, deadline, contract folder (DOMAIN §8–9)
export * from "./orders/ContractFolder.ts"
export * from "./orders/Deadline.ts"
export * from "./orders/Order.ts"
export * from "./orders/OrderErrors.ts"
export * from "./orders/OrderStatus.ts"
export * from "./orders/OrderStore.ts"
export * from "./orders/Ordering.ts"
export * from "./orders/Transitions.ts"
export * from "./orders/Visibility.ts"

// Notifications: mailer port, dev mailbox, outbox dispatcher (DOMAIN §10)
export * from "./notifications/DevMailbox.ts"
export * from "./notifications/Dispatcher.ts"
export * from "./notifications/Mailer.ts"

// The whole core in memory, and the layers to compose your own
export * from "./layerMemory.ts"

// Names two areas share: qualified by area; the bare names stay with the order workflow
export {
  allowedActions,
  allowedActions as allowedOrderActions,
  transition,
  transition as transitionOrder
} from "./orders/Transitions.ts"
export { allowedActions as allowedMemberActions } from "./members/Membership.ts"
export { transition as transitionRegistration } from "./registration/Registration.ts"
export type { SignedIn } from "./members/Members.ts"
export type { SignedIn as AuthenticatedAccount } from "./identity/Authentication.ts"
