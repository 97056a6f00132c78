import { LinkTokenStore } from "../../src/identity/LinkToken.ts"
import { SessionStore } from "../../src/identity/Session.ts"
import { linkTokenStoreSuite } from "../../src/testing/LinkTokenStoreSuite.ts"
import { sessionStoreSuite } from "../../src/testing/SessionStoreSuite.ts"

// The in-memory layers run the same suites as every storage adapter.
linkTokenStoreSuite("memory", LinkTokenStore.layerMemory)
sessionStoreSuite("memory", SessionStore.layerMemory)
