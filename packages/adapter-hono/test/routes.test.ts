import { memoryHarness } from "./memoryHarness.ts"
import { routeSuite } from "./routeSuite.ts"

routeSuite("memory", () => memoryHarness())
