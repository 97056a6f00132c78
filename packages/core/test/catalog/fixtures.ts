import { DateTime } from "effect"
import { Offering, type OfferingDraftEncoded, type PricePlan } from "../../src/catalog/Offering.ts"
import type { OfferingId, OrganizationId, PricePlanId } from "../../src/kernel/Ids.ts"
import {
  type AdministrativeLevel,
  type Capability,
  type FederalState,
  Organization
} from "../../src/organization/Organization.ts"

export const at = (iso: string): DateTime.Utc => DateTime.makeUnsafe(iso)

export const organization = (
  id: string,
  options: {
    readonly name?: string
    readonly level?: AdministrativeLevel
    readonly state?: FederalState | null
    readonly capabilities?: ReadonlyArray<Capability>
  } = {}
): Organization =>
  new Organization({
    id: id as OrganizationId,
    name: options.name ?? id,
    legalForm: "Körperschaft des öffentlichen Rechts",
    administrativeLevel: options.level ?? "municipal",
    federalState: options.state === undefined ? "DE-NW" : options.state,
    capabilities: options.capabilities ?? ["customer"],
    supplementary: { website: null, contactEmail: null, note: null },
    masterDataReviewRequired: false,
    createdAt: at("2024-01-01T00:00:00Z"),
    updatedAt: at("2024-01-01T00:00:00Z")
  })

const text = (de: string, en = de) => ({ de, en })

export const plans = {
  oneTime: { _tag: "OneTime", id: "plan_once" as PricePlanId, name: text("Einmalig", "One-time"), amountCents: 500_00 },
  monthly: {
    _tag: "MonthlyRecurring",
    id: "plan_monthly" as PricePlanId,
    name: text("Monatlich", "Monthly"),
    monthlyCents: 100_00,
    termMonths: null
  },
  free: { _tag: "Free", id: "plan_free" as PricePlanId, name: text("Kostenlos", "Free") }
} as const satisfies Record<string, PricePlan>

/** A complete, valid draft as a provider would send it. */
export const draft = (overrides: Partial<OfferingDraftEncoded> = {}): OfferingDraftEncoded => ({
  name: text("Objektspeicher", "Object storage"),
  description: text("S3-kompatibler Speicher", "S3-compatible storage"),
  portfolioCategory: "Speicher",
  serviceType: "IaaS",
  pricePlans: [plans.oneTime, plans.monthly, plans.free],
  properties: [],
  provisioningTime: text("5 Werktage", "5 working days"),
  maturity: { level: 3, description: text("Produktiv", "Production") },
  conditions: { version: "1.0", text: "Servicespezifische Bedingungen" },
  supportedContractModels: ["DV", "UV"],
  customerCircles: { DV: null, UV: null },
  intermediaryId: "org_govdigital",
  efa: false,
  active: true,
  ...overrides
})

export const offering = (overrides: Partial<ConstructorParameters<typeof Offering>[0]> = {}): Offering =>
  new Offering({
    id: "off_test" as OfferingId,
    version: 1,
    providerId: "org_provider" as OrganizationId,
    name: text("Objektspeicher", "Object storage"),
    description: text("S3-kompatibler Speicher", "S3-compatible storage"),
    portfolioCategory: "Speicher",
    serviceType: "IaaS",
    pricePlans: [plans.oneTime, plans.monthly, plans.free],
    properties: [],
    provisioningTime: text("5 Werktage", "5 working days"),
    maturity: { level: 3, description: text("Produktiv", "Production") },
    conditions: { version: "1.0", text: "Servicespezifische Bedingungen" },
    supportedContractModels: ["DV", "UV"],
    customerCircles: { DV: null, UV: null },
    intermediaryId: "org_govdigital" as OrganizationId,
    efa: false,
    active: true,
    createdAt: at("2025-01-01T00:00:00Z"),
    ...overrides
  })
