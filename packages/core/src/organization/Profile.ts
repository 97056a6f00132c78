import { type DateTime, Result, Schema } from "effect"
import { Email } from "../kernel/Email.ts"
import { InvalidInput } from "../kernel/Errors.ts"
import {
  Address,
  AdministrativeLevel,
  Capability,
  FederalState,
  Organization,
  type SupplementaryInformation
} from "./Organization.ts"

/**
 * The organization's profile (DOMAIN §5): what its members edit, what only the operator edits, and what is
 * still missing from its master data. Pure: every function takes the current state and `now`.
 */

// ---------------------------------------------------------------------------------------------------------
// Errors

/** No such organization (or not the viewer's). */
export class OrganizationNotFound extends Schema.TaggedError<OrganizationNotFound>()("OrganizationNotFound", {
  organizationId: Schema.String
}) {}

/** Name, legal form and capabilities change after registration only through the operator. */
export class OperatorOnly extends Schema.TaggedError<OperatorOnly>()("OperatorOnly", {
  fields: Schema.Array(Schema.String)
}) {}

// ---------------------------------------------------------------------------------------------------------
// Input

const text = (label: { de: string; en: string }, max: number) =>
  Schema.Trim.pipe(
    Schema.check(
      Schema.isNonEmpty({ message: `${label.de} fehlt / ${label.en} is required` }),
      Schema.isMaxLength(max, {
        message: `${label.de}: höchstens ${max} Zeichen / ${label.en}: at most ${max} characters`
      })
    )
  )

export const OrganizationName = text({ de: "Name der Organisation", en: "organization name" }, 200)
export const LegalForm = text({ de: "Rechtsform", en: "legal form" }, 200)
export const Reason = text({ de: "Begründung", en: "reason" }, 2000)

const Website = Schema.Trim.pipe(
  Schema.check(
    Schema.isPattern(/^https?:\/\/[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$/u, {
      message: "Ungültige Webadresse (http:// oder https://) / invalid web address (http:// or https://)"
    }),
    Schema.isMaxLength(500)
  )
)
const Note = Schema.Trim.pipe(Schema.check(Schema.isMaxLength(4000)))

/** „Ergänzende Angaben zur Organisation" as edited: each key present replaces the stored value; null clears it. */
export const SupplementaryPatch = Schema.Struct({
  website: Schema.optionalKey(Schema.NullOr(Website)),
  contactEmail: Schema.optionalKey(Schema.NullOr(Email)),
  note: Schema.optionalKey(Schema.NullOr(Note))
})

/**
 * PATCH /organization. Name, legal form and capabilities are accepted so that a client sending them back
 * unchanged is not refused, and a client trying to change them is told why (`OperatorOnly`) instead of
 * being silently ignored.
 */
export const ProfileUpdate = Schema.Struct({
  name: Schema.optionalKey(OrganizationName),
  legalForm: Schema.optionalKey(LegalForm),
  capabilities: Schema.optionalKey(Schema.Array(Capability)),
  administrativeLevel: Schema.optionalKey(AdministrativeLevel),
  federalState: Schema.optionalKey(Schema.NullOr(FederalState)),
  supplementary: Schema.optionalKey(SupplementaryPatch)
})
export type ProfileUpdate = typeof ProfileUpdate.Type

/** PATCH /operator/organizations/:id: the operator's changes, always with the reason recorded. */
export const OperatorProfileUpdate = Schema.Struct({
  name: Schema.optionalKey(OrganizationName),
  legalForm: Schema.optionalKey(LegalForm),
  capabilities: Schema.optionalKey(Schema.Array(Capability)),
  reason: Reason
})
export type OperatorProfileUpdate = typeof OperatorProfileUpdate.Type

// ---------------------------------------------------------------------------------------------------------
// Decisions

/** The next state, and whether anything changed at all (no change, no write, no audit event). */
export interface Change<A> {
  readonly next: A
  readonly changed: boolean
}

const capabilityOrder = Capability.literals
const canonicalCapabilities = (cs: ReadonlyArray<Capability>): ReadonlyArray<Capability> =>
  capabilityOrder.filter((c) => cs.includes(c))
const sameCapabilities = (a: ReadonlyArray<Capability>, b: ReadonlyArray<Capability>): boolean =>
  canonicalCapabilities(a).join() === canonicalCapabilities(b).join()

const supplementaryOf = (
  current: SupplementaryInformation,
  patch: typeof SupplementaryPatch.Type | undefined
): SupplementaryInformation => ({
  website: patch?.website !== undefined ? patch.website : current.website,
  contactEmail: patch?.contactEmail !== undefined ? patch.contactEmail : current.contactEmail,
  note: patch?.note === undefined ? current.note : patch.note === "" ? null : patch.note
})

const federalStateIssue = InvalidInput.of({
  path: "federalState",
  message: "Land fehlt (nötig außer für Bundesbehörden) / federal state is required unless federal"
})

const differs = (a: Organization, b: Organization): boolean =>
  a.name !== b.name ||
  a.legalForm !== b.legalForm ||
  !sameCapabilities(a.capabilities, b.capabilities) ||
  a.administrativeLevel !== b.administrativeLevel ||
  a.federalState !== b.federalState ||
  a.supplementary.website !== b.supplementary.website ||
  a.supplementary.contactEmail !== b.supplementary.contactEmail ||
  a.supplementary.note !== b.supplementary.note ||
  a.masterDataReviewRequired !== b.masterDataReviewRequired

const touched = (current: Organization, next: Organization, now: DateTime.Utc): Change<Organization> =>
  differs(current, next)
    ? { next: new Organization({ ...next, updatedAt: now }), changed: true }
    : { next: current, changed: false }

/**
 * A member's profile edit. Name, legal form and capabilities may be sent, but only unchanged: changing them
 * is the operator's (`OperatorOnly`, naming every such field). Administrative level and Land stay
 * consistent: the Land is required unless the organization is federal.
 */
export const decideProfileUpdate = (
  current: Organization,
  update: ProfileUpdate,
  now: DateTime.Utc
): Result.Result<Change<Organization>, OperatorOnly | InvalidInput> => {
  const operatorFields = [
    update.name !== undefined && update.name !== current.name ? "name" : undefined,
    update.legalForm !== undefined && update.legalForm !== current.legalForm ? "legalForm" : undefined,
    update.capabilities !== undefined && !sameCapabilities(update.capabilities, current.capabilities)
      ? "capabilities"
      : undefined
  ].filter((f) => f !== undefined)
  if (operatorFields.length > 0) return Result.fail(new OperatorOnly({ fields: operatorFields }))
  const administrativeLevel = update.administrativeLevel ?? current.administrativeLevel
  const federalState = update.federalState !== undefined ? update.federalState : current.federalState
  if (administrativeLevel !== "federal" && federalState === null) return Result.fail(federalStateIssue)
  const next = new Organization({
    ...current,
    administrativeLevel,
    federalState,
    supplementary: supplementaryOf(current.supplementary, update.supplementary)
  })
  return Result.succeed(touched(current, next, now))
}

/** The operator's edit of name, legal form and capabilities (DOMAIN §1, §5); the reason goes to the audit. */
export const decideOperatorUpdate = (
  current: Organization,
  update: OperatorProfileUpdate,
  now: DateTime.Utc
): Change<Organization> =>
  touched(
    current,
    new Organization({
      ...current,
      name: update.name ?? current.name,
      legalForm: update.legalForm ?? current.legalForm,
      capabilities: update.capabilities ? canonicalCapabilities(update.capabilities) : current.capabilities
    }),
    now
  )

/** An admin confirms the master-data review after the migration (DOMAIN §3); confirming twice changes nothing. */
export const decideReviewConfirmation = (current: Organization, now: DateTime.Utc): Change<Organization> =>
  touched(current, new Organization({ ...current, masterDataReviewRequired: false }), now)

// ---------------------------------------------------------------------------------------------------------
// Completeness

/** What master data can be missing, in the order a user interface should list it. */
export const missingItems = [
  "legalForm",
  "federalState",
  "defaultAddress",
  "defaultAddressPhone",
  "inhouseDeclaration",
  "masterDataReview"
] as const
export const MissingItem = Schema.Literals(missingItems)
export type MissingItem = typeof MissingItem.Type

export const missingItemLabels: Record<MissingItem, { readonly de: string; readonly en: string }> = {
  legalForm: { de: "Rechtsform fehlt", en: "Legal form is missing" },
  federalState: { de: "Bundesland fehlt", en: "Federal state is missing" },
  defaultAddress: { de: "Standardadresse fehlt", en: "Default address is missing" },
  defaultAddressPhone: {
    de: "Telefonnummer der Standardadresse fehlt",
    en: "Phone number of the default address is missing"
  },
  inhouseDeclaration: {
    de: "Angabe zur Inhousefähigkeit fehlt",
    en: "In-house declaration is missing"
  },
  masterDataReview: { de: "Stammdaten noch nicht bestätigt", en: "Master data review not yet confirmed" }
}

export interface CompletenessInput {
  readonly organization: Organization
  readonly addresses: ReadonlyArray<Address>
  /** Whether the organization has an in-house declaration in force (read through `InhouseDeclarationCount`). */
  readonly hasInhouseDeclaration: boolean
}

/**
 * What is missing from the master data (DOMAIN §5), e.g. no phone on the default address or no in-house
 * declaration. The in-house declaration matters for ordering, so only customers are asked for it.
 */
export const missingMasterData = (input: CompletenessInput): ReadonlyArray<MissingItem> => {
  const { organization: o } = input
  const defaultAddress = input.addresses.find((a) => a.isDefault && a.organizationId === o.id)
  const missing: Record<MissingItem, boolean> = {
    legalForm: o.legalForm.trim() === "",
    federalState: o.administrativeLevel !== "federal" && o.federalState === null,
    defaultAddress: defaultAddress === undefined,
    defaultAddressPhone: defaultAddress !== undefined && (defaultAddress.phone ?? "").trim() === "",
    inhouseDeclaration: o.capabilities.includes("customer") && !input.hasInhouseDeclaration,
    masterDataReview: o.masterDataReviewRequired
  }
  return missingItems.filter((item) => missing[item])
}

// ---------------------------------------------------------------------------------------------------------
// View

/** GET /organization: the profile with its supplementary information, default address and flags. */
export class ProfileView extends Schema.Class<ProfileView>("@cloudportal/core/ProfileView")({
  organization: Organization,
  defaultAddress: Schema.NullOr(Address),
  flags: Schema.Struct({
    masterDataReviewRequired: Schema.Boolean,
    masterDataComplete: Schema.Boolean,
    inhouseDeclared: Schema.Boolean
  }),
  missing: Schema.Array(MissingItem)
}) {}

/** The audit form of an organization's master data. */
export const organizationSnapshot = (o: Organization) => ({
  id: o.id,
  name: o.name,
  legalForm: o.legalForm,
  administrativeLevel: o.administrativeLevel,
  federalState: o.federalState,
  capabilities: [...o.capabilities],
  supplementary: { ...o.supplementary },
  masterDataReviewRequired: o.masterDataReviewRequired
})
