import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { applicableThreshold, defaultThresholds, Threshold } from "../../src/eligibility/Threshold.ts"
import { ThresholdStore } from "../../src/eligibility/ThresholdStore.ts"
import { Thresholds } from "../../src/eligibility/Thresholds.ts"
import { AuditLog, portalChain } from "../../src/kernel/Audit.ts"
import { Money } from "../../src/kernel/Money.ts"
import { at, organization } from "../catalog/fixtures.ts"
import { addMember, addOperator, addOrganization, worldLayer } from "../catalog/world.ts"

const cents = (customer: ReturnType<typeof organization>, iso: string, table = defaultThresholds) =>
  applicableThreshold(customer, at(iso), table).netAmount.amountCents

const federal = organization("org_bund", { level: "federal", state: null })
const bavarianTown = organization("org_by", { level: "municipal", state: "DE-BY" })
const bavarianMinistry = organization("org_by_state", { level: "state", state: "DE-BY" })
const saxonyAnhaltTown = organization("org_st", { level: "municipal", state: "DE-ST" })
const saxonyAnhaltAgency = organization("org_st_state", { level: "state", state: "DE-ST" })
const hessianTown = organization("org_he", { level: "municipal", state: "DE-HE" })

describe("procurement thresholds („Bagatellgrenze“)", () => {
  it("federal bodies may award directly up to 15,000 EUR net from 2025", () => {
    assert.strictEqual(cents(federal, "2025-03-01T00:00:00Z"), 15_000_00)
    assert.strictEqual(cents(federal, "2027-03-01T00:00:00Z"), 15_000_00, "extended beyond 2025")
    assert.strictEqual(cents(federal, "2024-06-01T00:00:00Z"), 1_000_00, "before, § 14 UVgO applied")
  })

  it("Bavarian municipalities may award directly up to 100,000 EUR from 1 Jan 2025 to 31 Dec 2029", () => {
    // The dates are Berlin calendar days: 1 Jan 2025 begins at 23:00 UTC the evening before.
    assert.strictEqual(cents(bavarianTown, "2024-12-31T22:59:59Z"), 1_000_00)
    assert.strictEqual(cents(bavarianTown, "2024-12-31T23:00:00Z"), 100_000_00)
    assert.strictEqual(cents(bavarianTown, "2029-12-31T22:59:59Z"), 100_000_00)
    assert.strictEqual(cents(bavarianTown, "2029-12-31T23:00:00Z"), 1_000_00)
  })

  it("the Bavarian municipal threshold is not the Bavarian state authorities'", () => {
    assert.strictEqual(cents(bavarianMinistry, "2026-01-01T00:00:00Z"), 1_000_00)
  })

  it("Sachsen-Anhalt allows 15,000 EUR net for every body in the Land", () => {
    assert.strictEqual(cents(saxonyAnhaltTown, "2026-01-01T00:00:00Z"), 15_000_00)
    assert.strictEqual(cents(saxonyAnhaltAgency, "2026-01-01T00:00:00Z"), 15_000_00)
  })

  it("a customer without a rule of its own falls back to § 14 UVgO", () => {
    const t = applicableThreshold(hessianTown, at("2026-01-01T00:00:00Z"), defaultThresholds)
    assert.strictEqual(t.netAmount.amountCents, 1_000_00)
    assert.match(t.source, /§ 14 UVgO/u)
    assert.strictEqual(cents(hessianTown, "2026-01-01T00:00:00Z", []), 1_000_00, "even from an empty table")
  })

  it("the most specific valid threshold wins", () => {
    const row = (jurisdiction: Threshold["jurisdiction"], amount: number) =>
      new Threshold({
        jurisdiction,
        netAmount: Money.cents(amount),
        validFrom: at("2025-01-01T00:00:00Z"),
        validUntil: null,
        source: String(amount)
      })
    const table = [
      row({ _tag: "Fallback" }, 1),
      row({ _tag: "Land", federalState: "DE-HE", administrativeLevel: null }, 2),
      row({ _tag: "Land", federalState: "DE-HE", administrativeLevel: "municipal" }, 3),
      row({ _tag: "Federal" }, 4)
    ]
    assert.strictEqual(cents(hessianTown, "2026-01-01T00:00:00Z", table), 3)
    assert.strictEqual(cents(organization("x", { level: "state", state: "DE-HE" }), "2026-01-01T00:00:00Z", table), 2)
    assert.strictEqual(cents(organization("y", { level: "state", state: "DE-SN" }), "2026-01-01T00:00:00Z", table), 1)
    assert.strictEqual(cents(federal, "2026-01-01T00:00:00Z", table), 4)
  })
})

const table = (rows: ReadonlyArray<unknown>) => ({ thresholds: rows })
const row = (overrides: Record<string, unknown> = {}) => ({
  jurisdiction: { _tag: "Land", federalState: "DE-HE", administrativeLevel: null },
  netAmount: { amountCents: 20_000_00, currency: "EUR" },
  validFrom: "2026-01-01T00:00:00Z",
  source: "Hessisches Vergabe- und Tariftreuegesetz",
  ...overrides
})

describe("the thresholds table", () => {
  it.effect("the shipped defaults apply until the operator replaces the table", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* Thresholds.use((t) => t.current), defaultThresholds)
    }).pipe(Effect.provide(worldLayer()))
  )

  it.effect("the operator replaces the table, and the replacement is audited", () =>
    Effect.gen(function* () {
      const operator = yield* addOperator
      const rows = [
        row(),
        row({ jurisdiction: { _tag: "Fallback" }, netAmount: { amountCents: 1_000_00, currency: "EUR" } })
      ]
      yield* Thresholds.use((t) => t.replace(operator, table(rows)))
      const current = yield* Thresholds.use((t) => t.current)
      assert.strictEqual(current.length, 2)
      const applicable = yield* Thresholds.use((t) => t.applicable(hessianTown, at("2026-02-01T00:00:00Z")))
      assert.strictEqual(applicable.netAmount.amountCents, 20_000_00)
      const events = yield* AuditLog.use((log) => log.list(portalChain, { afterSequence: 0, limit: 10 }))
      assert.deepStrictEqual(
        events.map((e) => e.action),
        ["thresholds.replaced"]
      )
    }).pipe(Effect.provide(worldLayer()))
  )

  it.effect("only the operator may replace the thresholds", () =>
    Effect.gen(function* () {
      const org = yield* addOrganization(organization("org_admin"))
      const admin = yield* addMember(org, ["organization.profile.edit", "catalog.manage"])
      const error = yield* Effect.flip(Thresholds.use((t) => t.replace(admin, table([row()]))))
      assert.strictEqual(error._tag, "PermissionDenied")
      assert.deepStrictEqual(yield* Thresholds.use((t) => t.current), defaultThresholds)
    }).pipe(Effect.provide(worldLayer()))
  )

  it.effect("a bad table names every offending field and changes nothing", () =>
    Effect.gen(function* () {
      const operator = yield* addOperator
      const error = yield* Effect.flip(
        Thresholds.use((t) =>
          t.replace(
            operator,
            table([
              row({ netAmount: { amountCents: -1, currency: "EUR" } }),
              row({ validFrom: "gestern", source: " " }),
              row({ jurisdiction: { _tag: "Land", federalState: "DE-XX", administrativeLevel: null } })
            ])
          )
        )
      )
      assert.strictEqual(error._tag, "InvalidInput")
      if (error._tag === "InvalidInput")
        assert.deepStrictEqual(error.issues.map((i) => i.path).sort(), [
          "thresholds.0.netAmount.amountCents",
          "thresholds.1.source",
          "thresholds.1.validFrom",
          "thresholds.2.jurisdiction.federalState"
        ])
      assert.isUndefined(yield* ThresholdStore.use((s) => s.get()))
    }).pipe(Effect.provide(worldLayer()))
  )

  it.effect("two rows of one jurisdiction may not overlap in time, and a period must end after it starts", () =>
    Effect.gen(function* () {
      const operator = yield* addOperator
      const error = yield* Effect.flip(
        Thresholds.use((t) =>
          t.replace(
            operator,
            table([
              row({ validUntil: "2027-01-01T00:00:00Z" }),
              row({ validFrom: "2026-06-01T00:00:00Z" }),
              row({ jurisdiction: { _tag: "Federal" }, validUntil: "2025-01-01T00:00:00Z" })
            ])
          )
        )
      )
      assert.strictEqual(error._tag, "InvalidInput")
      if (error._tag === "InvalidInput")
        assert.deepStrictEqual(error.issues.map((i) => i.path).sort(), [
          "thresholds.1.validFrom",
          "thresholds.2.validUntil"
        ])
      // Consecutive periods of one jurisdiction are fine.
      yield* Thresholds.use((t) =>
        t.replace(
          operator,
          table([row({ validUntil: "2027-01-01T00:00:00Z" }), row({ validFrom: "2027-01-01T00:00:00Z" })])
        )
      )
    }).pipe(Effect.provide(worldLayer()))
  )
})
