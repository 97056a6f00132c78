import { DateTime, Effect, Layer, Schema } from "effect"
import { TestClock } from "effect/testing"
import { Offering, type PricePlan } from "../../src/catalog/Offering.ts"
import { OfferingStore } from "../../src/catalog/OfferingStore.ts"
import { InhouseDeclaration } from "../../src/eligibility/InhouseDeclaration.ts"
import { InhouseDeclarationStore } from "../../src/eligibility/InhouseDeclarationStore.ts"
import { InhouseGraphs } from "../../src/eligibility/InhouseGraph.ts"
import { ThresholdStore } from "../../src/eligibility/ThresholdStore.ts"
import { Thresholds } from "../../src/eligibility/Thresholds.ts"
import type { Member } from "../../src/kernel/Actor.ts"
import { AuditLog } from "../../src/kernel/Audit.ts"
import type { ContractModel } from "../../src/kernel/ContractModel.ts"
import { Email } from "../../src/kernel/Email.ts"
import type {
  AccountId,
  AddressId,
  DeclarationId,
  OfferingId,
  OrganizationId,
  PricePlanId,
  RoleId,
  TermsId
} from "../../src/kernel/Ids.ts"
import { Outbox } from "../../src/kernel/Outbox.ts"
import type { Permission } from "../../src/kernel/Permission.ts"
import { SecureRandom } from "../../src/kernel/SecureRandom.ts"
import { unitOfWorkMemory } from "../../src/kernel/UnitOfWork.ts"
import { Account, Role } from "../../src/members/Account.ts"
import { AccountStore, RoleStore } from "../../src/members/AccountStore.ts"
import { actorOf } from "../../src/members/Permissions.ts"
import { ContractFolderStore, DocumentRenderer } from "../../src/orders/ContractFolder.ts"
import { Ordering } from "../../src/orders/Ordering.ts"
import { OrderStore } from "../../src/orders/OrderStore.ts"
import {
  Address,
  type AdministrativeLevel,
  type FederalState,
  Organization
} from "../../src/organization/Organization.ts"
import { AddressStore, OrganizationStore } from "../../src/organization/OrganizationStore.ts"
import { TermsStore, TermsVersion } from "../../src/terms/Terms.ts"

/** A complete portal in memory, fresh for every test that provides it. */
export const worldLayer = () => {
  const base = Layer.mergeAll(
    OrderStore.layerMemory,
    ContractFolderStore.layerMemory,
    DocumentRenderer.layerPlainText,
    OfferingStore.layerMemory,
    OrganizationStore.layerMemory,
    AddressStore.layerMemory,
    AccountStore.layerMemory,
    RoleStore.layerMemory,
    TermsStore.layerMemory,
    InhouseDeclarationStore.layerMemory,
    ThresholdStore.layerMemory,
    unitOfWorkMemory,
    AuditLog.layerMemory,
    Outbox.layerMemory,
    SecureRandom.layerSeeded(20250602)
  )
  const eligibility = Layer.provideMerge(Layer.merge(InhouseGraphs.layer, Thresholds.layer), base)
  return Layer.provideMerge(Ordering.layer, eligibility)
}

export const start = DateTime.makeUnsafe("2025-06-02T08:00:00Z")

const organization = (
  id: string,
  name: string,
  administrativeLevel: AdministrativeLevel,
  federalState: FederalState | null,
  capabilities: Organization["capabilities"]
) =>
  new Organization({
    id: id as OrganizationId,
    name,
    legalForm: "Körperschaft des öffentlichen Rechts",
    administrativeLevel,
    federalState,
    capabilities,
    supplementary: { website: null, contactEmail: null, note: null },
    masterDataReviewRequired: false,
    createdAt: start,
    updatedAt: start
  })

export const orgs = {
  customer: organization("org_kommune", "Stadt Musterstadt", "municipal", "DE-BY", ["customer"]),
  provider: organization("org_anbieter", "Anbieter-IT AöR", "state", "DE-BY", ["customer", "provider"]),
  intermediary: organization("org_govdigital", "govdigital eG", "other", "DE-BE", ["intermediary"]),
  stranger: organization("org_fremd", "Landkreis Fremd", "municipal", "DE-ST", ["customer"])
}

const account = (
  id: string,
  org: Organization,
  firstName: string,
  lastName: string,
  options: { isMainAdmin?: boolean; roleIds?: ReadonlyArray<string>; status?: Account["status"] } = {}
) =>
  new Account({
    id: id as AccountId,
    kind: "member",
    organizationId: org.id,
    email: Schema.decodeUnknownSync(Email)(`${id}@example.test`),
    firstName,
    lastName,
    status: options.status ?? "active",
    isMainAdmin: options.isMainAdmin ?? false,
    roleIds: (options.roleIds ?? []) as ReadonlyArray<RoleId>,
    passwordHash: null,
    passwordResetRequired: false,
    createdAt: start,
    updatedAt: start
  })

const role = (id: string, org: Organization, permissions: ReadonlyArray<Permission>) =>
  new Role({ id: id as RoleId, organizationId: org.id, name: id, permissions, builtIn: false })

export const roles = [
  role("role_viewer", orgs.customer, ["orders.viewOrganization"]),
  role("role_provider_decider", orgs.provider, ["orders.decideAsProvider"]),
  role("role_provider_catalog", orgs.provider, ["catalog.manage"]),
  role("role_intermediary_decider", orgs.intermediary, ["orders.decideAsIntermediary"])
]

export const accounts = {
  customerAdmin: account("acc_kommune_admin", orgs.customer, "Hanna", "Haupt", { isMainAdmin: true }),
  orderer: account("acc_erika", orgs.customer, "Erika", "Mustermann"),
  colleague: account("acc_max", orgs.customer, "Max", "Kollege"),
  customerViewer: account("acc_vera", orgs.customer, "Vera", "Überblick", { roleIds: ["role_viewer"] }),
  providerAdmin: account("acc_anbieter_admin", orgs.provider, "Paul", "Provider", { isMainAdmin: true }),
  providerDecider: account("acc_anbieter_decider", orgs.provider, "Dora", "Entscheid", {
    roleIds: ["role_provider_decider"]
  }),
  providerCatalog: account("acc_anbieter_catalog", orgs.provider, "Karl", "Katalog", {
    roleIds: ["role_provider_catalog"]
  }),
  providerInactive: account("acc_anbieter_off", orgs.provider, "Ina", "Inaktiv", {
    roleIds: ["role_provider_decider"],
    status: "deactivated"
  }),
  intermediaryAdmin: account("acc_gd_admin", orgs.intermediary, "Greta", "Genossin", { isMainAdmin: true }),
  intermediaryDecider: account("acc_gd_decider", orgs.intermediary, "Ivo", "Intermediär", {
    roleIds: ["role_intermediary_decider"]
  }),
  strangerAdmin: account("acc_fremd_admin", orgs.stranger, "Stefan", "Fremd", { isMainAdmin: true })
}
export type AccountName = keyof typeof accounts

/** The actor a signed-in account acts as, as the HTTP adapter derives it. */
export const actor = (name: AccountName): Member => {
  const a = accounts[name]
  return actorOf(
    a,
    roles.filter((r) => r.organizationId === a.organizationId)
  ) as Member
}

const text = (de: string, en: string) => ({ de, en })

export const plans = {
  once: { _tag: "OneTime", id: "plan_once" as PricePlanId, name: text("Einrichtung", "Setup"), amountCents: 500_000 },
  perSeat: {
    _tag: "PerUnit",
    id: "plan_seat" as PricePlanId,
    name: text("Pro Arbeitsplatz", "Per seat"),
    unitCents: 1_250,
    unit: text("Arbeitsplatz", "seat"),
    billing: "monthly",
    termMonths: null
  },
  free: { _tag: "Free", id: "plan_free" as PricePlanId, name: text("Basis", "Basic") },
  /** Above Bayern's municipal threshold of 100.000 EUR on its own. */
  huge: {
    _tag: "OneTime",
    id: "plan_huge" as PricePlanId,
    name: text("Großprojekt", "Large project"),
    amountCents: 12_000_000
  }
} satisfies Record<string, PricePlan>

export const offeringId = "off_cloudspeicher" as OfferingId

export const offering = (options: { version?: number; models?: ReadonlyArray<ContractModel>; active?: boolean } = {}) =>
  new Offering({
    id: offeringId,
    version: options.version ?? 1,
    providerId: orgs.provider.id,
    name: text("Cloudspeicher", "Cloud storage"),
    description: text("Georedundanter Objektspeicher", "Geo-redundant object storage"),
    portfolioCategory: "Speicher",
    serviceType: "IaaS",
    pricePlans: [plans.once, plans.perSeat, plans.free, plans.huge],
    properties: [
      {
        key: "region",
        label: text("Region", "Region"),
        required: true,
        type: { _tag: "Choice", options: ["de-west", "de-ost"] }
      },
      {
        key: "replicas",
        label: text("Replikate", "Replicas"),
        required: false,
        type: { _tag: "Integer", min: 1, max: 5 }
      },
      { key: "backup", label: text("Sicherung", "Backup"), required: false, type: { _tag: "Boolean" } }
    ],
    provisioningTime: text("5 Werktage", "5 working days"),
    maturity: { level: 3, description: text("Produktiv", "Production") },
    conditions: { version: "2025-01", text: "Es gelten die Servicebedingungen 2025-01." },
    supportedContractModels: options.models ?? ["DV", "UV"],
    customerCircles: { DV: null, UV: null },
    intermediaryId: orgs.intermediary.id,
    efa: false,
    active: options.active ?? true,
    createdAt: start
  })

/** Customer and provider both (jointly) control govdigital: each is in-house with it, not with each other. */
const declaration = (id: string, declarant: Organization, declarantAccount: Account) =>
  new InhouseDeclaration({
    id: id as DeclarationId,
    controller: declarant.id,
    controlled: orgs.intermediary.id,
    joint: true,
    evidence: "Mitgliedschaft in der govdigital eG",
    validFrom: DateTime.makeUnsafe("2024-01-01T00:00:00Z"),
    validUntil: null,
    declaredBy: { organizationId: declarant.id, accountId: declarantAccount.id },
    declaredAt: DateTime.makeUnsafe("2024-01-01T00:00:00Z"),
    ended: null
  })

export const terms = new TermsVersion({
  id: "terms_2025" as TermsId,
  version: "2025-03",
  effectiveFrom: DateTime.makeUnsafe("2025-03-01T00:00:00Z"),
  url: "https://example.test/csp-agb-2025-03.pdf",
  text: null
})

/** Fills the stores and sets the clock; `inhouse: false` leaves out the declarations (no flip contract). */
export const seed = (options: { inhouse?: boolean; withTerms?: boolean } = {}) =>
  Effect.gen(function* () {
    yield* TestClock.setTime(DateTime.toEpochMillis(start))
    const orgStore = yield* OrganizationStore
    for (const o of Object.values(orgs)) yield* orgStore.insert(o)
    yield* AddressStore.use((s) =>
      s.insert(
        new Address({
          id: "addr_rathaus" as AddressId,
          organizationId: orgs.customer.id,
          kind: "location",
          street: "Rathausplatz 1",
          postalCode: "80331",
          city: "Musterstadt",
          phone: "+49 89 1234567",
          leitwegId: null,
          isDefault: true
        })
      )
    )
    for (const r of roles) yield* RoleStore.use((s) => s.insert(r))
    for (const a of Object.values(accounts)) yield* AccountStore.use((s) => s.insert(a))
    yield* OfferingStore.use((s) => s.insertVersion(offering()))
    if (options.withTerms ?? true) yield* TermsStore.use((s) => s.insert(terms))
    if (options.inhouse ?? true) {
      yield* InhouseDeclarationStore.use((s) =>
        s.insert(declaration("decl_kommune", orgs.customer, accounts.customerAdmin))
      )
      yield* InhouseDeclarationStore.use((s) =>
        s.insert(declaration("decl_anbieter", orgs.provider, accounts.providerAdmin))
      )
    }
  })

/** A cart in the encoded form clients send. */
export const cart = (
  overrides: Partial<{
    offeringId: unknown
    offeringVersion: unknown
    pricePlanId: unknown
    quantity: unknown
    configuration: unknown
    contractModel: unknown
  }> = {}
) => ({
  offeringId,
  pricePlanId: plans.once.id,
  quantity: 1,
  configuration: { region: "de-west", replicas: 2 },
  contractModel: "DV",
  ...overrides
})

// Core's lib has no TextDecoder on purpose (see kernel/web-platform.d.ts); tests read documents with it.
declare global {
  class TextDecoder {
    decode(input?: Uint8Array): string
  }
}

export const utf8Text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)
