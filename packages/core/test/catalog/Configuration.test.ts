import { assert, describe, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import * as fc from "fast-check"
import { validateCart } from "../../src/catalog/Cart.ts"
import { validateConfiguration } from "../../src/catalog/Configuration.ts"
import type { PropertyDefinition } from "../../src/catalog/Offering.ts"
import { compilePattern } from "../../src/catalog/Pattern.ts"
import type { InvalidInput } from "../../src/kernel/Errors.ts"
import { offering } from "./fixtures.ts"

const label = (de: string) => ({ de, en: de })
const properties: ReadonlyArray<PropertyDefinition> = [
  {
    key: "hostname",
    label: label("Hostname"),
    required: true,
    type: { _tag: "Text", maxLength: 8, pattern: "[a-z]+" }
  },
  { key: "cpus", label: label("CPUs"), required: true, type: { _tag: "Integer", min: 1, max: 64 } },
  { key: "backup", label: label("Backup"), required: false, type: { _tag: "Boolean" } },
  { key: "region", label: label("Region"), required: true, type: { _tag: "Choice", options: ["nord", "süd"] } }
]

const paths = (e: InvalidInput) => e.issues.map((i) => i.path).sort()

describe("configuration", () => {
  it.effect("a configuration within every definition is accepted as given", () =>
    Effect.gen(function* () {
      const config = { hostname: "web", cpus: 4, region: "süd" }
      assert.deepStrictEqual(yield* validateConfiguration(properties, config), config)
    })
  )

  it.effect("configuration validation names every offending property, once each", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        validateConfiguration(properties, {
          hostname: "WAY-TOO-LONG",
          cpus: 65.5,
          backup: "ja",
          region: "west",
          gpu: 1
        })
      )
      assert.deepStrictEqual(paths(error), [
        "configuration.backup",
        "configuration.cpus",
        "configuration.gpu",
        "configuration.hostname",
        "configuration.region"
      ])
    })
  )

  it.effect("a missing required property is named; a missing optional one is not", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(validateConfiguration(properties, {}))
      assert.deepStrictEqual(paths(error), ["configuration.cpus", "configuration.hostname", "configuration.region"])
    })
  )

  it.effect("a property the offering does not define is refused", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(validateConfiguration([], { anything: true }))
      assert.deepStrictEqual(paths(error), ["configuration.anything"])
    })
  )

  it.effect("a configuration that is not an object is refused as a whole", () =>
    Effect.gen(function* () {
      for (const bad of [5, "x", [1]]) {
        const error = yield* Effect.flip(validateConfiguration(properties, bad))
        assert.deepStrictEqual(paths(error), ["configuration"])
      }
    })
  )

  it.effect("integer limits are inclusive", () =>
    Effect.gen(function* () {
      const base = { hostname: "a", region: "nord" }
      yield* validateConfiguration(properties, { ...base, cpus: 1 })
      yield* validateConfiguration(properties, { ...base, cpus: 64 })
      const error = yield* Effect.flip(validateConfiguration(properties, { ...base, cpus: 0 }))
      assert.deepStrictEqual(paths(error), ["configuration.cpus"])
    })
  )

  it("text is accepted exactly when it matches the whole pattern and fits the length", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (hostname) => {
        const result = Effect.runSync(
          Effect.result(validateConfiguration(properties, { hostname, cpus: 2, region: "nord" }))
        )
        const ok = /^[a-z]+$/u.test(hostname) && [...hostname].length <= 8
        assert.strictEqual(Result.isSuccess(result), ok, hostname)
      })
    )
  })

  it("a pattern that does not compile is recognized", () => {
    assert.isUndefined(compilePattern("[a-"))
    assert.isDefined(compilePattern("[a-z]{2,3}"))
  })
})

describe("cart", () => {
  it.effect("a cart names the unknown price plan, the bad quantity and every bad property at once", () =>
    Effect.gen(function* () {
      const o = offering({ properties })
      const error = yield* Effect.flip(
        validateCart(o, {
          pricePlanId: "nope",
          quantity: "3",
          configuration: { cpus: 0, hostname: "x", region: "nord" }
        })
      )
      assert.deepStrictEqual(paths(error), ["configuration.cpus", "pricePlanId", "quantity"])
    })
  )

  it.effect("a valid cart comes back with its plan", () =>
    Effect.gen(function* () {
      const o = offering({ properties })
      const cart = yield* validateCart(o, {
        pricePlanId: o.pricePlans[0]!.id,
        quantity: 1,
        configuration: { cpus: 2, hostname: "x", region: "nord" }
      })
      assert.strictEqual(cart.pricePlan, o.pricePlans[0])
    })
  )

  it.effect(
    "each offering's definitions decide its configurations, however often and in whatever order they are asked",
    () =>
      Effect.gen(function* () {
        // The same definitions as another object (read afresh from a database), and definitions differing in
        // one limit only: a decoder kept for one must never answer for the other.
        const copy: ReadonlyArray<PropertyDefinition> = JSON.parse(JSON.stringify(properties))
        const fewerCpus: ReadonlyArray<PropertyDefinition> = properties.map((p) =>
          p.key === "cpus" ? { ...p, type: { _tag: "Integer", min: 1, max: 8 } } : p
        )
        const config = { hostname: "web", cpus: 16, region: "nord" }
        for (let round = 0; round < 3; round++) {
          assert.deepStrictEqual(yield* validateConfiguration(properties, config), config)
          assert.deepStrictEqual(paths(yield* Effect.flip(validateConfiguration(fewerCpus, config))), [
            "configuration.cpus"
          ])
          assert.deepStrictEqual(yield* validateConfiguration(copy, config), config)
          assert.deepStrictEqual(paths(yield* Effect.flip(validateConfiguration(copy, { ...config, disk: 1 }))), [
            "configuration.disk"
          ])
        }
      })
  )
})
