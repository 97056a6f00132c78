import { Layer } from "effect"
import { LinkTokenStore } from "../../src/identity/LinkToken.ts"
import { SessionStore } from "../../src/identity/Session.ts"
import { AuditLog } from "../../src/kernel/Audit.ts"
import { Outbox } from "../../src/kernel/Outbox.ts"
import { unitOfWorkMemory } from "../../src/kernel/UnitOfWork.ts"
import { AccountStore, RoleStore } from "../../src/members/AccountStore.ts"
import { AddressStore, OrganizationStore } from "../../src/organization/OrganizationStore.ts"
import { TermsStore } from "../../src/terms/Terms.ts"
import { auditLogSuite } from "../../src/testing/AuditLogSuite.ts"
import { outboxSuite } from "../../src/testing/OutboxSuite.ts"
import { termsSuite } from "../../src/testing/TermsSuite.ts"
import { unitOfWorkSuite } from "../../src/testing/UnitOfWorkSuite.ts"

// The in-memory layers run the same suites as every storage adapter.
auditLogSuite("memory", AuditLog.layerMemory)
outboxSuite("memory", Outbox.layerMemory)
termsSuite("memory", TermsStore.layerMemory)
unitOfWorkSuite(
  "memory",
  Layer.mergeAll(
    unitOfWorkMemory,
    AuditLog.layerMemory,
    Outbox.layerMemory,
    TermsStore.layerMemory,
    OrganizationStore.layerMemory,
    AddressStore.layerMemory,
    AccountStore.layerMemory,
    RoleStore.layerMemory,
    LinkTokenStore.layerMemory,
    SessionStore.layerMemory
  )
)
