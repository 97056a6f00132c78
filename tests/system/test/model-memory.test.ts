import { modelSuite } from "./modelSuite.ts"

// 500 sequences on core's memory layers.
modelSuite("memory", 500)
