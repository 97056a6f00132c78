import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import * as fc from "fast-check"
import type { CustomerCircle, PricePlan } from "../../src/catalog/Offering.ts"
import { cartTotal } from "../../src/catalog/Price.ts"
import {
  chainMembers,
  type EligibilityInput,
  evaluateEligibility,
  provingChainMembers
} from "../../src/eligibility/Eligibility.ts"
import {
  type BlockingReasonKind,
  type ContractModelAnswer,
  EligibilityAnswer,
  primaryGround
} from "../../src/eligibility/EligibilityAnswer.ts"
import { type ControlEdge, InhouseGraph } from "../../src/eligibility/InhouseGraph.ts"
import { defaultThresholds } from "../../src/eligibility/Threshold.ts"
import type { DeclarationId, PricePlanId } from "../../src/kernel/Ids.ts"
import { Money } from "../../src/kernel/Money.ts"
import { at, offering, organization, plans } from "../catalog/fixtures.ts"

const now = at("2025-06-01T10:00:00Z")
const kommune = organization("org_kommune", { name: "Stadt Musterhausen", level: "municipal", state: "DE-NW" })
const zweckverband = organization("org_zv", { name: "Zweckverband IT", level: "other", state: "DE-NW" })
const provider = organization("org_provider", { name: "Kommunal-IT AöR", level: "other", capabilities: ["provider"] })
const otherProvider = organization("org_other", { name: "Fremd-IT GmbH", level: "other", capabilities: ["provider"] })
const govdigital = organization("org_govdigital", {
  name: "govdigital eG",
  level: "other",
  capabilities: ["intermediary"]
})
const bundesamt = organization("org_bund", { name: "Bundesamt", level: "federal", state: null })

let n = 0
const controls = (controller: Organization, controlled: Organization, from = "2020-01-01T00:00:00Z", until?: string) =>
  ({
    declarationId: `inh_${++n}` as DeclarationId,
    controller: controller.id,
    controlled: controlled.id,
    joint: true,
    validFrom: at(from),
    validUntil: until ? at(until) : null
  }) satisfies ControlEdge
type Organization = ReturnType<typeof organization>

// Kommune → Zweckverband → Kommunal-IT → govdigital; Fremd-IT → govdigital.
const world = [
  controls(kommune, zweckverband),
  controls(zweckverband, provider),
  controls(provider, govdigital),
  controls(otherProvider, govdigital)
]

const input = (overrides: Partial<EligibilityInput> = {}): EligibilityInput => ({
  customer: kommune,
  provider,
  intermediary: govdigital,
  offering: offering({ providerId: provider.id, intermediaryId: govdigital.id }),
  pricePlan: plans.oneTime,
  quantity: 1,
  graph: InhouseGraph.fromEdges(world),
  thresholds: defaultThresholds,
  priorCountedValue: Money.zero,
  at: now,
  customerHasInhouseDeclaration: true,
  ...overrides
})

const kinds = (a: ContractModelAnswer) => ({
  grounds: a.grounds.map((g) => g.kind),
  blocking: a.blockingReasons.map((r) => r.kind)
})
const blocking = (a: ContractModelAnswer): ReadonlyArray<BlockingReasonKind> => a.blockingReasons.map((r) => r.kind)
const monthly = (monthlyCents: number, termMonths: number | null): PricePlan => ({
  _tag: "MonthlyRecurring",
  id: "plan_m" as PricePlanId,
  name: { de: "Monatlich", en: "Monthly" },
  monthlyCents,
  termMonths
})

describe("direct contract („Direktvertrag“)", () => {
  it("a customer in-house with the provider may contract directly, with the proving chain", () => {
    const dv = evaluateEligibility(input()).contractModels.DV
    assert.isTrue(dv.allowed)
    const ground = dv.grounds[0]!
    assert.strictEqual(ground.kind, "inhouseWithProvider")
    assert.strictEqual(ground.relationship, "vertical")
    assert.deepStrictEqual(ground.chain, [kommune.id, zweckverband.id, provider.id])
    assert.strictEqual(ground.declarationIds?.length, 2)
    assert.deepStrictEqual(dv.blockingReasons, [])
  })

  it("a free-of-charge service may be contracted directly without any in-house relationship", () => {
    const dv = evaluateEligibility(input({ provider: otherProvider, pricePlan: plans.free })).contractModels.DV
    assert.isTrue(dv.allowed)
    assert.deepStrictEqual(kinds(dv).grounds, ["freeOfCharge", "belowThreshold"])
  })

  it("a value within the threshold may be contracted directly, with value, threshold and source", () => {
    const plan = { ...plans.oneTime, amountCents: 800_00 }
    const dv = evaluateEligibility(input({ provider: otherProvider, pricePlan: plan })).contractModels.DV
    assert.isTrue(dv.allowed)
    const ground = dv.grounds[0]!
    assert.strictEqual(ground.kind, "belowThreshold")
    assert.strictEqual(ground.value?.amountCents, 800_00)
    assert.strictEqual(ground.threshold?.amountCents, 1_000_00)
    assert.match(ground.thresholdSource ?? "", /§ 14 UVgO/u)
  })

  it("a value equal to the threshold may still be awarded directly („bis zu“)", () => {
    const plan = { ...plans.oneTime, amountCents: 1_000_00 }
    const dv = evaluateEligibility(input({ provider: otherProvider, pricePlan: plan })).contractModels.DV
    assert.deepStrictEqual(kinds(dv).grounds, ["belowThreshold"])
    const above = { ...plans.oneTime, amountCents: 1_000_01 }
    assert.isFalse(evaluateEligibility(input({ provider: otherProvider, pricePlan: above })).contractModels.DV.allowed)
  })

  it("above the threshold and without in-house relationship, the direct contract is blocked, naming every reason", () => {
    const plan = { ...plans.oneTime, amountCents: 5_000_00 }
    const dv = evaluateEligibility(input({ provider: otherProvider, pricePlan: plan })).contractModels.DV
    assert.isFalse(dv.allowed)
    assert.deepStrictEqual(dv.grounds, [])
    assert.deepStrictEqual(blocking(dv), ["noInhouseRelationshipWithProvider", "notFreeOfCharge", "aboveThreshold"])
  })

  it("earlier orders of the same offering count towards the threshold (no splitting)", () => {
    const plan = { ...plans.oneTime, amountCents: 600_00 }
    const alone = evaluateEligibility(input({ provider: otherProvider, pricePlan: plan })).contractModels.DV
    assert.isTrue(alone.allowed)
    const split = evaluateEligibility(
      input({ provider: otherProvider, pricePlan: plan, priorCountedValue: Money.cents(600_00) })
    ).contractModels.DV
    assert.isFalse(split.allowed)
    assert.deepStrictEqual(blocking(split).at(-1), "aboveThreshold")
    const within = evaluateEligibility(
      input({ provider: otherProvider, pricePlan: plan, priorCountedValue: Money.cents(400_00) })
    ).contractModels.DV
    assert.strictEqual(within.grounds[0]?.value?.amountCents, 1_000_00, "the counted value is the sum")
  })

  it("a recurring price of unlimited duration is valued at 48 months against the threshold", () => {
    const unlimited = monthly(400_00, null)
    const fed = { customer: bundesamt, provider: otherProvider }
    const dv = evaluateEligibility(input({ ...fed, pricePlan: unlimited })).contractModels.DV
    assert.isFalse(dv.allowed, "48 × 400 EUR = 19,200 EUR exceeds the Bund's 15,000 EUR")
    const year = evaluateEligibility(input({ ...fed, pricePlan: monthly(400_00, 12) })).contractModels.DV
    assert.strictEqual(year.grounds[0]?.value?.amountCents, 4_800_00)
    assert.strictEqual(year.grounds[0]?.threshold?.amountCents, 15_000_00)
  })

  it("without an in-house declaration no in-house ground holds, but free and threshold grounds still work", () => {
    const noDeclaration = input({ customerHasInhouseDeclaration: false })
    const dv = evaluateEligibility(noDeclaration).contractModels.DV
    assert.deepStrictEqual(kinds(dv).grounds, ["belowThreshold"])
    const expensive = { ...plans.oneTime, amountCents: 5_000_00 }
    const blocked = evaluateEligibility({ ...noDeclaration, pricePlan: expensive }).contractModels.DV
    assert.deepStrictEqual(blocking(blocked), ["noInhouseDeclaration", "notFreeOfCharge", "aboveThreshold"])
    const free = evaluateEligibility({ ...noDeclaration, pricePlan: plans.free }).contractModels.DV
    assert.isTrue(free.allowed)
  })

  it("a contract model the offering does not support is blocked", () => {
    const o = offering({ providerId: provider.id, supportedContractModels: ["UV"], intermediaryId: govdigital.id })
    const dv = evaluateEligibility(input({ offering: o })).contractModels.DV
    assert.isFalse(dv.allowed)
    assert.deepStrictEqual(blocking(dv), ["contractModelNotSupported"])
  })

  it("a customer outside the offering's customer circle („Kundenkreis“) is blocked", () => {
    const circle = (c: Partial<CustomerCircle>) =>
      offering({
        providerId: provider.id,
        intermediaryId: govdigital.id,
        customerCircles: {
          DV: { administrativeLevels: [], federalStates: [], organizationIds: [], ...c },
          UV: null
        }
      })
    for (const excluded of [
      circle({ administrativeLevels: ["state"] }),
      circle({ federalStates: ["DE-BY"] }),
      circle({ organizationIds: [otherProvider.id] })
    ]) {
      const answer = evaluateEligibility(input({ offering: excluded })).contractModels
      assert.deepStrictEqual(blocking(answer.DV), ["customerCircle"])
      assert.isTrue(answer.UV.allowed, "the circle of one model does not restrict the other")
    }
    for (const included of [
      circle({}),
      circle({ administrativeLevels: ["municipal"], federalStates: ["DE-NW"], organizationIds: [kommune.id] })
    ])
      assert.isTrue(evaluateEligibility(input({ offering: included })).contractModels.DV.allowed)
  })

  it("an in-house relationship counts only through edges valid at the evaluation date", () => {
    const expired = [
      controls(kommune, zweckverband, "2020-01-01T00:00:00Z", "2025-01-01T00:00:00Z"),
      controls(zweckverband, provider)
    ]
    const expensive = { ...plans.oneTime, amountCents: 5_000_00 }
    const dv = evaluateEligibility(input({ graph: InhouseGraph.fromEdges(expired), pricePlan: expensive }))
      .contractModels.DV
    assert.deepStrictEqual(blocking(dv)[0], "noInhouseRelationshipWithProvider")
    const before = evaluateEligibility(
      input({ graph: InhouseGraph.fromEdges(expired), pricePlan: expensive, at: at("2024-06-01T00:00:00Z") })
    ).contractModels.DV
    assert.isTrue(before.allowed)
  })

  it("the ground an order relies on is the strongest one", () => {
    const dv = evaluateEligibility(input({ pricePlan: plans.free })).contractModels.DV
    assert.deepStrictEqual(kinds(dv).grounds, ["inhouseWithProvider", "freeOfCharge", "belowThreshold"])
    assert.strictEqual(primaryGround(dv)?.kind, "inhouseWithProvider")
    const blocked = evaluateEligibility(
      input({ provider: otherProvider, pricePlan: { ...plans.oneTime, amountCents: 5_000_00 } })
    ).contractModels.DV
    assert.isUndefined(primaryGround(blocked))
  })
})

describe("flip contract („Umklappvertrag“)", () => {
  it("customer and provider each in-house with the intermediary may use the flip contract, with both chains", () => {
    const uv = evaluateEligibility(input({ provider: otherProvider })).contractModels.UV
    assert.isTrue(uv.allowed)
    assert.deepStrictEqual(
      uv.grounds.map((g) => [g.kind, g.party, g.chain]),
      [
        ["inhouseWithIntermediary", "customer", [kommune.id, zweckverband.id, provider.id, govdigital.id]],
        ["inhouseWithIntermediary", "provider", [otherProvider.id, govdigital.id]]
      ]
    )
  })

  it("an offering without intermediary cannot be ordered as flip contract", () => {
    const uv = evaluateEligibility(input({ intermediary: undefined })).contractModels.UV
    assert.deepStrictEqual(blocking(uv), ["noIntermediary"])
  })

  it("a customer without in-house relationship with the intermediary is blocked", () => {
    const stranger = organization("org_stranger", { name: "Gemeinde ohne Kette" })
    const uv = evaluateEligibility(input({ customer: stranger })).contractModels.UV
    assert.isFalse(uv.allowed)
    assert.deepStrictEqual(blocking(uv), ["customerNotInhouseWithIntermediary"])
    assert.deepStrictEqual(
      uv.grounds.map((g) => g.party),
      ["provider"]
    )
  })

  it("a provider without in-house relationship with the intermediary is blocked", () => {
    const lonely = organization("org_lonely", { name: "Solo-IT", capabilities: ["provider"] })
    const uv = evaluateEligibility(input({ provider: lonely })).contractModels.UV
    assert.deepStrictEqual(blocking(uv), ["providerNotInhouseWithIntermediary"])
  })

  it("without an in-house declaration of the customer the flip contract is blocked", () => {
    const uv = evaluateEligibility(input({ customerHasInhouseDeclaration: false })).contractModels.UV
    assert.isFalse(uv.allowed)
    assert.deepStrictEqual(blocking(uv), ["noInhouseDeclaration"])
  })

  it("a horizontal relationship through a common controller counts for the flip contract", () => {
    // The Land controls both the customer's company and govdigital's member; neither controls the other.
    const land = organization("org_land", { level: "state" })
    const landesbetrieb = organization("org_lb", { level: "state" })
    const graph = InhouseGraph.fromEdges([
      controls(land, landesbetrieb),
      controls(land, govdigital),
      controls(otherProvider, govdigital)
    ])
    const uv = evaluateEligibility(input({ customer: landesbetrieb, provider: otherProvider, graph })).contractModels.UV
    assert.isTrue(uv.allowed)
    assert.strictEqual(uv.grounds[0]?.relationship, "horizontal")
    assert.deepStrictEqual(uv.grounds[0]?.chain, [landesbetrieb.id, land.id, govdigital.id])
  })

  it("two members that both control the intermediary are not in-house with each other", () => {
    // Kommunal-IT and Fremd-IT both control govdigital: that gives the customer of one no relationship with the other.
    const r = InhouseGraph.fromEdges(world).relationship(provider.id, otherProvider.id, now)
    assert.isUndefined(r)
    const expensive = { ...plans.oneTime, amountCents: 5_000_00 }
    const dv = evaluateEligibility(input({ customer: provider, provider: otherProvider, pricePlan: expensive }))
      .contractModels.DV
    assert.strictEqual(blocking(dv)[0], "noInhouseRelationshipWithProvider")
  })
})

describe("the eligibility answer", () => {
  it("the answer carries the cart total, which is the price plan's own price", () => {
    for (const plan of [plans.oneTime, plans.monthly, plans.free])
      assert.deepStrictEqual(evaluateEligibility(input({ pricePlan: plan })).cartTotal, cartTotal(plan, 1))
  })

  it("every ground and every blocking reason carries a German detail text", () => {
    const answers = [
      input(),
      input({ provider: otherProvider, pricePlan: { ...plans.oneTime, amountCents: 9_000_00 } }),
      input({ customerHasInhouseDeclaration: false, intermediary: undefined }),
      input({ pricePlan: plans.free })
    ].map(evaluateEligibility)
    for (const a of answers)
      for (const model of [a.contractModels.DV, a.contractModels.UV])
        for (const item of [...model.grounds, ...model.blockingReasons]) assert.isTrue(item.detail.length > 10)
  })

  it("dates in the texts are Berlin calendar days", () => {
    const newYear = at("2025-12-31T23:30:00Z")
    const dv = evaluateEligibility(
      input({ provider: otherProvider, pricePlan: { ...plans.oneTime, amountCents: 9_000_00 }, at: newYear })
    ).contractModels.DV
    assert.include(dv.blockingReasons[0]?.detail ?? "", "01.01.2026")
  })

  it("an answer is never a bare boolean: allowed exactly when grounds hold and nothing blocks", () => {
    for (const i of [
      input(),
      input({ provider: otherProvider, pricePlan: { ...plans.oneTime, amountCents: 9_000_00 } })
    ]) {
      const a = evaluateEligibility(i)
      for (const m of [a.contractModels.DV, a.contractModels.UV]) {
        assert.strictEqual(m.allowed, m.blockingReasons.length === 0)
        if (m.allowed) assert.isTrue(m.grounds.length > 0)
      }
    }
  })

  it("every organization on an answer's proving chains is named before the rule runs (provingChainMembers)", () => {
    // Any world of control edges among the seven organizations, any parties, any gates: the names the texts
    // need are known up front, so placing an order evaluates the rule once.
    const all = [kommune, zweckverband, provider, otherProvider, govdigital, bundesamt]
    const pick = fc.constantFrom(...all)
    fc.assert(
      fc.property(
        fc.array(fc.tuple(pick, pick), { maxLength: 10 }),
        pick,
        pick,
        fc.option(pick, { nil: undefined }),
        fc.boolean(),
        (edges, customer, supplier, intermediary, declared) => {
          const i = input({
            customer,
            provider: supplier,
            intermediary,
            graph: InhouseGraph.fromEdges(edges.filter(([a, b]) => a.id !== b.id).map(([a, b]) => controls(a, b))),
            customerHasInhouseDeclaration: declared
          })
          const named = provingChainMembers(i)
          for (const id of chainMembers(evaluateEligibility(i))) assert.isTrue(named.has(id), id)
        }
      ),
      { numRuns: 300 }
    )
  })

  it("the answer has the shape clients rely on", () => {
    const answer = evaluateEligibility(input())
    const json = Schema.encodeSync(Schema.toCodecJson(EligibilityAnswer))(answer) as {
      cartTotal: unknown
      contractModels: Record<string, unknown>
    }
    assert.deepStrictEqual(json.cartTotal, { amountCents: 500_00, currency: "EUR" })
    assert.deepStrictEqual(Object.keys(json.contractModels).sort(), ["DV", "UV"])
  })
})
