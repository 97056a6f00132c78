import { modelSuite } from "./modelSuite.ts"

// 450 sequences on core's memory layers; with the 50 on libSQL, 500 in CI.
modelSuite("memory", 450)
