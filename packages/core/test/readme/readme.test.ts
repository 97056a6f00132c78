/**
 * Runs every example of `packages/core/README.md`. Each `// #region readme:<name>` below is copied verbatim into
 * the README's code block of the same name; the last tests check that the README still holds exactly these
 * regions, the generated transition table and the generated tables of thresholds, deadlines and labels, so the
 * README cannot drift from what the code does.
 */
import {
  Account,
  AccountId,
  AccountStore,
  Addresses,
  type AdministrativeLevel,
  Authentication,
  AuthenticationPolicyRef,
  berlin,
  type Capability,
  CaptchaVerifier,
  Catalog,
  type ControlEdge,
  cartTotal,
  DeclarationId,
  DevCaptcha,
  Dispatcher,
  DocumentRenderer,
  decisionDeadline,
  defaultAuthenticationPolicy,
  defaultThresholds,
  EligibilityAnswer,
  Email,
  estimatedContractValue,
  evaluateEligibility,
  type FederalState,
  formatDe,
  formatDeadlineBerlin,
  InhouseDeclarations,
  InhouseGraph,
  layerCoreMemory,
  MailCapture,
  Mailer,
  Members,
  Money,
  newId,
  Offering,
  OfferingId,
  type Operator,
  Ordering,
  Organization,
  OrganizationId,
  OrganizationProfile,
  Outbox,
  orderStatuses,
  orderStatusLabels,
  PasswordHasher,
  PricePlanId,
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

/** Every password of the examples: the policy wants at least 25 characters and nothing else. */
const password = "korrekt Pferd Batterie Heftklammer"

/** Operator accounts belong to the deployment, not to a form: here, straight into the store. */
const provisionOperator = Effect.gen(function* () {
  const now = yield* DateTime.now
  const id = yield* newId<AccountId>("acc")
  yield* AccountStore.use((s) =>
    s.insert(
      new Account({
        id,
        kind: "operator",
        organizationId: null,
        email: Email.make("betrieb@dvc.example"),
        firstName: "Olaf",
        lastName: "Betrieb",
        status: "active",
        isMainAdmin: false,
        roleIds: [],
        passwordHash: null,
        passwordResetRequired: false,
        createdAt: now,
        updatedAt: now
      })
    )
  )
  return { _tag: "Operator", accountId: id } satisfies Operator
})

/** A fresh portal on Monday, 2 June 2025: an operator, and the CSP-AGB in force. */
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
  readonly administrativeLevel: AdministrativeLevel
  readonly federalState: FederalState | null
  readonly city: string
  readonly email: string
}

/** „Registrieren" (DOMAIN §2): submit, follow the emailed link, and the operator approves. */
const registerOrganization = (operator: Operator, applicant: Applicant) =>
  Effect.gen(function* () {
    const registrations = yield* Registrations
    const terms = yield* Terms.use((t) => t.current())
    const captcha = yield* DevCaptcha.use((c) => c.issue())
    const { registrationId } = yield* registrations.submit({
      organization: {
        name: applicant.name,
        legalForm: "Körperschaft des öffentlichen Rechts",
        administrativeLevel: applicant.administrativeLevel,
        federalState: applicant.federalState,
        address: { street: "Rathausplatz 1", postalCode: "80331", city: applicant.city, phone: "+49 89 1234-0" }
      },
      person: { firstName: "Erika", lastName: "Mustermann", email: applicant.email },
      password,
      captcha: { challengeId: captcha.challengeId, answer: captcha.answer },
      acceptedTermsId: terms.id
    })
    // The operator sees the registration only once the applicant followed the link.
    yield* registrations.confirm({ token: yield* linkMailedTo(applicant.email, "RegistrationConfirmationLink") })
    // Creates the organization, its „Organisationsadmin" role, its default address and the main admin.
    const { organizationId, accountId } = yield* registrations.approve(operator, registrationId)
    return { registrationId, organizationId, mainAdminId: accountId }
  })

const musterstadt: Applicant = {
  name: "Stadt Musterstadt",
  administrativeLevel: "municipal",
  federalState: "DE-BY",
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
  const { registrationId, organizationId } = yield* registerOrganization(operator, musterstadt)
  const approved = yield* registrations.get(operator, registrationId)
  // The organization is registered now: its admin gives out accounts, nobody registers it again.
  const again = yield* registerOrganization(operator, { ...musterstadt, email: "it@musterstadt.example" }).pipe(
    Effect.flip
  )
  return { invalid, approved, organizationId, again }
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
  yield* registerOrganization(operator, musterstadt)
  const auth = yield* Authentication
  const { session, permissions } = yield* auth.login({ email: "Hauptamt@Musterstadt.example", password })
  // Unknown email and wrong password get the same answer, in the same time.
  const wrongPassword = yield* auth.login({ email: musterstadt.email, password: `${password}!` }).pipe(Effect.flip)
  const unknownEmail = yield* auth.login({ email: "niemand@musterstadt.example", password }).pipe(Effect.flip)
  // „Passwort vergessen": the same answer whatever the email; the link ends every session of the account.
  yield* auth.requestPasswordReset({ email: musterstadt.email })
  const token = yield* linkMailedTo(musterstadt.email, "PasswordResetLink")
  const newPassword = "ein ganz anderes langes Passwort 2025"
  yield* auth.confirmPasswordReset({ token, password: newPassword })
  const oldSession = yield* auth.authenticate(session.token).pipe(Effect.flip)
  const again = yield* auth.login({ email: musterstadt.email, password: newPassword })
  yield* auth.logout(again.session.token)
  return { permissions, wrongPassword, unknownEmail, oldSession }
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
  const twice = yield* terms
    .publish(operator, { version: "2026-01", effectiveFrom: "2026-02-01T00:00:00Z", text: "…" })
    .pipe(Effect.flip)
  const { organizationId } = yield* registerOrganization(operator, musterstadt)
  const member = yield* signIn(musterstadt.email)
  const notOperator = yield* terms
    .publish(member, { version: "2026-02", effectiveFrom: "2026-02-01T00:00:00Z", text: "…" })
    .pipe(Effect.flip)
  return { current, twice, notOperator, organizationId }
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
  const { missing } = yield* profile.completeness(admin)
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
  // A Leitweg-ID only on billing addresses, and only with valid check digits (ISO 7064 MOD 97-10).
  const badLeitwegId = yield* addresses
    .create(admin, {
      kind: "billing",
      street: "Postfach 10 01",
      postalCode: "80331",
      city: "Musterstadt",
      leitwegId: "04011000-1234512345-07"
    })
    .pipe(Effect.flip)
  const billing = yield* addresses.create(admin, {
    kind: "billing",
    street: "Postfach 10 01",
    postalCode: "80331",
    city: "Musterstadt",
    phone: "+49 89 1234-500",
    leitwegId: "04011000-1234512345-06"
  })
  // The „Standardadresse" cannot be deleted; another one can be made the default, then the old one can go.
  const refused = yield* addresses.delete(admin, townHall.id).pipe(Effect.flip)
  const madeDefault = yield* addresses.makeDefault(admin, billing.id)
  yield* addresses.delete(admin, townHall.id)
  const after = yield* addresses.list(admin)
  return { townHall, badLeitwegId, refused, madeDefault, after }
})
// #endregion readme:addresses

// #region readme:members
const membersExample = Effect.gen(function* () {
  const operator = yield* startPortal
  yield* registerOrganization(operator, musterstadt)
  const admin = yield* signIn(musterstadt.email)
  const members = yield* Members
  // „Konto hinzufügen": the person gets a link bound to their email, and sets a password with it.
  const invited = yield* members.invite(admin, {
    email: "max.beispiel@musterstadt.example",
    firstName: "Max",
    lastName: "Beispiel"
  })
  const accepted = yield* members.acceptInvitation({
    token: yield* linkMailedTo("max.beispiel@musterstadt.example", "Invitation"),
    password
  })
  const max = accepted.account.id
  const deactivated = yield* members.deactivate(admin, max)
  const cannotSignIn = yield* signIn("max.beispiel@musterstadt.example").pipe(Effect.flip)
  const reactivated = yield* members.reactivate(admin, max)
  // Nobody in the organization can deactivate, delete, demote or replace the main admin.
  const adminView = yield* members.get(admin, admin.accountId)
  const protectedMainAdmin = yield* members.deactivate(admin, adminView.id).pipe(Effect.flip)
  // Only the operator reassigns the main admin, with a recorded reason.
  const newMainAdmin = yield* members.reassignMainAdmin(operator, accepted.organization.id, {
    accountId: max,
    reason: "Wechsel der Amtsleitung zum 1. Juli 2025"
  })
  return { invited, accepted, deactivated, cannotSignIn, reactivated, adminView, protectedMainAdmin, newMainAdmin }
})
// #endregion readme:members

describe("README examples", () => {
  it.effect("Registrations: every offending field at once; register, confirm, approve; no second registration", () =>
    Effect.gen(function* () {
      const { invalid, approved, again } = yield* registrationsExample
      assert.strictEqual(invalid._tag, "InvalidInput")
      if (invalid._tag === "InvalidInput") console.log(invalid.issues.map((i) => i.path))
      assert.strictEqual(approved.status, "approved")
      assert.strictEqual(again._tag, "OrganizationAlreadyRegistered")
    }).pipe(Effect.provide(TestCore))
  )
})

void [
  readme,
  self,
  CaptchaVerifier,
  Catalog,
  DeclarationId,
  decisionDeadline,
  defaultThresholds,
  Dispatcher,
  DocumentRenderer,
  EligibilityAnswer,
  estimatedContractValue,
  evaluateEligibility,
  formatDe,
  formatDeadlineBerlin,
  InhouseDeclarations,
  InhouseGraph,
  MailCapture,
  Mailer,
  Money,
  Offering,
  OfferingId,
  Ordering,
  Organization,
  OrganizationId,
  PasswordHasher,
  PricePlanId,
  Roles,
  SecureRandom,
  storesMemory,
  Thresholds,
  transitionTableMarkdown,
  useCases,
  orderStatusLabels,
  orderStatuses,
  berlin,
  cartTotal,
  Schema,
  authenticationExample,
  termsExample,
  organizationProfileExample,
  addressesExample,
  membersExample
]
type _Unused = ControlEdge | Capability | Threshold
void [
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
  unitOfWorkSuite,
  AccountId
]
