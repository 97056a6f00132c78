import { Layer } from "effect"
import { OfferingStore } from "../../src/catalog/OfferingStore.ts"
import { unitOfWorkMemory } from "../../src/kernel/UnitOfWork.ts"
import { offeringStoreSuite } from "../../src/testing/OfferingStoreSuite.ts"

// The in-memory layer runs the same suite as every storage adapter.
offeringStoreSuite("memory", Layer.merge(OfferingStore.layerMemory, unitOfWorkMemory))
