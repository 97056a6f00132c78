import { Schema } from "effect"
import { ContractModel } from "../kernel/ContractModel.ts"
import { OfferingId, OrganizationId, PricePlanId } from "../kernel/Ids.ts"
import { Cents } from "../kernel/Money.ts"
import { AdministrativeLevel, FederalState } from "../organization/Organization.ts"
import { compilePattern, propertyKeyPattern } from "./Pattern.ts"

export const ServiceType = Schema.Literals(["IaaS", "PaaS", "SaaS"])
export type ServiceType = typeof ServiceType.Type

const NonBlank = Schema.String.pipe(
  Schema.check(Schema.isTrimmed({ message: "ohne Leerzeichen am Rand / no surrounding whitespace" })),
  Schema.check(Schema.isNonEmpty({ message: "erforderlich / required" }))
)

/** A user-visible text in both locales, German first (DOMAIN: German is the default, English the second). */
export const LocalizedText = Schema.Struct({ de: NonBlank, en: NonBlank })
export type LocalizedText = typeof LocalizedText.Type
const Text = LocalizedText

/** A fixed contract term in months, or null for unlimited duration. */
const TermMonths = Schema.NullOr(
  Schema.Int.pipe(
    Schema.check(Schema.isBetween({ minimum: 1, maximum: 1200 }, { message: "1 bis 1200 Monate / 1 to 1200 months" }))
  )
)

/**
 * A price plan; amounts are exact integer cents, net. No fees and no uplift exist anywhere (DOMAIN §8).
 * `termMonths: null` on a recurring plan means unlimited duration (valued at 48 months, § 3 (11) VgV).
 */
export const PricePlan = Schema.TaggedUnion({
  OneTime: { id: PricePlanId, name: Text, amountCents: Cents },
  MonthlyRecurring: { id: PricePlanId, name: Text, monthlyCents: Cents, termMonths: TermMonths },
  PerUnit: {
    id: PricePlanId,
    name: Text,
    unitCents: Cents,
    unit: Text,
    /** Per unit once, or per unit and month. */
    billing: Schema.Literals(["oneTime", "monthly"]),
    /** Only meaningful for monthly billing. */
    termMonths: TermMonths
  },
  Free: { id: PricePlanId, name: Text }
})
export type PricePlan = typeof PricePlan.Type

/** One configurable property of an offering; the order's configuration is validated against these. */
export const PropertyDefinition = Schema.Struct({
  /** Appears in field paths (`configuration.<key>`): a plain identifier. */
  key: Schema.String.pipe(
    Schema.check(
      Schema.isPattern(propertyKeyPattern, {
        message: "Buchstabe, dann Buchstaben, Ziffern oder _ (höchstens 64) / an identifier of at most 64 characters"
      })
    )
  ),
  label: Text,
  required: Schema.Boolean,
  type: Schema.TaggedUnion({
    Text: {
      maxLength: Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 1, maximum: 100_000 }))),
      /** A regular expression (Unicode mode) the whole value must match. */
      pattern: Schema.NullOr(
        Schema.String.pipe(
          Schema.check(
            Schema.makeFilter((p: string) =>
              compilePattern(p) ? undefined : "kein gültiger regulärer Ausdruck / not a valid regular expression"
            )
          )
        )
      )
    },
    Integer: { min: Schema.Int, max: Schema.Int },
    Boolean: {},
    Choice: {
      options: Schema.Array(NonBlank).pipe(
        Schema.check(
          Schema.isNonEmpty({ message: "mindestens eine Option / at least one option" }),
          Schema.isUnique({ message: "Optionen doppelt / duplicate options" })
        )
      )
    }
  }).check(
    Schema.makeFilter((t) =>
      t._tag === "Integer" && t.min > t.max
        ? { path: ["max"], issue: "Maximum kleiner als Minimum / max is below min" }
        : undefined
    )
  )
})
export type PropertyDefinition = typeof PropertyDefinition.Type

/**
 * „Kundenkreis": who may order under one contract model. A customer belongs to it when it passes every
 * non-empty list (administrative level, Land, named organizations); an empty list does not restrict.
 */
export const CustomerCircle = Schema.Struct({
  administrativeLevels: Schema.Array(AdministrativeLevel),
  federalStates: Schema.Array(FederalState),
  organizationIds: Schema.Array(OrganizationId)
})
export type CustomerCircle = typeof CustomerCircle.Type

/** Service-specific conditions („Servicespezifische Bedingungen"), versioned with the offering. */
export const ServiceConditions = Schema.Struct({ version: NonBlank, text: Schema.String })

/** „Reifegradmodell": the maturity level with its explanation. */
export const MaturityLevel = Schema.Struct({
  level: Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0))),
  description: Text
})

/**
 * A cloud service in the catalog, at one version. Every change makes a new version; an order keeps
 * the version it was placed on.
 */
export class Offering extends Schema.Class<Offering>("@cloudportal/core/Offering")({
  id: OfferingId,
  version: Schema.Int,
  providerId: OrganizationId,
  name: Text,
  description: Text,
  portfolioCategory: Schema.String,
  serviceType: ServiceType,
  pricePlans: Schema.Array(PricePlan),
  properties: Schema.Array(PropertyDefinition),
  /** „Bereitstellungszeit". */
  provisioningTime: Text,
  maturity: MaturityLevel,
  conditions: ServiceConditions,
  supportedContractModels: Schema.Array(ContractModel),
  /** Per contract model; a model without an entry is open to every customer. */
  customerCircles: Schema.Struct({ DV: Schema.NullOr(CustomerCircle), UV: Schema.NullOr(CustomerCircle) }),
  /** The intermediary of flip contracts (today govdigital eG); FITKO or govdigital for EfA services. */
  intermediaryId: Schema.NullOr(OrganizationId),
  /** „EfA-Leistung" (Einer-für-Alle). */
  efa: Schema.Boolean,
  active: Schema.Boolean,
  createdAt: Schema.DateTimeUtc
}) {}

/** The largest amount a plan may carry: 100 bn EUR, so 48 months of it stay exact integer cents. */
export const maxPlanCents = 10_000_000_000_000

const planAmount = (p: PricePlan): number =>
  p._tag === "OneTime"
    ? p.amountCents
    : p._tag === "MonthlyRecurring"
      ? p.monthlyCents
      : p._tag === "PerUnit"
        ? p.unitCents
        : 0

/** What a provider submits for a new offering or a new version: the offering without id, version and provider. */
export const OfferingDraft = Schema.Struct({
  name: Text,
  description: Text,
  portfolioCategory: NonBlank,
  serviceType: ServiceType,
  pricePlans: Schema.Array(PricePlan).pipe(
    Schema.check(Schema.isNonEmpty({ message: "mindestens ein Preisplan / at least one price plan" }))
  ),
  properties: Schema.Array(PropertyDefinition),
  provisioningTime: Text,
  maturity: MaturityLevel,
  conditions: ServiceConditions,
  supportedContractModels: Schema.Array(ContractModel).pipe(
    Schema.check(
      Schema.isNonEmpty({ message: "mindestens ein Vertragsmodell / at least one contract model" }),
      Schema.isUnique({ message: "Vertragsmodell doppelt / duplicate contract model" })
    )
  ),
  customerCircles: Schema.Struct({ DV: Schema.NullOr(CustomerCircle), UV: Schema.NullOr(CustomerCircle) }),
  intermediaryId: Schema.NullOr(OrganizationId),
  efa: Schema.Boolean,
  active: Schema.Boolean
}).check(Schema.makeFilter((draft) => offeringRuleIssues(draft)))
export type OfferingDraft = typeof OfferingDraft.Type
export type OfferingDraftEncoded = typeof OfferingDraft.Encoded

/** A patch of a draft: any subset of its fields, each replacing the whole field (arrays included). */
export const OfferingPatch = Schema.Struct(
  Object.fromEntries(Object.entries(OfferingDraft.fields).map(([k, v]) => [k, Schema.optionalKey(v)])) as {
    readonly [K in keyof typeof OfferingDraft.fields]: Schema.optionalKey<(typeof OfferingDraft.fields)[K]>
  }
)

/** The draft of an existing offering version, as a base for a patch. */
export const draftOf = (o: Offering): OfferingDraft => ({
  name: o.name,
  description: o.description,
  portfolioCategory: o.portfolioCategory,
  serviceType: o.serviceType,
  pricePlans: o.pricePlans,
  properties: o.properties,
  provisioningTime: o.provisioningTime,
  maturity: o.maturity,
  conditions: o.conditions,
  supportedContractModels: o.supportedContractModels,
  customerCircles: o.customerCircles,
  intermediaryId: o.intermediaryId,
  efa: o.efa,
  active: o.active
})

/**
 * The rules across fields of an offering (DOMAIN §8): price plan ids and property keys unique, amounts
 * bounded, a term only on monthly billing, and an intermediary whenever the flip contract is offered or
 * the offering is an EfA service.
 */
export const offeringRuleIssues = (
  draft: Omit<OfferingDraft, "name" | "description" | "provisioningTime" | "maturity" | "conditions">
): Array<{ path: Array<string | number>; issue: string }> => {
  const issues: Array<{ path: Array<string | number>; issue: string }> = []
  const planIds = new Set<string>()
  draft.pricePlans.forEach((p, i) => {
    if (planIds.has(p.id))
      issues.push({ path: ["pricePlans", i, "id"], issue: "Preisplan-ID doppelt / duplicate price plan id" })
    planIds.add(p.id)
    if (planAmount(p) > maxPlanCents)
      issues.push({
        path: [
          "pricePlans",
          i,
          p._tag === "OneTime" ? "amountCents" : p._tag === "MonthlyRecurring" ? "monthlyCents" : "unitCents"
        ],
        issue: "Betrag zu hoch / amount too large"
      })
    if (p._tag === "PerUnit" && p.billing === "oneTime" && p.termMonths !== null)
      issues.push({
        path: ["pricePlans", i, "termMonths"],
        issue: "Laufzeit nur bei monatlicher Abrechnung / a term only with monthly billing"
      })
  })
  const keys = new Set<string>()
  draft.properties.forEach((p, i) => {
    if (keys.has(p.key)) issues.push({ path: ["properties", i, "key"], issue: "Schlüssel doppelt / duplicate key" })
    keys.add(p.key)
  })
  if (draft.intermediaryId === null && (draft.supportedContractModels.includes("UV") || draft.efa))
    issues.push({
      path: ["intermediaryId"],
      issue: draft.efa
        ? "EfA-Leistungen brauchen einen Intermediär / EfA services need an intermediary"
        : "Umklappvertrag braucht einen Intermediär / the flip contract needs an intermediary"
    })
  return issues
}
