import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import type { PricePlan } from "../../src/catalog/Offering.ts"
import {
  billingOf,
  cartTotal,
  estimatedContractValue,
  maxQuantity,
  quantityProblem,
  valuedMonths
} from "../../src/catalog/Price.ts"
import type { PricePlanId } from "../../src/kernel/Ids.ts"

const name = { de: "Plan", en: "Plan" }
const id = "plan" as PricePlanId
const oneTime = (amountCents: number): PricePlan => ({ _tag: "OneTime", id, name, amountCents })
const monthly = (monthlyCents: number, termMonths: number | null): PricePlan => ({
  _tag: "MonthlyRecurring",
  id,
  name,
  monthlyCents,
  termMonths
})
const perUnit = (unitCents: number, billing: "oneTime" | "monthly", termMonths: number | null = null): PricePlan => ({
  _tag: "PerUnit",
  id,
  name,
  unitCents,
  unit: { de: "Nutzer", en: "user" },
  billing,
  termMonths
})
const free: PricePlan = { _tag: "Free", id, name }

describe("cart total", () => {
  it("a one-time plan costs its amount", () => {
    assert.strictEqual(cartTotal(oneTime(123_45), 1).amountCents, 123_45)
  })
  it("a per-unit plan costs the unit price times the quantity", () => {
    assert.strictEqual(cartTotal(perUnit(2_50, "oneTime"), 7).amountCents, 17_50)
    assert.strictEqual(cartTotal(perUnit(2_50, "monthly"), 7).amountCents, 17_50)
  })
  it("a monthly plan shows the price of one month in the cart", () => {
    assert.strictEqual(cartTotal(monthly(99_00, 12), 1).amountCents, 99_00)
    assert.strictEqual(billingOf(monthly(99_00, 12)), "monthly")
  })
  it("a free plan costs nothing", () => {
    assert.strictEqual(cartTotal(free, 1).amountCents, 0)
  })
  it("no fee or uplift is ever added: the cart total is the plan's own price", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_00 }), fc.integer({ min: 1, max: 1000 }), (cents, q) => {
        assert.strictEqual(cartTotal(perUnit(cents, "oneTime"), q).amountCents, cents * q)
        assert.strictEqual(cartTotal(oneTime(cents), 1).amountCents, cents)
      })
    )
  })
})

describe("estimated contract value (§ 3 (11) VgV)", () => {
  it("a one-time plan is valued at its total", () => {
    assert.strictEqual(estimatedContractValue(oneTime(500_00), 1).amountCents, 500_00)
    assert.strictEqual(estimatedContractValue(perUnit(10_00, "oneTime"), 3).amountCents, 30_00)
  })
  it("a recurring plan with a fixed term is valued over its whole term", () => {
    assert.strictEqual(estimatedContractValue(monthly(100_00, 12), 1).amountCents, 1_200_00)
    assert.strictEqual(estimatedContractValue(perUnit(5_00, "monthly", 24), 10).amountCents, 1_200_00)
  })
  it("a recurring plan of unlimited duration is valued at 48 times its monthly value", () => {
    assert.strictEqual(estimatedContractValue(monthly(100_00, null), 1).amountCents, 4_800_00)
    assert.strictEqual(estimatedContractValue(perUnit(5_00, "monthly", null), 10).amountCents, 2_400_00)
  })
  it("a recurring plan with a term beyond 48 months is valued at 48 months", () => {
    assert.strictEqual(valuedMonths(60), 48)
    assert.strictEqual(estimatedContractValue(monthly(100_00, 120), 1).amountCents, 4_800_00)
  })
  it("a free plan is valued at nothing", () => {
    assert.strictEqual(estimatedContractValue(free, 1).amountCents, 0)
  })
})

describe("quantity", () => {
  it("only per-unit plans take a quantity other than 1", () => {
    assert.isDefined(quantityProblem(oneTime(1_00), 2))
    assert.isDefined(quantityProblem(monthly(1_00, null), 3))
    assert.isUndefined(quantityProblem(oneTime(1_00), 1))
    assert.isUndefined(quantityProblem(perUnit(1_00, "oneTime"), 250))
  })
  it("a quantity is a positive whole number", () => {
    for (const q of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      assert.isDefined(quantityProblem(perUnit(1_00, "oneTime"), q), String(q))
  })
  it("no quantity may make an amount leave exact integer cents", () => {
    const plan = perUnit(9_999_99, "monthly")
    assert.isUndefined(quantityProblem(plan, maxQuantity(plan)))
    assert.isDefined(quantityProblem(plan, maxQuantity(plan) + 1))
    assert.isTrue(Number.isSafeInteger(estimatedContractValue(plan, maxQuantity(plan)).amountCents))
  })
})
