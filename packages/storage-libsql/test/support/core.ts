// What the tests use of core beyond the ports.
export {
  AuditEvent,
  Authentication,
  awaitingProviderDecision,
  Catalog,
  enqueue,
  Members,
  newId,
  Ordering,
  orderStatuses,
  platformDefaults,
  record,
  storesMemory,
  system,
  useCases,
  verifyChain
} from "@cloudportal/core"
export { defaultDemoPassword, demoAccounts, seedDemoWorld } from "@cloudportal/core/demo"
export { sampleOrder, sampleRegistration, sampleWorld } from "@cloudportal/core/testing"
