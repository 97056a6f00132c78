import { RegistrationStore } from "../../src/registration/RegistrationStore.ts"
import { registrationStoreSuite } from "../../src/testing/RegistrationStoreSuite.ts"

// The in-memory layer runs the same suite as every storage adapter.
registrationStoreSuite("memory", RegistrationStore.layerMemory)
