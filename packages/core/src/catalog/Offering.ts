import { Schema } from "effect"
import { ContractModel } from "../kernel/ContractModel.ts"
import { OfferingId, OrganizationId, PricePlanId } from "../kernel/Ids.ts"
import { Cents } from "../kernel/Money.ts"
import { AdministrativeLevel, FederalState } from "../organization/Organization.ts"

export const ServiceType = Schema.Literals(["IaaS", "PaaS", "SaaS"])
export type ServiceType = typeof ServiceType.Type

const Text = Schema.Struct({ de: Schema.String, en: Schema.String })

/**
 * A price plan; amounts are exact integer cents, net. No fees and no uplift exist anywhere (DOMAIN §8).
 * `termMonths: null` on a recurring plan means unlimited duration (valued at 48 months, § 3 (11) VgV).
 */
export const PricePlan = Schema.TaggedUnion({
  OneTime: { id: PricePlanId, name: Text, amountCents: Cents },
  MonthlyRecurring: { id: PricePlanId, name: Text, monthlyCents: Cents, termMonths: Schema.NullOr(Schema.Int) },
  PerUnit: {
    id: PricePlanId,
    name: Text,
    unitCents: Cents,
    unit: Text,
    /** Per unit once, or per unit and month. */
    billing: Schema.Literals(["oneTime", "monthly"]),
    termMonths: Schema.NullOr(Schema.Int)
  },
  Free: { id: PricePlanId, name: Text }
})
export type PricePlan = typeof PricePlan.Type

/** One configurable property of an offering; the order's configuration is validated against these. */
export const PropertyDefinition = Schema.Struct({
  key: Schema.String,
  label: Text,
  required: Schema.Boolean,
  type: Schema.TaggedUnion({
    Text: { maxLength: Schema.Int, pattern: Schema.NullOr(Schema.String) },
    Integer: { min: Schema.Int, max: Schema.Int },
    Boolean: {},
    Choice: { options: Schema.Array(Schema.String) }
  })
})
export type PropertyDefinition = typeof PropertyDefinition.Type

/** „Kundenkreis": who may order under one contract model; an empty list does not restrict. */
export const CustomerCircle = Schema.Struct({
  administrativeLevels: Schema.Array(AdministrativeLevel),
  federalStates: Schema.Array(FederalState),
  organizationIds: Schema.Array(OrganizationId)
})
export type CustomerCircle = typeof CustomerCircle.Type

/** Service-specific conditions („Servicespezifische Bedingungen"), versioned with the offering. */
export const ServiceConditions = Schema.Struct({ version: Schema.String, text: Schema.String })

/** „Reifegradmodell": the maturity level with its explanation. */
export const MaturityLevel = Schema.Struct({ level: Schema.Int, description: Text })

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
