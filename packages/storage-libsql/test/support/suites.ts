// Core's conformance suites.
export {
  accountStoreSuite,
  addressStoreSuite,
  auditLogSuite,
  linkTokenStoreSuite,
  organizationStoreSuite,
  outboxSuite,
  roleStoreSuite,
  sessionStoreSuite,
  termsSuite,
  unitOfWorkSuite
} from "@cloudportal/core/testing"
