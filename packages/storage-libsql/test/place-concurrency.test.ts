import { assert, describe, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { OrderStore } from "../src/internal/core.ts"
import { Catalog, defaultDemoPassword, demoAccounts, Ordering, seedDemoWorld } from "./support/core.ts"
import { fileUrl, portal, setToday, signIn } from "./support/portal.ts"

// `Ordering.place` reads most of what it decides on before its unit of work and only the anti-splitting sum
// inside it: these tests hold it to the rules on a real database with concurrent writers.
describe("placing orders concurrently over libSQL (file)", () => {
  layer(Layer.unwrap(Effect.map(fileUrl, portal)), { timeout: 60_000 })((it) => {
    it.effect("splitting an order to stay under the threshold is not allowed, not even by concurrent orders", () =>
      Effect.gen(function* () {
        yield* setToday
        yield* seedDemoWorld()
        // The federal provider orders „Fachverfahren Bund" (12,000 EUR) on the belowThreshold ground alone
        // (Bund: 15,000 EUR): of 20 concurrent orders only one fits under the threshold.
        const buyer = yield* signIn(demoAccounts.providerB, defaultDemoPassword)
        const ordering = yield* Ordering
        const offering = (yield* Catalog.use((c) => c.list(buyer, { limit: 50 }))).items.find(
          (o) => o.name.de === "Fachverfahren Bund"
        )!
        const cart = { offeringId: offering.id, pricePlanId: "lizenz", quantity: 1, contractModel: "DV" }
        const before = yield* ordering.checkEligibility(buyer, cart)
        assert.deepStrictEqual(
          before.contractModels.DV.grounds.map((g) => g.kind),
          ["belowThreshold"]
        )

        const outcomes = yield* Effect.forEach(
          Array.from({ length: 20 }),
          () =>
            ordering.place(buyer, cart).pipe(
              Effect.map((o) => o.id as string),
              Effect.catchTag("NotEligible", (e) => Effect.succeed(e._tag))
            ),
          { concurrency: "unbounded" }
        )
        const placed = outcomes.filter((o) => o !== "NotEligible")
        assert.strictEqual(placed.length, 1)
        assert.strictEqual(outcomes.length - placed.length, 19)
        const stored = yield* OrderStore.use((s) => s.get(placed[0] as never))
        assert.isTrue(stored?.belowThreshold)
        assert.isFalse((yield* ordering.checkEligibility(buyer, cart)).contractModels.DV.allowed)
      })
    )

    it.effect("concurrent orders on other grounds all go through, each with its own contract folder", () =>
      Effect.gen(function* () {
        yield* setToday
        yield* seedDemoWorld()
        const kommune = yield* signIn(demoAccounts.kommune, defaultDemoPassword)
        const ordering = yield* Ordering
        const offering = (yield* Catalog.use((c) => c.list(kommune, { limit: 50 }))).items.find(
          (o) => o.name.de === "Container-Plattform"
        )!
        const cart = { offeringId: offering.id, pricePlanId: "monat", quantity: 1, contractModel: "DV" }
        const placed = yield* Effect.forEach(Array.from({ length: 20 }), () => ordering.place(kommune, cart), {
          concurrency: "unbounded"
        })
        assert.strictEqual(new Set(placed.map((o) => o.id)).size, 20)
        for (const o of placed) {
          assert.deepStrictEqual(
            o.eligibility.contractModels.DV.grounds.map((g) => g.kind),
            ["inhouseWithProvider"]
          )
          assert.strictEqual((yield* ordering.contractFolder(kommune, o.id)).length > 0, true)
        }
      })
    )
  })
})
