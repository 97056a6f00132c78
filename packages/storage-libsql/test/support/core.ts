// What the tests use of core beyond the ports, imported by path until `@cloudportal/core` has its index.
export { system } from "../../../core/src/kernel/Actor.ts"
export { AuditEvent, record, verifyChain } from "../../../core/src/kernel/Audit.ts"
export { enqueue } from "../../../core/src/kernel/Outbox.ts"
export { sampleWorld } from "../../../core/src/testing/UnitOfWorkSuite.ts"
