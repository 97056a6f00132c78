import { Layer } from "effect"
import { RateLimiter } from "../../src/kernel/RateLimiter.ts"
import { unitOfWorkMemory } from "../../src/kernel/UnitOfWork.ts"
import { rateLimiterSuite } from "../../src/testing/RateLimiterSuite.ts"

// The memory limiter runs the suite every adapter runs (the libSQL one shares counters across instances).
rateLimiterSuite("memory", Layer.merge(RateLimiter.layerMemory, unitOfWorkMemory))
