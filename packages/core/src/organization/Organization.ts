import { Schema } from "effect"
import { AddressId, OrganizationId } from "../kernel/Ids.ts"
import { LeitwegId } from "../kernel/LeitwegId.ts"
import { City, Phone, PostalCode, Street } from "../kernel/PostalAddress.ts"

/** Administrative level of a public body; with the Land it decides the procurement threshold (DOMAIN §7). */
export const AdministrativeLevel = Schema.Literals(["federal", "state", "municipal", "other"])
export type AdministrativeLevel = typeof AdministrativeLevel.Type

/** ISO 3166-2 codes of the 16 Länder. */
export const federalStates = [
  "DE-BW",
  "DE-BY",
  "DE-BE",
  "DE-BB",
  "DE-HB",
  "DE-HH",
  "DE-HE",
  "DE-MV",
  "DE-NI",
  "DE-NW",
  "DE-RP",
  "DE-SL",
  "DE-SN",
  "DE-ST",
  "DE-SH",
  "DE-TH"
] as const
export const FederalState = Schema.Literals(federalStates)
export type FederalState = typeof FederalState.Type

/** What an organization does in the portal; one organization may hold several (DOMAIN §1). */
export const Capability = Schema.Literals(["customer", "provider", "intermediary"])
export type Capability = typeof Capability.Type

/** „Ergänzende Angaben zur Organisation": free supplementary information an admin maintains. */
export const SupplementaryInformation = Schema.Struct({
  website: Schema.NullOr(Schema.String),
  contactEmail: Schema.NullOr(Schema.String),
  note: Schema.NullOr(Schema.String)
})
export type SupplementaryInformation = typeof SupplementaryInformation.Type

/** Organization name as compared for "already registered": NFKC, case- and whitespace-insensitive. */
export const normalizeOrganizationName = (name: string): string =>
  name.normalize("NFKC").trim().replace(/\s+/gu, " ").toLowerCase()

export class Organization extends Schema.Class<Organization>("@cloudportal/core/Organization")({
  id: OrganizationId,
  /** Changeable after registration by the operator only (DOMAIN §5). */
  name: Schema.String,
  /** Changeable after registration by the operator only (DOMAIN §5). */
  legalForm: Schema.String,
  administrativeLevel: AdministrativeLevel,
  /** Required unless federal. */
  federalState: Schema.NullOr(FederalState),
  capabilities: Schema.Array(Capability),
  supplementary: SupplementaryInformation,
  /** Set for organizations migrated from the previous system until an admin confirms the review (DOMAIN §3). */
  masterDataReviewRequired: Schema.Boolean,
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc
}) {}

/** A location („Standort") or a billing address („Rechnungsadresse"). */
export const AddressKind = Schema.Literals(["location", "billing"])
export type AddressKind = typeof AddressKind.Type

/** „Adressen": locations and billing addresses; exactly one is the „Standardadresse". */
export class Address extends Schema.Class<Address>("@cloudportal/core/Address")({
  id: AddressId,
  organizationId: OrganizationId,
  kind: AddressKind,
  street: Street,
  postalCode: PostalCode,
  city: City,
  phone: Schema.NullOr(Phone),
  /** Billing addresses only [extension]. */
  leitwegId: Schema.NullOr(LeitwegId),
  isDefault: Schema.Boolean
}) {}
