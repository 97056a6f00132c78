// Core's conformance suites.
export {
  accountStoreSuite,
  addressStoreSuite,
  auditLogSuite,
  contractFolderStoreSuite,
  devMailboxSuite,
  inhouseDeclarationStoreSuite,
  linkTokenStoreSuite,
  offeringStoreSuite,
  orderStoreSuite,
  organizationStoreSuite,
  outboxSuite,
  rateLimiterSuite,
  registrationStoreSuite,
  roleStoreSuite,
  sessionStoreSuite,
  termsSuite,
  thresholdStoreSuite,
  unitOfWorkSuite
} from "@cloudportal/core/testing"
