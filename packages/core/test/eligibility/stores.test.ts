import { Layer } from "effect"
import { InhouseDeclarationStore } from "../../src/eligibility/InhouseDeclarationStore.ts"
import { ThresholdStore } from "../../src/eligibility/ThresholdStore.ts"
import { unitOfWorkMemory } from "../../src/kernel/UnitOfWork.ts"
import { inhouseDeclarationStoreSuite } from "../../src/testing/InhouseDeclarationStoreSuite.ts"
import { thresholdStoreSuite } from "../../src/testing/ThresholdStoreSuite.ts"

// The in-memory layers run the same suites as every storage adapter.
inhouseDeclarationStoreSuite("memory", Layer.merge(InhouseDeclarationStore.layerMemory, unitOfWorkMemory))
thresholdStoreSuite("memory", Layer.merge(ThresholdStore.layerMemory, unitOfWorkMemory))
