import { Layer } from "effect"
import { InhouseDeclarationStore } from "../../src/eligibility/InhouseDeclarationStore.ts"
import { ThresholdStore } from "../../src/eligibility/ThresholdStore.ts"
import { layerMemory } from "../../src/kernel/UnitOfWork.ts"
import { inhouseDeclarationStoreSuite } from "../../src/testing/InhouseDeclarationStoreSuite.ts"
import { thresholdStoreSuite } from "../../src/testing/ThresholdStoreSuite.ts"

// The in-memory layers run the same suites as every storage adapter.
inhouseDeclarationStoreSuite("memory", Layer.merge(InhouseDeclarationStore.layerMemory, layerMemory))
thresholdStoreSuite("memory", Layer.merge(ThresholdStore.layerMemory, layerMemory))
