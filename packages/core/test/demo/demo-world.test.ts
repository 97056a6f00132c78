import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect } from "effect"
import { TestClock } from "effect/testing"
import { Catalog } from "../../src/catalog/Catalog.ts"
import { defaultDemoPassword, demoAccounts, seedDemoWorld } from "../../src/demo/DemoWorld.ts"
import { Authentication } from "../../src/identity/Authentication.ts"
import { layerCoreMemory } from "../../src/layerMemory.ts"
import { Ordering } from "../../src/orders/Ordering.ts"

const layer = layerCoreMemory({ passwordHashing: { iterations: 1000 } })

const today = TestClock.setTime(DateTime.toEpochMillis(DateTime.makeUnsafe("2026-11-27T10:00:00Z")))

const signIn = (email: string) =>
  Effect.gen(function* () {
    const auth = yield* Authentication
    const { session } = yield* auth.login({ email, password: defaultDemoPassword })
    return (yield* auth.authenticate(session.token)).actor
  })

describe("demo world", () => {
  it.effect("the demo world is seeded once through the rules, and a restart changes nothing", () =>
    Effect.gen(function* () {
      yield* today
      assert.isTrue((yield* seedDemoWorld()).created)
      assert.isFalse((yield* seedDemoWorld()).created)
      for (const email of Object.values(demoAccounts)) yield* signIn(email)
    }).pipe(Effect.provide(layer))
  )

  it.effect(
    "the demo customer reaches govdigital through its IT service provider, so both contract models are open",
    () =>
      Effect.gen(function* () {
        yield* seedDemoWorld()
        const kommune = yield* signIn(demoAccounts.kommune)
        const offerings = (yield* Catalog.use((c) => c.list(kommune, { limit: 50 }))).items
        assert.deepStrictEqual(offerings.map((o) => o.serviceType).sort(), ["IaaS", "PaaS", "SaaS", "SaaS", "SaaS"])
        const platform = offerings.find((o) => o.serviceType === "PaaS")!
        const answer = yield* Ordering.use((o) =>
          o.checkEligibility(kommune, { offeringId: platform.id, pricePlanId: "monat", quantity: 1 })
        )
        assert.isTrue(answer.contractModels.DV.allowed)
        assert.isTrue(answer.contractModels.UV.allowed)
        const dvChain = answer.contractModels.DV.grounds.find((g) => g.kind === "inhouseWithProvider")?.chain
        assert.strictEqual(dvChain?.length, 2)
        const uvChains = answer.contractModels.UV.grounds.map((g) => g.chain?.length)
        assert.deepStrictEqual(uvChains.sort(), [2, 3])

        const restricted = offerings.find((o) => o.name.de === "Fachverfahren Bund")!
        const refused = yield* Ordering.use((o) =>
          o.checkEligibility(kommune, { offeringId: restricted.id, pricePlanId: "lizenz", quantity: 1 })
        )
        assert.isFalse(refused.contractModels.DV.allowed)
        assert.include(
          refused.contractModels.DV.blockingReasons.map((r) => r.kind),
          "customerCircle"
        )

        const free = offerings.find((o) => o.name.de === "Videokonferenz Basis")!
        const freeAnswer = yield* Ordering.use((o) =>
          o.checkEligibility(kommune, { offeringId: free.id, pricePlanId: "frei", quantity: 1 })
        )
        assert.include(
          freeAnswer.contractModels.DV.grounds.map((g) => g.kind),
          "freeOfCharge"
        )
      }).pipe(Effect.provide(layer))
  )
})

describe("eligibility texts", () => {
  it.effect("the German text of a proving chain names every organization on it, not its id", () =>
    Effect.gen(function* () {
      yield* today
      yield* seedDemoWorld()
      const kommune = yield* signIn(demoAccounts.kommune)
      const offerings = (yield* Catalog.use((c) => c.list(kommune, { limit: 50 }))).items
      const platform = offerings.find((o) => o.serviceType === "PaaS")!
      const answer = yield* Ordering.use((o) =>
        o.checkEligibility(kommune, { offeringId: platform.id, pricePlanId: "monat", quantity: 1 })
      )
      const customerChain = answer.contractModels.UV.grounds.find((g) => g.chain?.length === 3)!
      assert.include(
        customerChain.detail,
        "Kommune Musterstadt (Demo) → Kommunales Rechenzentrum Demo AöR → govdigital eG (Demo)"
      )
      assert.notInclude(customerChain.detail, "org_")
    }).pipe(Effect.provide(layer))
  )
})
