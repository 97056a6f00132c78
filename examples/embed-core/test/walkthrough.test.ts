import { layerCoreMemory } from "@cloudportal/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Logger } from "effect"
import { walkthrough } from "../src/main.ts"

describe("embed-core example", () => {
  it.effect("the walkthrough answers both contract models and takes a flip-contract order to „Bestellt“", () =>
    Effect.gen(function* () {
      const result = yield* walkthrough
      assert.isTrue(result.answer.contractModels.DV.allowed)
      assert.isTrue(result.answer.contractModels.UV.allowed)
      assert.strictEqual(result.order.status, "ordered")
      assert.strictEqual(result.order.statusLabel, "Bestellt")
      assert.strictEqual(result.stale, "StaleOrderStatus")
      assert.strictEqual(result.refused, "MainAdminProtected")
    }).pipe(
      Effect.provide(layerCoreMemory({ passwordHashing: { iterations: 1000 } })),
      Effect.provide(Logger.layer([]))
    )
  )
})
