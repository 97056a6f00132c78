import { Layer } from "effect"
import { AddressStore, OrganizationStore } from "../../src/organization/OrganizationStore.ts"
import { addressStoreSuite } from "../../src/testing/AddressStoreSuite.ts"
import { organizationStoreSuite } from "../../src/testing/OrganizationStoreSuite.ts"

// The in-memory layers run the same suites as every storage adapter.
organizationStoreSuite("memory", OrganizationStore.layerMemory)
addressStoreSuite("memory", Layer.merge(AddressStore.layerMemory, OrganizationStore.layerMemory))
