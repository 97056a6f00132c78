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
  registrationStoreSuite,
  roleStoreSuite,
  sessionStoreSuite,
  termsSuite,
  thresholdStoreSuite,
  unitOfWorkSuite
} from "@cloudportal/core/testing"
// Not yet re-exported by `@cloudportal/core/testing` (its index lies outside this package); from the source
// until it is.
export { rateLimiterSuite } from "../../../core/src/testing/RateLimiterSuite.ts"
