import { modelSuite } from "./modelSuite.ts"

// 50 sequences on the libSQL adapter (`:memory:`): each costs a freshly migrated database.
modelSuite("libsql", 50)
