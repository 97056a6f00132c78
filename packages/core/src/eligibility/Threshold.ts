import { DateTime, Schema } from "effect"
import { Money } from "../kernel/Money.ts"
import { FederalState, type Organization } from "../organization/Organization.ts"

/**
 * Whose procurement rules a threshold belongs to: the § 14 UVgO fallback, the Bund, or a Land, optionally
 * narrowed to one administrative level within that Land (e.g. Bayern's municipalities).
 */
export const Jurisdiction = Schema.TaggedUnion({
  Fallback: {},
  Federal: {},
  Land: {
    federalState: FederalState,
    administrativeLevel: Schema.NullOr(Schema.Literals(["state", "municipal", "other"]))
  }
})
export type Jurisdiction = typeof Jurisdiction.Type

/**
 * „Bagatellgrenze": the net value up to which a supply or service may be awarded directly, without a
 * procurement procedure (DOMAIN §7). Valid from `validFrom` (inclusive) until `validUntil` (exclusive;
 * null = until further notice). `source` names the legal instrument, shown with every ground that uses it.
 */
export class Threshold extends Schema.Class<Threshold>("@cloudportal/core/Threshold")({
  jurisdiction: Jurisdiction,
  netAmount: Money,
  validFrom: Schema.DateTimeUtc,
  validUntil: Schema.NullOr(Schema.DateTimeUtc),
  source: Schema.String
}) {}

/** Midnight at the start of a calendar day in Europe/Berlin, where German legal dates are counted. */
const berlinDayStart = (isoDate: string): DateTime.Utc =>
  DateTime.toUtc(
    DateTime.makeZonedUnsafe(`${isoDate}T00:00:00Z`, { timeZone: "Europe/Berlin", adjustForTimeZone: true })
  )

/**
 * § 14 UVgO: direct award up to 1,000 EUR net. The last resort: `applicableThreshold` returns it whenever the
 * table holds nothing valid for the customer, so there is always a threshold.
 */
export const uvgoFallback = new Threshold({
  jurisdiction: { _tag: "Fallback" },
  netAmount: Money.cents(100_000),
  validFrom: berlinDayStart("2017-02-07"),
  validUntil: null,
  source: "§ 14 UVgO (Direktauftrag bis 1.000 EUR netto)"
})

/** The shipped defaults (DOMAIN §7); the operator keeps the table current through `Thresholds.replace`. */
export const defaultThresholds: ReadonlyArray<Threshold> = [
  uvgoFallback,
  new Threshold({
    jurisdiction: { _tag: "Federal" },
    netAmount: Money.cents(1_500_000),
    validFrom: berlinDayStart("2025-01-01"),
    validUntil: null,
    source:
      "Abweichende Verwaltungsvorschriften des Bundes zur Vereinfachung der Vergabe von niedrigvolumigen " +
      "öffentlichen Aufträgen im Unterschwellenbereich vom 11.12.2024, über 2025 hinaus verlängert " +
      "(Direktauftrag Liefer- und Dienstleistungen bis 15.000 EUR netto)"
  }),
  new Threshold({
    jurisdiction: { _tag: "Land", federalState: "DE-BY", administrativeLevel: "municipal" },
    netAmount: Money.cents(10_000_000),
    validFrom: berlinDayStart("2025-01-01"),
    validUntil: berlinDayStart("2030-01-01"),
    source: "Bayern, Kommunen: Direktauftrag Liefer- und Dienstleistungen bis 100.000 EUR netto (01.01.2025–31.12.2029)"
  }),
  new Threshold({
    jurisdiction: { _tag: "Land", federalState: "DE-ST", administrativeLevel: null },
    netAmount: Money.cents(1_500_000),
    validFrom: berlinDayStart("2025-01-01"),
    validUntil: null,
    source: "Sachsen-Anhalt, Auftragswerteverordnung (Direktvergabe Liefer- und Dienstleistungen bis 15.000 EUR netto)"
  })
]

export const isThresholdValidAt = (t: Pick<Threshold, "validFrom" | "validUntil">, at: DateTime.Utc): boolean =>
  DateTime.isLessThanOrEqualTo(t.validFrom, at) && (t.validUntil === null || DateTime.isLessThan(at, t.validUntil))

/**
 * How specifically a threshold's jurisdiction fits the customer: 3 = its Land and administrative level,
 * 2 = its Land (or the Bund, for federal bodies), 1 = the fallback, 0 = not the customer's.
 */
export const specificity = (
  jurisdiction: Jurisdiction,
  customer: Pick<Organization, "administrativeLevel" | "federalState">
): number => {
  switch (jurisdiction._tag) {
    case "Fallback":
      return 1
    case "Federal":
      return customer.administrativeLevel === "federal" ? 2 : 0
    case "Land":
      if (customer.administrativeLevel === "federal" || customer.federalState !== jurisdiction.federalState) return 0
      if (jurisdiction.administrativeLevel === null) return 2
      return jurisdiction.administrativeLevel === customer.administrativeLevel ? 3 : 0
  }
}

/**
 * The threshold that applies to the customer at `at`: of those valid then, the most specific for its
 * administrative level and Land (the most recent on a tie); § 14 UVgO when none fits.
 */
export const applicableThreshold = (
  customer: Pick<Organization, "administrativeLevel" | "federalState">,
  at: DateTime.Utc,
  thresholds: ReadonlyArray<Threshold>
): Threshold => {
  let best: Threshold | undefined
  let bestRank = 0
  for (const t of thresholds) {
    if (!isThresholdValidAt(t, at)) continue
    const rank = specificity(t.jurisdiction, customer)
    if (rank === 0) continue
    if (rank > bestRank || (rank === bestRank && best && DateTime.isGreaterThan(t.validFrom, best.validFrom))) {
      best = t
      bestRank = rank
    }
  }
  return best ?? uvgoFallback
}

/** Whether two thresholds are for the same jurisdiction. */
export const sameJurisdiction = (a: Jurisdiction, b: Jurisdiction): boolean =>
  a._tag === b._tag &&
  (a._tag !== "Land" ||
    (b._tag === "Land" && a.federalState === b.federalState && a.administrativeLevel === b.administrativeLevel))
