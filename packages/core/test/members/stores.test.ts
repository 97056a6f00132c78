import { Layer } from "effect"
import { AccountStore, RoleStore } from "../../src/members/AccountStore.ts"
import { OrganizationStore } from "../../src/organization/OrganizationStore.ts"
import { accountStoreSuite } from "../../src/testing/AccountStoreSuite.ts"
import { roleStoreSuite } from "../../src/testing/RoleStoreSuite.ts"

// The in-memory layers run the same suites as every storage adapter.
accountStoreSuite(
  "memory",
  Layer.mergeAll(AccountStore.layerMemory, RoleStore.layerMemory, OrganizationStore.layerMemory)
)
roleStoreSuite("memory", Layer.merge(RoleStore.layerMemory, OrganizationStore.layerMemory))
