import { assert, describe, it } from "@effect/vitest"
import { Layer } from "effect"
import * as fc from "fast-check"
import type { OrderId } from "../../src/kernel/Ids.ts"
import { unitOfWorkMemory } from "../../src/kernel/UnitOfWork.ts"
import { decodeOrderCursor, encodeOrderCursor, OrderStore } from "../../src/orders/OrderStore.ts"
import { orderStoreSuite } from "../../src/testing/OrderStoreSuite.ts"

orderStoreSuite("memory", Layer.merge(OrderStore.layerMemory, unitOfWorkMemory))

describe("order list cursor", () => {
  it("a cursor reads back as the position it was made from", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8_640_000_000_000 }), fc.string({ minLength: 1 }), (millis, id) => {
        const cursor = { placedAtMillis: millis, id: id as OrderId }
        assert.deepStrictEqual(decodeOrderCursor(encodeOrderCursor(cursor)), cursor)
      })
    )
  })

  it("a cursor the portal did not issue is refused, never misread", () => {
    for (const text of ["", "x", "!!!", "W10", "eyJhIjoxfQ", "WzEsIiJd", "WzEuNSwiYSJd", "Wy0xLCJhIl0"])
      assert.isUndefined(decodeOrderCursor(text))
  })
})
