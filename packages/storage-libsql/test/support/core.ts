// What the tests use of core beyond the ports.
export { AuditEvent, enqueue, record, system, verifyChain } from "@cloudportal/core"
export { sampleWorld } from "@cloudportal/core/testing"
