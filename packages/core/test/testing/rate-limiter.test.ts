import { assert, describe, it } from "@effect/vitest"
import { DateTime, Layer } from "effect"
import { endedKeys, RateLimiter } from "../../src/kernel/RateLimiter.ts"
import { unitOfWorkMemory } from "../../src/kernel/UnitOfWork.ts"
import { rateLimiterSuite } from "../../src/testing/RateLimiterSuite.ts"

// The memory limiter runs the suite every adapter runs (the libSQL one shares counters across instances).
rateLimiterSuite("memory", Layer.merge(RateLimiter.layerMemory, unitOfWorkMemory))

describe("memory rate limiter housekeeping", () => {
  it("only windows that have ended are dropped from memory", () => {
    const at = (iso: string) => DateTime.makeUnsafe(iso)
    const windows = [
      ["captcha:old", { endsAt: at("2026-01-01T10:00:00Z") }],
      ["captcha:now", { endsAt: at("2026-01-01T10:00:10Z") }],
      ["login:live", { endsAt: at("2026-01-01T10:00:11Z") }]
    ] as const
    assert.deepStrictEqual(endedKeys(windows, at("2026-01-01T10:00:10Z")), ["captcha:old", "captcha:now"])
  })
})
