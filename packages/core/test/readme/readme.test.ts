/**
 * Runs every example of `packages/core/README.md`. The code between `// #region readme:<name>` and
 * `// #endregion readme:<name>` is the README's code block of that name, verbatim; the last tests check that the
 * README still holds exactly these regions and the tables generated from the code (transitions, thresholds,
 * deadlines, labels) and the eligibility answers it prints, so the README cannot drift from what the code does.
 */
import {
  type Actor,
  Addresses,
  type AdministrativeLevel,
  Authentication,
  AuthenticationPolicyRef,
  awaitingProviderDecision,
  berlin,
  type Capability,
  CaptchaVerifier,
  Catalog,
  ContractModelAnswer,
  type ControlEdge,
  DeclarationId,
  DevCaptcha,
  Dispatcher,
  DocumentRenderer,
  decisionDeadline,
  defaultAuthenticationPolicy,
  defaultThresholds,
  EligibilityAnswer,
  estimatedContractValue,
  evaluateEligibility,
  type FederalState,
  formatDe,
  formatDeadlineBerlin,
  InhouseDeclarations,
  InhouseGraph,
  isTerminal,
  layerCoreMemory,
  MailCapture,
  Mailer,
  Members,
  Money,
  Offering,
  OfferingDraft,
  type OfferingDraftEncoded,
  OfferingId,
  Operators,
  Ordering,
  Organization,
  OrganizationId,
  OrganizationProfile,
  Outbox,
  orderStatuses,
  orderStatusLabels,
  PasswordHasher,
  type PricePlan,
  permissionKeys,
  type RegistrationInputEncoded,
  Registrations,
  Roles,
  SecureRandom,
  storesMemory,
  Terms,
  type Threshold,
  Thresholds,
  transitionTableMarkdown,
  useCases
} from "@cloudportal/core"
import {
  accountStoreSuite,
  addressStoreSuite,
  auditLogSuite,
  contractFolderStoreSuite,
  devMailboxSuite,
  inhouseDeclarationStoreSuite,
  linkTokenStoreSuite,
  MailerProbe,
  mailerSuite,
  offeringStoreSuite,
  orderStoreSuite,
  organizationStoreSuite,
  outboxSuite,
  registrationStoreSuite,
  roleStoreSuite,
  sessionStoreSuite,
  termsSuite,
  thresholdStoreSuite,
  unitOfWorkSuite
} from "@cloudportal/core/testing"
import { assert, describe, it } from "@effect/vitest"
import { DateTime, Duration, Effect, Layer, Schema } from "effect"
import { TestClock } from "effect/testing"
import readme from "../../README.md?raw"
import self from "./readme.test.ts?raw"

// #region readme:test-core
/**
 * The whole core in memory, as tests use it: cheap password hashing (the rules do not depend on its cost) and no
 * response floor for „Passwort vergessen", whose wait would never pass under the TestClock of `it.effect`.
 */
const TestCore = layerCoreMemory({ passwordHashing: { iterations: 1_000 } }).pipe(
  Layer.provideMerge(
    Layer.succeed(AuthenticationPolicyRef)({ ...defaultAuthenticationPolicy, passwordResetResponseTime: Duration.zero })
  )
)

/** Every password of the examples: the policy wants 25 to 1024 characters and nothing else. */
const password = "korrekt Pferd Batterie Heftklammer"

/** The first operator comes from the deployment's configuration (idempotent at start-up) and signs in like anyone. */
const provisionOperator = Effect.gen(function* () {
  yield* Operators.use((o) =>
    o.ensure({ email: "betrieb@dvc.example", firstName: "Olaf", lastName: "Betrieb", password })
  )
  const auth = yield* Authentication
  const { session } = yield* auth.login({ email: "betrieb@dvc.example", password })
  return (yield* auth.authenticate(session.token)).actor
})

/** A fresh portal on Monday, 2 June 2025, 10:00 Berlin: an operator, and a CSP-AGB version in force. */
const startPortal = Effect.gen(function* () {
  yield* TestClock.setTime(DateTime.toEpochMillis(DateTime.makeUnsafe("2025-06-02T08:00:00Z")))
  const operator = yield* provisionOperator
  yield* Terms.use((t) =>
    t.publish(operator, {
      version: "2025-03",
      effectiveFrom: "2025-03-01T00:00:00Z",
      url: "https://www.dvc.example/csp-agb/2025-03.pdf"
    })
  )
  return operator
})

/** The secret of the newest link of a kind mailed to `email`; in production it arrives by mail. */
const linkMailedTo = (email: string, kind: "RegistrationConfirmationLink" | "Invitation" | "PasswordResetLink") =>
  Effect.gen(function* () {
    const pending = yield* Outbox.use((o) => o.due(DateTime.makeUnsafe("9999-12-31T00:00:00Z"), 10_000))
    const tokens = pending.flatMap(({ notification: n }) =>
      n._tag === kind && n.recipient === email && "token" in n ? [n.token] : []
    )
    return tokens.at(-1) ?? (yield* Effect.die(`no ${kind} mailed to ${email}`))
  })
// #endregion readme:test-core

// #region readme:registrations
interface Applicant {
  readonly name: string
  readonly legalForm: string
  readonly administrativeLevel: AdministrativeLevel
  readonly federalState: FederalState | null
  readonly postalCode: string
  readonly city: string
  readonly email: string
}

/** „Registrieren" (DOMAIN §2): submit the form, follow the emailed link, and the operator approves. */
const registerOrganization = (operator: Actor, applicant: Applicant) =>
  Effect.gen(function* () {
    const registrations = yield* Registrations
    const terms = yield* Terms.use((t) => t.current())
    const captcha = yield* DevCaptcha.use((c) => c.issue())
    const { registrationId } = yield* registrations.submit({
      organization: {
        name: applicant.name,
        legalForm: applicant.legalForm,
        administrativeLevel: applicant.administrativeLevel,
        federalState: applicant.federalState,
        address: {
          street: "Rathausplatz 1",
          postalCode: applicant.postalCode,
          city: applicant.city,
          phone: "+49 89 1234-0"
        }
      },
      person: { firstName: "Erika", lastName: "Mustermann", email: applicant.email },
      password,
      captcha: { challengeId: captcha.challengeId, answer: captcha.answer },
      acceptedTermsId: terms.id
    })
    // The operator sees the registration only once the applicant has followed the link.
    yield* registrations.confirm({ token: yield* linkMailedTo(applicant.email, "RegistrationConfirmationLink") })
    // Creates the organization, its „Organisationsadmin" role, its default address and the main admin.
    const { organizationId, accountId } = yield* registrations.approve(operator, registrationId)
    return { registrationId, organizationId, mainAdminId: accountId }
  })

const musterstadt: Applicant = {
  name: "Stadt Musterstadt",
  legalForm: "Gebietskörperschaft",
  administrativeLevel: "municipal",
  federalState: "DE-BY",
  postalCode: "80331",
  city: "Musterstadt",
  email: "hauptamt@musterstadt.example"
}

const registrationsExample = Effect.gen(function* () {
  const operator = yield* startPortal
  const registrations = yield* Registrations
  // Every offending field is reported at once, and nothing is written.
  const invalid = yield* registrations
    .submit({
      organization: {
        name: "",
        legalForm: "Körperschaft des öffentlichen Rechts",
        administrativeLevel: "municipal",
        address: { street: "Rathausplatz 1", postalCode: "8033", city: "Musterstadt", phone: "+49 89 1234-0" }
      },
      person: { firstName: "Erika", lastName: "Mustermann", email: "keine-adresse" },
      password: "zu kurz",
      captcha: { challengeId: "cap_unknown", answer: "?" },
      acceptedTermsId: (yield* Terms.use((t) => t.current())).id
    })
    .pipe(Effect.flip)
  // → InvalidInput: organization.name, organization.address.postalCode, person.email, password,
  //   organization.federalState (required unless federal), captcha.answer
  const queued = yield* Outbox.use((o) => o.due(DateTime.makeUnsafe("9999-12-31T00:00:00Z"), 10))
  // → []: no registration stored, so no confirmation mail either

  const { registrationId, organizationId } = yield* registerOrganization(operator, musterstadt)
  const approved = yield* registrations.get(operator, registrationId)
  // → status "approved", organizationId set

  // The organization is registered now: its admin gives out accounts, nobody registers it again.
  const again = yield* registerOrganization(operator, { ...musterstadt, email: "it@musterstadt.example" }).pipe(
    Effect.flip
  )
  // → OrganizationAlreadyRegistered
  return { invalid, queued, approved, organizationId, again }
})
// #endregion readme:registrations

// #region readme:authentication
/** Signing in as the HTTP adapter does: the login answers a session token, every request turns it into an actor. */
const signIn = (email: string) =>
  Effect.gen(function* () {
    const auth = yield* Authentication
    const { session } = yield* auth.login({ email, password })
    const { actor } = yield* auth.authenticate(session.token)
    return actor
  })

const authenticationExample = Effect.gen(function* () {
  const operator = yield* startPortal
  const registrations = yield* Registrations
  const auth = yield* Authentication
  // A login before the approval is refused; with the right password, the answer says why.
  const { registrationId } = yield* registrations.submit({
    organization: {
      name: musterstadt.name,
      legalForm: musterstadt.legalForm,
      administrativeLevel: "municipal",
      federalState: "DE-BY",
      address: { street: "Rathausplatz 1", postalCode: "80331", city: "Musterstadt", phone: "+49 89 1234-0" }
    },
    person: { firstName: "Erika", lastName: "Mustermann", email: musterstadt.email },
    password,
    captcha: yield* DevCaptcha.use((c) => c.issue()),
    acceptedTermsId: (yield* Terms.use((t) => t.current())).id
  })
  const notYet = yield* auth.login({ email: musterstadt.email, password }).pipe(Effect.flip)
  // → RegistrationNotApproved { status: "awaitingEmailConfirmation" }
  yield* registrations.confirm({ token: yield* linkMailedTo(musterstadt.email, "RegistrationConfirmationLink") })
  yield* registrations.approve(operator, registrationId)

  // Emails compare case-insensitively after normalization.
  const { session, permissions } = yield* auth.login({ email: "Hauptamt@Musterstadt.example", password })
  // → permissions: the whole catalogue (the main admin holds „Organisationsadmin")
  const wrongPassword = yield* auth.login({ email: musterstadt.email, password: `${password}!` }).pipe(Effect.flip)
  const unknownEmail = yield* auth.login({ email: "niemand@musterstadt.example", password }).pipe(Effect.flip)
  // → InvalidCredentials, both: nothing before the right password tells whether an account exists

  // „Passwort vergessen": the same answer for any email; the new password ends every session of the account.
  yield* auth.requestPasswordReset({ email: musterstadt.email })
  const token = yield* linkMailedTo(musterstadt.email, "PasswordResetLink")
  const newPassword = "ein ganz anderes, langes Passwort"
  yield* auth.confirmPasswordReset({ token, password: newPassword })
  const oldSession = yield* auth.authenticate(session.token).pipe(Effect.flip)
  // → Unauthenticated; no automatic login after a reset
  const usedLink = yield* auth.confirmPasswordReset({ token, password: newPassword }).pipe(Effect.flip)
  // → LinkExpiredOrUsed
  const fresh = yield* auth.login({ email: musterstadt.email, password: newPassword })
  yield* auth.logout(fresh.session.token)
  return { notYet, permissions, wrongPassword, unknownEmail, oldSession, usedLink }
})
// #endregion readme:authentication

// #region readme:terms
const termsExample = Effect.gen(function* () {
  const operator = yield* startPortal
  const terms = yield* Terms
  // A version published ahead of time is in force from its date on; until then the current one stays.
  yield* terms.publish(operator, {
    version: "2026-01",
    effectiveFrom: "2026-01-01T00:00:00Z",
    url: "https://www.dvc.example/csp-agb/2026-01.pdf"
  })
  const current = yield* terms.current()
  // → version "2025-03"; registrations must accept it, orders freeze it into their contract folder
  const twice = yield* terms
    .publish(operator, { version: "2026-01", effectiveFrom: "2026-02-01T00:00:00Z", text: "…" })
    .pipe(Effect.flip)
  // → TermsVersionExists
  yield* registerOrganization(operator, musterstadt)
  const member = yield* signIn(musterstadt.email)
  const notOperator = yield* terms
    .publish(member, { version: "2026-02", effectiveFrom: "2026-02-01T00:00:00Z", text: "…" })
    .pipe(Effect.flip)
  // → PermissionDenied { permission: "operator" }
  return { current, twice, notOperator }
})
// #endregion readme:terms

// #region readme:organization-profile
const organizationProfileExample = Effect.gen(function* () {
  const operator = yield* startPortal
  const { organizationId } = yield* registerOrganization(operator, musterstadt)
  const admin = yield* signIn(musterstadt.email)
  const profile = yield* OrganizationProfile
  // „Ergänzende Angaben zur Organisation": each key sent replaces the stored value, null clears it.
  const edited = yield* profile.update(admin, {
    supplementary: { website: "https://www.musterstadt.example", contactEmail: "IT@Musterstadt.example" }
  })
  // Name and legal form change after registration through the operator only.
  const renamed = yield* profile.update(admin, { name: "Große Kreisstadt Musterstadt" }).pipe(Effect.flip)
  // → OperatorOnly { fields: ["name"] }
  const { missing } = yield* profile.completeness(admin)
  // → ["inhouseDeclaration"]: ordering on in-house grounds needs one (DOMAIN §5)
  const byOperator = yield* profile.updateAsOperator(operator, organizationId, {
    name: "Große Kreisstadt Musterstadt",
    reason: "Erhebung zur Großen Kreisstadt, Bescheid vom 2. Mai 2025"
  })
  return { edited, renamed, missing, byOperator }
})
// #endregion readme:organization-profile

// #region readme:addresses
const addressesExample = Effect.gen(function* () {
  const operator = yield* startPortal
  yield* registerOrganization(operator, musterstadt)
  const admin = yield* signIn(musterstadt.email)
  const addresses = yield* Addresses
  const { items } = yield* addresses.list(admin)
  const townHall = items[0]!
  // → the registration's address, the „Standardadresse"
  const badLeitwegId = yield* addresses
    .create(admin, {
      kind: "billing",
      street: "Postfach 10 01",
      postalCode: "80331",
      city: "Musterstadt",
      leitwegId: "04011000-1234512345-07"
    })
    .pipe(Effect.flip)
  // → InvalidInput at "leitwegId": the check digits (ISO 7064 MOD 97-10) do not hold
  const billing = yield* addresses.create(admin, {
    kind: "billing",
    street: "Postfach 10 01",
    postalCode: "80331",
    city: "Musterstadt",
    phone: "+49 89 1234-500",
    leitwegId: "04011000-1234512345-06"
  })
  const refused = yield* addresses.delete(admin, townHall.id).pipe(Effect.flip)
  // → DefaultAddressNotDeletable: make another address the default first
  const madeDefault = yield* addresses.makeDefault(admin, billing.id)
  yield* addresses.delete(admin, townHall.id)
  const after = yield* addresses.list(admin)
  // → one address, the billing address, now the default
  return { townHall, badLeitwegId, refused, madeDefault, after }
})
// #endregion readme:addresses

// #region readme:members
const membersExample = Effect.gen(function* () {
  const operator = yield* startPortal
  const { organizationId } = yield* registerOrganization(operator, musterstadt)
  const admin = yield* signIn(musterstadt.email)
  const members = yield* Members
  // „Konto hinzufügen": the person gets a link bound to their email and sets a password with it.
  const invited = yield* members.invite(admin, {
    email: "max.beispiel@musterstadt.example",
    firstName: "Max",
    lastName: "Beispiel"
  })
  // → status "invited"; allowedActions for the admin: edit, setRoles, resendInvitation, delete
  const accepted = yield* members.acceptInvitation({
    token: yield* linkMailedTo("max.beispiel@musterstadt.example", "Invitation"),
    password
  })
  // → signed in, with a session; every active member may order (canOrder: true), no role needed
  const max = accepted.account.id
  yield* members.deactivate(admin, max)
  const cannotSignIn = yield* signIn("max.beispiel@musterstadt.example").pipe(Effect.flip)
  // → AccountDeactivated
  const sessionEnded = yield* Authentication.use((a) => a.authenticate(accepted.session.token)).pipe(Effect.flip)
  // → Unauthenticated: deactivation ends the account's sessions at once
  const reactivated = yield* members.reactivate(admin, max)

  // Nobody in the organization can deactivate, delete, demote or replace the main admin.
  const mainAdmin = yield* members.get(admin, admin.accountId)
  // → allowedActions: ["edit"] (their own name, nothing else)
  const protectedMainAdmin = yield* members.deactivate(admin, admin.accountId).pipe(Effect.flip)
  // → MainAdminProtected { action: "deactivate" }

  // Only the operator reassigns the main admin, and records why.
  const newMainAdmin = yield* members.reassignMainAdmin(operator, organizationId, {
    accountId: max,
    reason: "Wechsel der Amtsleitung zum 1. Juli 2025"
  })
  return { invited, accepted, cannotSignIn, sessionEnded, reactivated, mainAdmin, protectedMainAdmin, newMainAdmin }
})
// #endregion readme:members

// #region readme:roles
const rolesExample = Effect.gen(function* () {
  const operator = yield* startPortal
  yield* registerOrganization(operator, musterstadt)
  const admin = yield* signIn(musterstadt.email)
  const roles = yield* Roles
  const members = yield* Members
  // A role is a name and permissions from the fixed catalogue. Ordering is not among them: no role takes it away.
  const roleKeeper = yield* roles.create(admin, { name: "Rollenpflege", permissions: ["roles.manage"] })
  const overview = yield* roles.create(admin, { name: "Bestellübersicht", permissions: ["orders.viewOrganization"] })
  const rita = yield* members.invite(admin, {
    email: "rita.rolle@musterstadt.example",
    firstName: "Rita",
    lastName: "Rolle",
    roleIds: [roleKeeper.id]
  })
  yield* members.acceptInvitation({ token: yield* linkMailedTo(rita.email, "Invitation"), password })
  yield* members.setRoles(admin, rita.id, { roleIds: [roleKeeper.id, overview.id] })
  const asRita = yield* signIn(rita.email)
  // Nobody grants a permission they do not hold [extension].
  const escalation = yield* roles
    .create(asRita, { name: "Katalogpflege", permissions: ["catalog.manage"] })
    .pipe(Effect.flip)
  // → PermissionEscalation { missing: ["catalog.manage"] }
  const { items } = yield* roles.list(asRita)
  // → „Organisationsadmin" first (built in, every permission), then by name
  const builtIn = yield* roles.update(admin, items[0]!.id, { name: "Admins" }).pipe(Effect.flip)
  // → BuiltInRoleProtected
  return { roleKeeper, overview, escalation, items, builtIn }
})
// #endregion readme:roles

// #region readme:inhouse-declarations
const zweckverband: Applicant = {
  name: "Zweckverband Kommunale IT Musterland",
  legalForm: "Körperschaft des öffentlichen Rechts",
  administrativeLevel: "municipal",
  federalState: "DE-BY",
  postalCode: "80333",
  city: "Musterstadt",
  email: "verbandsverwaltung@zv-kommunale-it.example"
}
const kommunalIt: Applicant = {
  name: "Kommunal-IT Musterland AöR",
  legalForm: "Anstalt des öffentlichen Rechts",
  administrativeLevel: "municipal",
  federalState: "DE-BY",
  postalCode: "80335",
  city: "Musterstadt",
  email: "vorstand@kommunal-it.example"
}
const govdigital: Applicant = {
  name: "govdigital eG",
  legalForm: "eingetragene Genossenschaft",
  administrativeLevel: "other",
  federalState: "DE-BE",
  postalCode: "10117",
  city: "Berlin",
  email: "vorstand@govdigital.example"
}

/** Registers an organization, gives it its capabilities (the operator's call) and signs its main admin in. */
const joinPortal = (operator: Actor, applicant: Applicant, capabilities: ReadonlyArray<Capability>) =>
  Effect.gen(function* () {
    const { organizationId } = yield* registerOrganization(operator, applicant)
    yield* OrganizationProfile.use((p) =>
      p.updateAsOperator(operator, organizationId, { capabilities, reason: "Rahmenvertrag mit der DVC" })
    )
    return { id: organizationId, admin: yield* signIn(applicant.email) }
  })

/** DOMAIN §7's chain in the portal: Musterstadt → Zweckverband → Kommunal-IT → govdigital eG. */
const inhouseWorld = Effect.gen(function* () {
  const operator = yield* startPortal
  const city = yield* joinPortal(operator, musterstadt, ["customer"])
  const association = yield* joinPortal(operator, zweckverband, ["customer"])
  const itProvider = yield* joinPortal(operator, kommunalIt, ["customer", "provider"])
  const intermediary = yield* joinPortal(operator, govdigital, ["intermediary"])
  const declarations = yield* InhouseDeclarations
  // Each edge is declared by one of its two parties, with its evidence (CSP usage terms 2.3).
  yield* declarations.declare(city.admin, {
    controls: association.id,
    joint: true,
    evidence: "Verbandssatzung § 2: Mitglieder sind die Stadt Musterstadt und die Gemeinde Nachbarort",
    validFrom: "2024-01-01T00:00:00Z"
  })
  yield* declarations.declare(itProvider.admin, {
    controlledBy: association.id,
    joint: false,
    evidence: "Unternehmenssatzung § 1: alleiniger Träger ist der Zweckverband",
    validFrom: "2024-01-01T00:00:00Z"
  })
  yield* declarations.declare(itProvider.admin, {
    controls: intermediary.id,
    joint: true,
    evidence: "Mitglied der govdigital eG, Genossenschaftsregister, Beitritt 2023",
    validFrom: "2024-01-01T00:00:00Z"
  })
  return { operator, city, association, itProvider, intermediary }
})

const inhouseDeclarationsExample = Effect.gen(function* () {
  const { city, association, itProvider } = yield* inhouseWorld
  const declarations = yield* InhouseDeclarations
  const { items } = yield* declarations.list(city.admin)
  // → one: Musterstadt controls the Zweckverband, jointly, since 1 Jan 2024, declared by its main admin
  const duplicate = yield* declarations
    .declare(city.admin, {
      controls: association.id,
      joint: true,
      evidence: "noch einmal",
      validFrom: "2025-01-01T00:00:00Z"
    })
    .pipe(Effect.flip)
  // → DuplicateInhouseDeclaration: the edge is declared for an overlapping period already
  const malformed = yield* declarations
    .declare(city.admin, {
      controls: association.id,
      controlledBy: itProvider.id,
      joint: false,
      evidence: " ",
      validFrom: "2025-01-01T00:00:00Z"
    })
    .pipe(Effect.flip)
  // → InvalidInput at "evidence" and "controlledBy" (exactly one of controls and controlledBy)
  const ended = yield* declarations.end(city.admin, items[0]!.id)
  // → validUntil = now; kept, because orders that relied on it name it
  const { missing } = yield* OrganizationProfile.use((p) => p.completeness(city.admin))
  // → ["inhouseDeclaration"] again
  return { city, association, items, duplicate, malformed, ended, missing }
})
// #endregion readme:inhouse-declarations

// #region readme:thresholds
const thresholdsExample = Effect.gen(function* () {
  const operator = yield* startPortal
  const thresholds = yield* Thresholds
  const now = yield* DateTime.now
  // The most specific row for administrative level and Land applies; § 14 UVgO when none fits.
  const applicable = {
    bavarianMunicipality: yield* thresholds.applicable(
      { administrativeLevel: "municipal", federalState: "DE-BY" },
      now
    ),
    bavarianStateAuthority: yield* thresholds.applicable({ administrativeLevel: "state", federalState: "DE-BY" }, now),
    federalAuthority: yield* thresholds.applicable({ administrativeLevel: "federal", federalState: null }, now),
    saxonyAnhaltDistrict: yield* thresholds.applicable({ administrativeLevel: "municipal", federalState: "DE-ST" }, now)
  }
  // → 100.000 €, 1.000 € (the fallback: the defaults hold no row for Bavarian state authorities), 15.000 €, 15.000 €

  // The operator keeps the table current by replacing it as a whole (PUT /operator/thresholds).
  const table = (yield* thresholds.list(operator)).map((t) => ({
    jurisdiction: t.jurisdiction,
    netAmount: { amountCents: t.netAmount.amountCents, currency: "EUR" as const },
    validFrom: DateTime.formatIso(t.validFrom),
    validUntil: t.validUntil === null ? null : DateTime.formatIso(t.validUntil),
    source: t.source
  }))
  const federalTwice = { ...table[1]!, validFrom: "2025-06-01T00:00:00Z" }
  const overlapping = yield* thresholds.replace(operator, { thresholds: [...table, federalTwice] }).pipe(Effect.flip)
  // → InvalidInput at "thresholds.4.validFrom": two rows of one jurisdiction must not overlap in time
  const replaced = yield* thresholds.replace(operator, { thresholds: table })
  return { applicable, overlapping, replaced }
})
// #endregion readme:thresholds

// #region readme:catalog
/** „Ratsinformationssystem" of Kommunal-IT: two monthly plans of unlimited duration, DV and UV. */
const ratsinfoDraft = (intermediaryId: string): OfferingDraftEncoded => ({
  name: { de: "Ratsinformationssystem", en: "Council information system" },
  description: {
    de: "Sitzungsdienst, Gremienarbeit und Bürgerinformation",
    en: "Council meetings, committees and citizen information"
  },
  portfolioCategory: "Fachverfahren",
  serviceType: "SaaS",
  pricePlans: [
    {
      _tag: "MonthlyRecurring",
      id: "basis",
      name: { de: "Basis", en: "Basic" },
      monthlyCents: 25_000,
      termMonths: null
    },
    {
      _tag: "MonthlyRecurring",
      id: "komfort",
      name: { de: "Komfort", en: "Comfort" },
      monthlyCents: 150_000,
      termMonths: null
    }
  ],
  properties: [
    {
      key: "mandatare",
      label: { de: "Anzahl Mandatsträger", en: "Number of councillors" },
      required: true,
      type: { _tag: "Integer", min: 1, max: 500 }
    }
  ],
  provisioningTime: { de: "10 Werktage", en: "10 working days" },
  maturity: { level: 4, description: { de: "Im Regelbetrieb", en: "In production" } },
  conditions: { version: "2025-1", text: "Servicespezifische Bedingungen Ratsinformationssystem, Fassung 2025-1" },
  supportedContractModels: ["DV", "UV"],
  // „Kundenkreis": the flip contract only for municipalities; the direct contract for everyone.
  customerCircles: { DV: null, UV: { administrativeLevels: ["municipal"], federalStates: [], organizationIds: [] } },
  intermediaryId,
  efa: false,
  active: true
})

const catalogExample = Effect.gen(function* () {
  const { city, itProvider, intermediary } = yield* inhouseWorld
  const catalog = yield* Catalog
  const published = yield* catalog.create(itProvider.admin, ratsinfoDraft(intermediary.id))
  // Every change is a new version; orders keep the version they were placed on.
  const v2 = yield* catalog.update(itProvider.admin, published.id, {
    provisioningTime: { de: "5 Werktage", en: "5 working days" }
  })
  const notAProvider = yield* catalog.create(city.admin, ratsinfoDraft(intermediary.id)).pipe(Effect.flip)
  // → NotAProvider: only organizations with the capability "provider" publish
  const saas = yield* catalog.list(city.admin, { serviceType: "SaaS" })
  const asFirstPublished = yield* catalog.getVersion(city.admin, published.id, 1)
  return { published, v2, notAProvider, saas, asFirstPublished }
})
// #endregion readme:catalog

// #region readme:ordering
const orderingExample = Effect.gen(function* () {
  const { city, association, itProvider, intermediary } = yield* inhouseWorld
  const offering = yield* Catalog.use((c) => c.create(itProvider.admin, ratsinfoDraft(intermediary.id)))
  const ordering = yield* Ordering
  const cart = { offeringId: offering.id, pricePlanId: "komfort", quantity: 1, configuration: { mandatare: 48 } }

  // Which contract models, and why: grounds with the proving chain, or the blocking reasons.
  const eligibility = yield* ordering.checkEligibility(city.admin, cart)
  // → DV allowed: inhouseWithProvider (vertical, Musterstadt → Zweckverband → Kommunal-IT), belowThreshold
  // → UV allowed: inhouseWithIntermediary for the customer and for the provider

  // Any active member orders; the order starts „Offen", with a 30-day deadline and its contract folder.
  const placed = yield* ordering.place(city.admin, { ...cart, contractModel: "DV" })
  const asProvider = yield* ordering.get(itProvider.admin, placed.id)
  // → allowedActions for the provider: startReview, reject; for the orderer: none

  // Every step names the status it saw: compare-and-set.
  yield* ordering.transition(itProvider.admin, placed.id, { action: "startReview", expectedStatus: "open" })
  const stale = yield* ordering
    .transition(itProvider.admin, placed.id, { action: "reject", expectedStatus: "open", reason: "Kapazität" })
    .pipe(Effect.flip)
  // → StaleOrderStatus { expectedStatus: "open", actualStatus: "inReviewByProviderDV" }
  const noReason = yield* ordering
    .transition(itProvider.admin, placed.id, { action: "reject", expectedStatus: "inReviewByProviderDV" })
    .pipe(Effect.flip)
  // → ReasonRequired: a rejection always carries a reason, shown to the customer
  yield* ordering.transition(itProvider.admin, placed.id, { action: "confirm", expectedStatus: "inReviewByProviderDV" })
  const ordered = yield* ordering.transition(itProvider.admin, placed.id, {
    action: "markOrdered",
    expectedStatus: "confirmedByProviderDV"
  })
  // → „Bestellt", with the whole history

  // Nothing of one organization is visible to another: the intermediary has no part in a direct contract.
  const hidden = yield* ordering.get(intermediary.admin, placed.id).pipe(Effect.flip)
  // → OrderNotFound, never a permission error
  const folder = yield* ordering.contractFolder(city.admin, placed.id)
  // → „Vertragsmappe": order summary, master data, product, price, configuration, CSP-AGB, maturity, conditions, eligibility
  const ids = { city: city.id, association: association.id, itProvider: itProvider.id, intermediary: intermediary.id }
  return { ids, eligibility, placed, asProvider, stale, noReason, ordered, hidden, folder }
})
// #endregion readme:ordering

// #region readme:order-deadline
const orderDeadlineExample = Effect.gen(function* () {
  const { city, itProvider, intermediary } = yield* inhouseWorld
  const offering = yield* Catalog.use((c) => c.create(itProvider.admin, ratsinfoDraft(intermediary.id)))
  const ordering = yield* Ordering
  // Placed on Monday, 2 June 2025, 10:00 Berlin, as a flip contract: the intermediary moves first.
  const placed = yield* ordering.place(city.admin, {
    offeringId: offering.id,
    pricePlanId: "basis",
    quantity: 1,
    configuration: { mandatare: 12 },
    contractModel: "UV"
  })
  // → deadline 2025-07-02T22:00:00Z: the order day does not count, the period ends on 2 July, 24:00 Berlin
  yield* ordering.transition(intermediary.admin, placed.id, { action: "startReview", expectedStatus: "open" })

  // Run the sweeps on a schedule; both are idempotent. Five days before the deadline the acting party is reminded.
  yield* TestClock.adjust(Duration.days(26))
  const reminded = yield* ordering.remindUpcomingDeadlines()
  yield* TestClock.setTime(DateTime.toEpochMillis(placed.deadline))
  const late = yield* ordering
    .transition(intermediary.admin, placed.id, { action: "confirm", expectedStatus: "inReviewByIntermediaryUV" })
    .pipe(Effect.flip)
  // → DeadlineExpired: a decision after the deadline is refused
  const expired = yield* ordering.expireOverdue()
  const after = yield* ordering.get(city.admin, placed.id)
  // → „Abgelaufen"
  return { placed, reminded, late, expired, after }
})
// #endregion readme:order-deadline

// #region readme:dispatcher
/** The outbox drained by the dispatcher into a mailer: here the memory one, which captures typed notifications. */
const MailingCore = Dispatcher.layer().pipe(Layer.provideMerge(Mailer.layerMemory), Layer.provideMerge(TestCore))

const dispatcherExample = Effect.gen(function* () {
  const operator = yield* startPortal
  yield* registerOrganization(operator, musterstadt)
  // → two notifications queued with their changes: RegistrationConfirmationLink, RegistrationApproved
  const dispatcher = yield* Dispatcher
  const capture = yield* MailCapture
  // The mail service is down for the first attempt: the message stays queued and is retried with backoff.
  yield* capture.failNext({ retryable: true, reason: "503 Service Unavailable" })
  const first = yield* dispatcher.runOnce()
  // → { sent: 1, retrying: 1, failed: 0 }
  yield* TestClock.adjust(Duration.minutes(1))
  const second = yield* dispatcher.runOnce()
  // → { sent: 1, retrying: 0, failed: 0 }
  const delivered = (yield* capture.delivered).map((m) => m.notification._tag)
  return { first, second, delivered }
})
// #endregion readme:dispatcher

// #region readme:composition
/** `layerCoreMemory` by hand: the use cases over your stores and your platform ports. */
const EmbeddedCore = useCases.pipe(
  Layer.provideMerge(storesMemory),
  Layer.provideMerge(
    Layer.mergeAll(
      PasswordHasher.layerWebCrypto({ iterations: 1_000 }),
      // Your captcha provider behind the port; this stand-in accepts the answer "4" to any challenge.
      Layer.succeed(CaptchaVerifier)({ verify: (_challengeId, answer) => Effect.succeed(answer === "4") }),
      DocumentRenderer.layerPlainText
    ).pipe(Layer.provideMerge(SecureRandom.layerWebCrypto))
  )
)

const compositionExample = Effect.gen(function* () {
  yield* startPortal
  const form: RegistrationInputEncoded = {
    organization: {
      name: "Markt Beispielfeld",
      legalForm: "Gebietskörperschaft",
      administrativeLevel: "municipal",
      federalState: "DE-BY",
      address: { street: "Marktplatz 1", postalCode: "86150", city: "Beispielfeld", phone: "+49 821 4711" }
    },
    person: { firstName: "Jonas", lastName: "Beispiel", email: "rathaus@beispielfeld.example" },
    password,
    captcha: { challengeId: "any", answer: "4" },
    acceptedTermsId: (yield* Terms.use((t) => t.current())).id
  }
  const accepted = yield* Registrations.use((r) => r.submit(form))
  const refused = yield* Registrations.use((r) =>
    r.submit({ ...form, captcha: { challengeId: "any", answer: "5" } })
  ).pipe(Effect.flip)
  // → InvalidInput at "captcha.answer"
  return { accepted, refused }
})
// #endregion readme:composition

// #region readme:inhouse-graph
const at = DateTime.makeUnsafe("2025-06-02T08:00:00Z")

const organization = (
  id: string,
  name: string,
  administrativeLevel: AdministrativeLevel,
  federalState: FederalState | null,
  capabilities: ReadonlyArray<Capability> = ["customer"]
) =>
  new Organization({
    id: OrganizationId.make(id),
    name,
    legalForm: "Körperschaft des öffentlichen Rechts",
    administrativeLevel,
    federalState,
    capabilities,
    supplementary: { website: null, contactEmail: null, note: null },
    masterDataReviewRequired: false,
    createdAt: at,
    updatedAt: at
  })

const org = {
  musterstadt: organization("org_musterstadt", "Stadt Musterstadt", "municipal", "DE-BY"),
  nachbarort: organization("org_nachbarort", "Gemeinde Nachbarort", "municipal", "DE-BY"),
  zweckverband: organization("org_zweckverband", "Zweckverband Kommunale IT Musterland", "municipal", "DE-BY"),
  kommunalIt: organization("org_kommunal_it", "Kommunal-IT Musterland AöR", "municipal", "DE-BY", ["provider"]),
  schulIt: organization("org_schul_it", "Schul-IT Musterland GmbH", "municipal", "DE-BY", ["provider"]),
  govdigital: organization("org_govdigital", "govdigital eG", "other", "DE-BE", ["intermediary"]),
  fremdhausen: organization("org_fremdhausen", "Landkreis Fremdhausen", "municipal", "DE-ST")
}

const controls = (id: string, controller: Organization, controlled: Organization, joint: boolean): ControlEdge => ({
  declarationId: DeclarationId.make(id),
  controller: controller.id,
  controlled: controlled.id,
  joint,
  validFrom: DateTime.makeUnsafe("2024-01-01T00:00:00Z"),
  validUntil: null
})

const graph = InhouseGraph.fromEdges([
  controls("inh_1", org.musterstadt, org.zweckverband, true), // the members of the Zweckverband control it jointly
  controls("inh_2", org.nachbarort, org.zweckverband, true),
  controls("inh_3", org.zweckverband, org.kommunalIt, false), // its IT service provider
  controls("inh_4", org.zweckverband, org.schulIt, false), // and its school IT company
  controls("inh_5", org.kommunalIt, org.govdigital, true) // the IT service provider is a member of govdigital eG
])

const relationships = {
  vertical: graph.relationship(org.musterstadt.id, org.kommunalIt.id, at),
  // → { relationship: "vertical", chain: [org_musterstadt, org_zweckverband, org_kommunal_it], declarationIds: [inh_1, inh_3] }
  inverse: graph.relationship(org.kommunalIt.id, org.musterstadt.id, at),
  // → { relationship: "inverse", chain: [org_kommunal_it, org_zweckverband, org_musterstadt], declarationIds: [inh_3, inh_1] }
  horizontal: graph.relationship(org.kommunalIt.id, org.schulIt.id, at),
  // → { relationship: "horizontal", chain: [org_kommunal_it, org_zweckverband, org_schul_it], declarationIds: [inh_3, inh_4] }
  toGovdigital: graph.relationship(org.musterstadt.id, org.govdigital.id, at),
  // → { relationship: "vertical", chain: [org_musterstadt, org_zweckverband, org_kommunal_it, org_govdigital], … }
  bothControlTheZweckverband: graph.relationship(org.musterstadt.id, org.nachbarort.id, at)
  // → undefined: two organizations that merely control the same third one are not in-house with each other
}
// #endregion readme:inhouse-graph

// #region readme:eligibility-answer
const ratsinfo = new Offering({
  ...Schema.decodeUnknownSync(OfferingDraft)(ratsinfoDraft(org.govdigital.id)),
  id: OfferingId.make("off_ratsinfo"),
  version: 1,
  providerId: org.kommunalIt.id,
  createdAt: at
})
const [basis, komfort] = ratsinfo.pricePlans as [PricePlan, PricePlan] // 250 € and 1.500 € a month, unlimited

const ask = (customer: Organization, plan: PricePlan, options: { prior?: Money; declared?: boolean } = {}) =>
  evaluateEligibility({
    customer,
    provider: org.kommunalIt,
    intermediary: org.govdigital,
    offering: ratsinfo,
    pricePlan: plan,
    quantity: 1,
    graph,
    thresholds: defaultThresholds,
    priorCountedValue: options.prior ?? Money.zero,
    at,
    customerHasInhouseDeclaration: options.declared ?? true
  })

const valued = estimatedContractValue(komfort, 1)
// → 7.200.000 cents: 1.500 € a month of unlimited duration count 48 times (§ 3 (11) VgV)
const musterstadtAnswer = ask(org.musterstadt, komfort)
const fremdhausenAnswer = ask(org.fremdhausen, basis, { declared: false })
// → DV allowed below the Sachsen-Anhalt threshold (48 × 250 € = 12.000 € ≤ 15.000 €); UV blocked
const fremdhausenSplit = ask(org.fremdhausen, basis, { declared: false, prior: Money.cents(600_000) })
// → DV blocked: with 6.000 € of earlier orders on this ground the counted value is 18.000 € > 15.000 €
// #endregion readme:eligibility-answer

// #region readme:conformance
/** Your adapter's conformance test: every suite of a port it implements, on the layer it provides. */
const conformance = <E>(name: string, stores: Layer.Layer<Layer.Success<typeof storesMemory>, E>) => {
  unitOfWorkSuite(name, stores)
  auditLogSuite(name, stores)
  outboxSuite(name, stores)
  termsSuite(name, stores)
  registrationStoreSuite(name, stores)
  linkTokenStoreSuite(name, stores)
  sessionStoreSuite(name, stores)
  organizationStoreSuite(name, stores)
  addressStoreSuite(name, stores)
  accountStoreSuite(name, stores)
  roleStoreSuite(name, stores)
  offeringStoreSuite(name, stores)
  inhouseDeclarationStoreSuite(name, stores)
  thresholdStoreSuite(name, stores)
  orderStoreSuite(name, stores)
  contractFolderStoreSuite(name, stores)
  devMailboxSuite(name, Layer.orDie(stores))
}

// Here the memory stores stand in for "your adapter"; a mail transport runs the mailer suite with its probe.
conformance("memory stores (README)", storesMemory)
mailerSuite("memory mailer (README)", MailerProbe.layerCapture.pipe(Layer.provideMerge(Mailer.layerMemory)))
// #endregion readme:conformance

// ---------------------------------------------------------------------------------------------------------------
// The examples, run with assertions.

const paths = (e: { readonly _tag: string; readonly issues?: ReadonlyArray<{ readonly path: string }> }) =>
  e._tag === "InvalidInput" ? (e.issues ?? []).map((i) => i.path) : [e._tag]

describe("README examples, executed", () => {
  it.effect(
    "Registrations: every offending field is reported at once; approval creates the organization; an organization registers once",
    () =>
      Effect.gen(function* () {
        const { invalid, queued, approved, organizationId, again } = yield* registrationsExample
        assert.deepStrictEqual(paths(invalid), [
          "organization.name",
          "organization.address.postalCode",
          "person.email",
          "password",
          "organization.federalState",
          "captcha.answer"
        ])
        assert.deepStrictEqual(queued, [])
        assert.strictEqual(approved.status, "approved")
        assert.strictEqual(approved.organizationId, organizationId)
        assert.deepStrictEqual(approved.allowedActions, [])
        assert.strictEqual(again._tag, "OrganizationAlreadyRegistered")
      }).pipe(Effect.provide(TestCore))
  )

  it.effect(
    "Authentication: login before approval says why; unknown email and wrong password answer alike; a reset ends every session and its link works once",
    () =>
      Effect.gen(function* () {
        const { notYet, permissions, wrongPassword, unknownEmail, oldSession, usedLink } = yield* authenticationExample
        assert.deepStrictEqual(
          notYet._tag === "RegistrationNotApproved" ? notYet.status : notYet._tag,
          "awaitingEmailConfirmation"
        )
        assert.deepStrictEqual(permissions, permissionKeys)
        assert.strictEqual(wrongPassword._tag, "InvalidCredentials")
        assert.strictEqual(unknownEmail._tag, "InvalidCredentials")
        assert.strictEqual(oldSession._tag, "Unauthenticated")
        assert.strictEqual(usedLink._tag, "LinkExpiredOrUsed")
      }).pipe(Effect.provide(TestCore))
  )

  it.effect(
    "Terms: a future version is not in force yet; a version label is published once; only the operator publishes",
    () =>
      Effect.gen(function* () {
        const { current, twice, notOperator } = yield* termsExample
        assert.strictEqual(current.version, "2025-03")
        assert.strictEqual(twice._tag, "TermsVersionExists")
        assert.deepStrictEqual(
          notOperator._tag === "PermissionDenied" ? notOperator.permission : notOperator._tag,
          "operator"
        )
      }).pipe(Effect.provide(TestCore))
  )

  it.effect(
    "OrganizationProfile: name and legal form change through the operator only; completeness names what is missing",
    () =>
      Effect.gen(function* () {
        const { edited, renamed, missing, byOperator } = yield* organizationProfileExample
        assert.strictEqual(edited.organization.supplementary.contactEmail, "it@musterstadt.example")
        assert.strictEqual(renamed._tag, "OperatorOnly")
        assert.deepStrictEqual(renamed._tag === "OperatorOnly" ? renamed.fields : [], ["name"])
        assert.deepStrictEqual(missing, ["inhouseDeclaration"])
        assert.strictEqual(byOperator.organization.name, "Große Kreisstadt Musterstadt")
      }).pipe(Effect.provide(TestCore))
  )

  it.effect("Addresses: the default address cannot be deleted; a Leitweg-ID needs valid check digits", () =>
    Effect.gen(function* () {
      const { townHall, badLeitwegId, refused, madeDefault, after } = yield* addressesExample
      assert.isTrue(townHall.isDefault)
      assert.strictEqual(townHall.street, "Rathausplatz 1")
      assert.deepStrictEqual(paths(badLeitwegId), ["leitwegId"])
      assert.strictEqual(refused._tag, "DefaultAddressNotDeletable")
      assert.isTrue(madeDefault.isDefault)
      assert.deepStrictEqual(
        after.items.map((a) => [a.kind, a.isDefault, a.leitwegId as string | null]),
        [["billing", true, "04011000-1234512345-06"]]
      )
    }).pipe(Effect.provide(TestCore))
  )

  it.effect(
    "Members: the main admin cannot be deactivated; only the operator reassigns the main admin; a deactivated member cannot sign in",
    () =>
      Effect.gen(function* () {
        const {
          invited,
          accepted,
          cannotSignIn,
          sessionEnded,
          reactivated,
          mainAdmin,
          protectedMainAdmin,
          newMainAdmin
        } = yield* membersExample
        assert.strictEqual(invited.status, "invited")
        assert.deepStrictEqual(invited.allowedActions, ["edit", "setRoles", "resendInvitation", "delete"])
        assert.strictEqual(accepted.account.status, "active")
        assert.isTrue(accepted.account.canOrder)
        assert.isString(accepted.session.token)
        assert.strictEqual(cannotSignIn._tag, "AccountDeactivated")
        assert.strictEqual(sessionEnded._tag, "Unauthenticated")
        assert.strictEqual(reactivated.status, "active")
        assert.deepStrictEqual(mainAdmin.allowedActions, ["edit"])
        assert.deepStrictEqual(
          protectedMainAdmin._tag === "MainAdminProtected" ? protectedMainAdmin.action : protectedMainAdmin._tag,
          "deactivate"
        )
        assert.strictEqual(newMainAdmin.id, accepted.account.id)
        assert.isTrue(newMainAdmin.isMainAdmin)
      }).pipe(Effect.provide(TestCore))
  )

  it.effect(
    "Roles: nobody grants a permission they do not hold; the built-in „Organisationsadmin“ stays as it is",
    () =>
      Effect.gen(function* () {
        const { escalation, items, builtIn } = yield* rolesExample
        assert.strictEqual(escalation._tag, "PermissionEscalation")
        assert.deepStrictEqual(escalation._tag === "PermissionEscalation" ? escalation.missing : [], ["catalog.manage"])
        assert.deepStrictEqual(
          items.map((r) => r.name),
          ["Organisationsadmin", "Bestellübersicht", "Rollenpflege"]
        )
        assert.lengthOf(items[0]!.permissions, 9)
        assert.strictEqual(builtIn._tag, "BuiltInRoleProtected")
      }).pipe(Effect.provide(TestCore))
  )

  it.effect(
    "InhouseDeclarations: a declaration carries its evidence; duplicates are refused; ending keeps it and closes its period",
    () =>
      Effect.gen(function* () {
        const { city, association, items, duplicate, malformed, ended, missing } = yield* inhouseDeclarationsExample
        assert.lengthOf(items, 1)
        const [declared] = items
        assert.deepStrictEqual(
          [declared!.controller, declared!.controlled, declared!.joint, DateTime.formatIso(declared!.validFrom)],
          [city.id, association.id, true, "2024-01-01T00:00:00.000Z"]
        )
        assert.deepStrictEqual(declared!.declaredBy, { organizationId: city.id, accountId: city.admin.accountId })
        assert.strictEqual(duplicate._tag, "DuplicateInhouseDeclaration")
        assert.deepStrictEqual(paths(malformed), ["evidence", "controlledBy"])
        assert.strictEqual(ended.validUntil && DateTime.formatIso(ended.validUntil), "2025-06-02T08:00:00.000Z")
        assert.deepStrictEqual(ended.validUntil, ended.ended?.at ?? null)
        assert.deepStrictEqual(missing, ["inhouseDeclaration"])
      }).pipe(Effect.provide(TestCore))
  )

  it.effect(
    "Thresholds: the most specific row applies, § 14 UVgO otherwise; rows of one jurisdiction must not overlap",
    () =>
      Effect.gen(function* () {
        const { applicable, overlapping, replaced } = yield* thresholdsExample
        assert.deepStrictEqual(
          [
            applicable.bavarianMunicipality,
            applicable.bavarianStateAuthority,
            applicable.federalAuthority,
            applicable.saxonyAnhaltDistrict
          ].map((t) => t.netAmount.amountCents),
          [10_000_000, 100_000, 1_500_000, 1_500_000]
        )
        assert.deepStrictEqual(paths(overlapping), ["thresholds.4.validFrom"])
        assert.lengthOf(replaced, defaultThresholds.length)
      }).pipe(Effect.provide(TestCore))
  )

  it.effect("Catalog: every change is a new version; only providers publish", () =>
    Effect.gen(function* () {
      const { published, v2, notAProvider, saas, asFirstPublished } = yield* catalogExample
      assert.strictEqual(v2.version, 2)
      assert.strictEqual(notAProvider._tag, "NotAProvider")
      assert.deepStrictEqual(
        saas.items.map((o) => [o.id, o.version]),
        [[published.id, 2]]
      )
      assert.strictEqual(asFirstPublished.provisioningTime.de, "10 Werktage")
    }).pipe(Effect.provide(TestCore))
  )

  it.effect(
    "Ordering: eligibility names the proving chain; compare-and-set; a rejection needs a reason; other organizations do not see the order",
    () =>
      Effect.gen(function* () {
        const { ids, eligibility, placed, asProvider, stale, noReason, ordered, hidden, folder } =
          yield* orderingExample
        const dv = eligibility.contractModels.DV
        assert.isTrue(dv.allowed)
        assert.deepStrictEqual(
          dv.grounds.map((g) => [g.kind, g.relationship ?? null, g.chain ?? null]),
          [
            ["inhouseWithProvider", "vertical", [ids.city, ids.association, ids.itProvider]],
            ["belowThreshold", null, null]
          ]
        )
        const uv = eligibility.contractModels.UV
        assert.isTrue(uv.allowed)
        assert.deepStrictEqual(
          uv.grounds.map((g) => [g.party, g.chain]),
          [
            ["customer", [ids.city, ids.association, ids.itProvider, ids.intermediary]],
            ["provider", [ids.itProvider, ids.intermediary]]
          ]
        )
        assert.deepStrictEqual(placed.total, eligibility.cartTotal)
        assert.strictEqual(placed.statusLabel, "Offen")
        assert.deepStrictEqual(placed.allowedActions, [])
        assert.deepStrictEqual(
          asProvider.allowedActions.map((a) => a.action),
          ["startReview", "reject"]
        )
        assert.deepStrictEqual(
          stale._tag === "StaleOrderStatus" ? [stale.expectedStatus, stale.actualStatus] : [stale._tag],
          ["open", "inReviewByProviderDV"]
        )
        assert.strictEqual(noReason._tag, "ReasonRequired")
        assert.strictEqual(ordered.status, "ordered")
        assert.strictEqual(ordered.statusLabel, "Bestellt")
        assert.deepStrictEqual(
          ordered.history.map((h) => h.to),
          ["inReviewByProviderDV", "confirmedByProviderDV", "ordered"]
        )
        assert.strictEqual(hidden._tag, "OrderNotFound")
        assert.deepStrictEqual(
          folder.map((d) => d.kind),
          [
            "orderSummary",
            "masterData",
            "productDescription",
            "price",
            "configuration",
            "terms",
            "maturity",
            "serviceConditions",
            "eligibility"
          ]
        )
      }).pipe(Effect.provide(TestCore))
  )

  it.effect(
    "Order deadline: the order day does not count; a decision after the deadline is refused and the sweep expires the order",
    () =>
      Effect.gen(function* () {
        const { placed, reminded, late, expired, after } = yield* orderDeadlineExample
        assert.strictEqual(DateTime.formatIso(placed.deadline), "2025-07-02T22:00:00.000Z")
        assert.strictEqual(formatDeadlineBerlin(placed.deadline), "02.07.2025, 24:00 Uhr")
        assert.strictEqual(reminded, 1)
        assert.strictEqual(late._tag, "DeadlineExpired")
        assert.strictEqual(expired, 1)
        assert.strictEqual(after.status, "expired")
        assert.strictEqual(after.statusLabel, "Abgelaufen")
      }).pipe(Effect.provide(TestCore))
  )

  it.effect(
    "Dispatcher: a mail is sent only for a committed change, and none is lost while the mail service is down",
    () =>
      Effect.gen(function* () {
        const { first, second, delivered } = yield* dispatcherExample
        assert.deepStrictEqual(first, { sent: 1, retrying: 1, failed: 0 })
        assert.deepStrictEqual(second, { sent: 1, retrying: 0, failed: 0 })
        assert.deepStrictEqual(delivered, ["RegistrationApproved", "RegistrationConfirmationLink"])
      }).pipe(Effect.provide(MailingCore))
  )

  it.effect("Composition: the use cases run over hand-composed stores and platform ports", () =>
    Effect.gen(function* () {
      const { accepted, refused } = yield* compositionExample
      assert.isString(accepted.registrationId)
      assert.deepStrictEqual(paths(refused), ["captcha.answer"])
    }).pipe(Effect.provide(EmbeddedCore))
  )

  it("In-house graph: vertical, inverse and horizontal relationships with their chains; controlling the same third organization is none", () => {
    const id = (o: Organization) => o.id
    assert.deepStrictEqual(relationships.vertical, {
      relationship: "vertical",
      chain: [org.musterstadt, org.zweckverband, org.kommunalIt].map(id),
      declarationIds: ["inh_1", "inh_3"].map((d) => DeclarationId.make(d))
    })
    assert.deepStrictEqual(relationships.inverse, {
      relationship: "inverse",
      chain: [org.kommunalIt, org.zweckverband, org.musterstadt].map(id),
      declarationIds: ["inh_3", "inh_1"].map((d) => DeclarationId.make(d))
    })
    assert.deepStrictEqual(relationships.horizontal, {
      relationship: "horizontal",
      chain: [org.kommunalIt, org.zweckverband, org.schulIt].map(id),
      declarationIds: ["inh_3", "inh_4"].map((d) => DeclarationId.make(d))
    })
    assert.deepStrictEqual(relationships.toGovdigital?.chain, [
      org.musterstadt.id,
      org.zweckverband.id,
      org.kommunalIt.id,
      org.govdigital.id
    ])
    assert.isUndefined(relationships.bothControlTheZweckverband)
  })

  it("Eligibility: 48 times the monthly value; grounds strongest first; the anti-splitting sum counts earlier orders", () => {
    assert.strictEqual(valued.amountCents, 7_200_000)
    const dv = musterstadtAnswer.contractModels.DV
    assert.deepStrictEqual(
      dv.grounds.map((g) => g.kind),
      ["inhouseWithProvider", "belowThreshold"]
    )
    assert.strictEqual(dv.grounds[1]?.value?.amountCents, 7_200_000)
    assert.strictEqual(dv.grounds[1]?.threshold?.amountCents, 10_000_000)
    assert.isTrue(fremdhausenAnswer.contractModels.DV.allowed)
    const [threshold] = fremdhausenAnswer.contractModels.DV.grounds
    assert.deepStrictEqual(
      [threshold?.kind, threshold?.value?.amountCents, threshold?.threshold?.amountCents],
      ["belowThreshold", 1_200_000, 1_500_000]
    )
    assert.isFalse(fremdhausenAnswer.contractModels.UV.allowed)
    assert.deepStrictEqual(
      fremdhausenAnswer.contractModels.UV.blockingReasons.map((r) => r.kind),
      ["noInhouseDeclaration"]
    )
    assert.isFalse(fremdhausenSplit.contractModels.DV.allowed)
    assert.deepStrictEqual(
      fremdhausenSplit.contractModels.DV.blockingReasons.map((r) => r.kind),
      ["noInhouseDeclaration", "notFreeOfCharge", "aboveThreshold"]
    )
    assert.include(fremdhausenSplit.contractModels.DV.blockingReasons[2]?.detail ?? "", "18.000,00 € netto")
  })
})

// ---------------------------------------------------------------------------------------------------------------
// The README holds exactly this code and what the code generates.

/** The code of every `readme:` region of a source text, by name. */
const regionsOf = (source: string): ReadonlyMap<string, string> => {
  const found = new Map<string, string>()
  for (const m of source.matchAll(/^\/\/ #region readme:([a-z-]+)\n([\s\S]*?)^\/\/ #endregion readme:\1$/gmu))
    found.set(m[1]!, m[2]!)
  return found
}

/** The TypeScript code blocks of a Markdown text. */
const tsBlocksOf = (markdown: string): ReadonlyArray<string> =>
  [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gmu)].map((m) => m[1]!)

const json = (value: unknown) => JSON.stringify(value, null, 2)
const answerJson = (answer: EligibilityAnswer) => json(Schema.encodeSync(Schema.toCodecJson(EligibilityAnswer))(answer))

const berlinDate = (t: DateTime.Utc) => DateTime.formatIsoDate(DateTime.setZone(t, berlin))
const jurisdictionText = (t: Threshold) => {
  const j = t.jurisdiction
  if (j._tag === "Fallback") return "fallback (any customer)"
  if (j._tag === "Federal") return "Bund (federal bodies)"
  return `${j.federalState}, ${j.administrativeLevel ?? "every level"}`
}

/** The shipped thresholds as the README lists them. */
const thresholdTableMarkdown = () =>
  [
    "| jurisdiction | net amount | from (Berlin) | until (exclusive) | source |",
    "|---|---|---|---|---|",
    ...defaultThresholds.map(
      (t) =>
        `| ${jurisdictionText(t)} | ${formatDe(t.netAmount)} | ${berlinDate(t.validFrom)} | ${t.validUntil ? berlinDate(t.validUntil) : "–"} | ${t.source} |`
    )
  ].join("\n")

/** Examples of the decision deadline (§§ 187, 188 BGB). */
const deadlineExamples = [
  "2025-01-31T10:00:00Z",
  "2025-01-15T22:59:00Z",
  "2025-01-15T23:01:00Z",
  "2025-03-10T09:00:00Z",
  "2025-06-02T08:00:00Z"
]
const deadlineTableMarkdown = () =>
  [
    "| placed at (UTC) | order day (Berlin) | deadline (UTC, first instant after the period) | shown as |",
    "|---|---|---|---|",
    ...deadlineExamples.map((iso) => {
      const placedAt = DateTime.makeUnsafe(iso)
      const deadline = decisionDeadline(placedAt)
      return `| ${iso} | ${berlinDate(placedAt)} | ${DateTime.formatIso(deadline)} | „${formatDeadlineBerlin(deadline)}“ |`
    })
  ].join("\n")

/** Every order status with its labels and what it means for the deadline. */
const statusTableMarkdown = () =>
  [
    "| code | label (de) | label (en) | deadline runs | terminal |",
    "|---|---|---|---|---|",
    ...orderStatuses.map(
      (s) =>
        `| \`${s}\` | „${orderStatusLabels[s].de}“ | ${orderStatusLabels[s].en} | ${awaitingProviderDecision.has(s) ? "yes" : "–"} | ${isTerminal(s) ? "yes" : "–"} |`
    )
  ].join("\n")

describe("README consistency", () => {
  const regions = regionsOf(self)

  it("every example region appears verbatim in the README", () => {
    assert.isAbove(regions.size, 15)
    const blocks = new Set(tsBlocksOf(readme))
    for (const [name, code] of regions) assert.isTrue(blocks.has(code), `README lacks the example "${name}" as it is`)
  })

  it("every TypeScript block of the README is an executed example or says why it is not", () => {
    const executed = new Set(regions.values())
    for (const block of tsBlocksOf(readme))
      assert.isTrue(
        executed.has(block) || block.startsWith("// Not executed"),
        `README block not executed by this test:\n${block.slice(0, 300)}`
      )
  })

  it("the README holds the transition table exactly as transitionTableMarkdown() prints it", () => {
    assert.include(readme, `\n${transitionTableMarkdown()}\n`)
  })

  it("the README holds the status labels, the shipped thresholds and the deadline examples as the code has them", () => {
    assert.include(readme, `\n${statusTableMarkdown()}\n`)
    assert.include(readme, `\n${thresholdTableMarkdown()}\n`)
    assert.include(readme, `\n${deadlineTableMarkdown()}\n`)
  })

  it("the README shows the eligibility answers the worked example gives", () => {
    assert.include(readme, `\`\`\`json\n${answerJson(musterstadtAnswer)}\n\`\`\``)
    assert.include(
      readme,
      `\`\`\`json\n${json(Schema.encodeSync(Schema.toCodecJson(ContractModelAnswer))(fremdhausenSplit.contractModels.DV))}\n\`\`\``
    )
  })
})
