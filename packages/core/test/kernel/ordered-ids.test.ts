import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect } from "effect"
import * as fc from "fast-check"
import { newId, newIds, newOrderedId, SecureRandom } from "../../src/kernel/SecureRandom.ts"

const idAt = (millis: number, prefix = "msg") =>
  Effect.runSync(newOrderedId(prefix, DateTime.makeUnsafe(millis)).pipe(Effect.provide(SecureRandom.layerWebCrypto)))

describe("ordered ids (orders, audit events, outbox messages)", () => {
  it("a later record's id sorts after an earlier one's, so new records append to the id index", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 45 }), fc.integer({ min: 1, max: 2 ** 45 }), (earlier, gap) => {
        const a = idAt(earlier)
        const b = idAt(earlier + gap)
        assert.isTrue(a < b, `${a} < ${b}`)
      }),
      { numRuns: 500 }
    )
  })

  it("ids of one instant differ (80 random bits) and have a fixed shape", () => {
    const ids = Array.from({ length: 1000 }, () => idAt(1_764_000_000_000))
    assert.strictEqual(new Set(ids).size, ids.length)
    for (const id of ids) assert.match(id, /^msg_[0-9a-hjkmnp-tv-z]{10}[a-z2-7]{16}$/u)
    assert.match(idAt(1_764_000_000_000, "ord"), /^ord_[0-9a-hjkmnp-tv-z]{10}[a-z2-7]{16}$/u)
  })
})

describe("several ids at once", () => {
  it("newIds gives ids of newId's shape, all different, from one draw", () => {
    const ids = Effect.runSync(newIds("doc", 9).pipe(Effect.provide(SecureRandom.layerWebCrypto)))
    const single = Effect.runSync(newId("doc").pipe(Effect.provide(SecureRandom.layerWebCrypto)))
    assert.strictEqual(ids.length, 9)
    assert.strictEqual(new Set(ids).size, 9)
    for (const id of ids) assert.match(id, /^doc_[a-z2-7]{26}$/u)
    assert.match(single, /^doc_[a-z2-7]{26}$/u)
  })
})
