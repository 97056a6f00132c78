import { Layer } from "effect"
import { LinkTokenStore } from "../../src/identity/LinkToken.ts"
import { SessionStore } from "../../src/identity/Session.ts"
import { AccountStore, RoleStore } from "../../src/members/AccountStore.ts"
import { OrganizationStore } from "../../src/organization/OrganizationStore.ts"
import { linkTokenStoreSuite } from "../../src/testing/LinkTokenStoreSuite.ts"
import { sessionStoreSuite } from "../../src/testing/SessionStoreSuite.ts"

// The in-memory layers run the same suites as every storage adapter.
linkTokenStoreSuite("memory", LinkTokenStore.layerMemory)
sessionStoreSuite(
  "memory",
  Layer.mergeAll(
    SessionStore.layerMemory,
    AccountStore.layerMemory,
    RoleStore.layerMemory,
    OrganizationStore.layerMemory
  )
)
