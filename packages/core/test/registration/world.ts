import { DateTime, Duration, Effect, Layer } from "effect"
import {
  Authentication,
  type AuthenticationPolicy,
  AuthenticationPolicyRef,
  defaultAuthenticationPolicy
} from "../../src/identity/Authentication.ts"
import { DevCaptcha } from "../../src/identity/Captcha.ts"
import { LinkTokenStore } from "../../src/identity/LinkToken.ts"
import { PasswordHasher } from "../../src/identity/PasswordHasher.ts"
import { SessionStore } from "../../src/identity/Session.ts"
import type { Operator } from "../../src/kernel/Actor.ts"
import { type AuditEvent, AuditLog, portalChain } from "../../src/kernel/Audit.ts"
import type { Email } from "../../src/kernel/Email.ts"
import type { AccountId, TermsId } from "../../src/kernel/Ids.ts"
import type { Notification } from "../../src/kernel/Notification.ts"
import { Outbox } from "../../src/kernel/Outbox.ts"
import { RateLimiter } from "../../src/kernel/RateLimiter.ts"
import { newId, SecureRandom } from "../../src/kernel/SecureRandom.ts"
import { unitOfWorkMemory } from "../../src/kernel/UnitOfWork.ts"
import { Account } from "../../src/members/Account.ts"
import { AccountStore, RoleStore } from "../../src/members/AccountStore.ts"
import { AddressStore, OrganizationStore } from "../../src/organization/OrganizationStore.ts"
import type { RegistrationInputEncoded } from "../../src/registration/Registration.ts"
import { RegistrationStore } from "../../src/registration/RegistrationStore.ts"
import { Registrations } from "../../src/registration/Registrations.ts"
import { TermsStore, TermsVersion } from "../../src/terms/Terms.ts"

/** Test-only PBKDF2 cost: the rules do not depend on it, the run time does. */
export const testIterations = 1000

/** Every port in memory, fresh per `Effect.provide`: tests share nothing. */
export const ports = (options: { readonly iterations?: number; readonly seed?: number } = {}) =>
  Layer.mergeAll(
    unitOfWorkMemory,
    AuditLog.layerMemory,
    Outbox.layerMemory,
    RegistrationStore.layerMemory,
    LinkTokenStore.layerMemory,
    SessionStore.layerMemory,
    OrganizationStore.layerMemory,
    AddressStore.layerMemory,
    AccountStore.layerMemory,
    RoleStore.layerMemory,
    TermsStore.layerMemory,
    RateLimiter.layerMemory,
    DevCaptcha.layer,
    PasswordHasher.layerWebCrypto({ iterations: options.iterations ?? testIterations })
  ).pipe(
    Layer.provideMerge(
      options.seed === undefined ? SecureRandom.layerWebCrypto : SecureRandom.layerSeeded(options.seed)
    )
  )

/** `requestPasswordReset` answers after a fixed time; under the TestClock that time would never pass by itself. */
export const noResponseFloor: AuthenticationPolicy = {
  ...defaultAuthenticationPolicy,
  passwordResetResponseTime: Duration.zero
}

/** The use cases over fresh memory ports. */
export const world = (
  options: {
    readonly iterations?: number
    readonly seed?: number
    readonly authenticationPolicy?: AuthenticationPolicy
  } = {}
) =>
  Layer.mergeAll(Registrations.layer, Authentication.layer).pipe(
    Layer.provideMerge(ports(options)),
    Layer.provideMerge(Layer.succeed(AuthenticationPolicyRef)(options.authenticationPolicy ?? noResponseFloor))
  )

export const currentTermsId = "agb_2025_01" as TermsId

/** The CSP-AGB version every test registers under, in force since the epoch (where the TestClock starts). */
export const publishTerms = TermsStore.use((s) =>
  s.insert(
    new TermsVersion({
      id: currentTermsId,
      version: "2025-01",
      effectiveFrom: DateTime.makeUnsafe(0),
      url: "https://www.dvc.example/agb/2025-01",
      text: null
    })
  )
)

export const goodPassword = "korrekt Pferd Batterie Heftklammer"

let counter = 0
/** A name and email no other registration of the same world uses. */
export const uniqueApplicant = () => {
  counter += 1
  return {
    name: `Gemeinde Musterhausen ${counter}`,
    email: `buergermeisterin.${counter}@musterhausen.example`
  }
}

/** A complete, valid registration form with a freshly solved captcha. */
export const validForm = (applicant = uniqueApplicant()) =>
  Effect.gen(function* () {
    const challenge = yield* DevCaptcha.use((c) => c.issue())
    return {
      organization: {
        name: applicant.name,
        legalForm: "Gebietskörperschaft",
        administrativeLevel: "municipal",
        federalState: "DE-BY",
        address: { street: "Rathausplatz 1", postalCode: "87435", city: "Kempten (Allgäu)", phone: "+49 831 2525-0" }
      },
      person: { firstName: "Erika", lastName: "Mustermann", email: applicant.email },
      password: goodPassword,
      captcha: { challengeId: challenge.challengeId, answer: challenge.answer },
      acceptedTermsId: currentTermsId
    } satisfies RegistrationInputEncoded
  })

/** Every notification queued so far, oldest first. */
export const outbox = Effect.gen(function* () {
  const due = yield* Outbox.use((o) => o.due(DateTime.makeUnsafe("9999-01-01T00:00:00Z"), 100_000))
  return due.map((m) => m.notification)
})

export const notificationsTo = (email: string) => Effect.map(outbox, (all) => all.filter((n) => n.recipient === email))

/** The link secret of the newest mail of a kind to an address. */
export const lastToken = (email: string, tag: Notification["_tag"]) =>
  Effect.gen(function* () {
    const mails = (yield* notificationsTo(email)).filter((n) => n._tag === tag)
    const last = mails.at(-1)
    if (!last || !("token" in last)) return yield* Effect.die(`no ${tag} mail to ${email}`)
    return last.token
  })

export const auditEvents = (chain: string = portalChain) =>
  AuditLog.use((l) => l.list(chain, { afterSequence: 0, limit: 100_000 })) as Effect.Effect<ReadonlyArray<AuditEvent>>

/** An active operator account and its actor. */
export const makeOperator = Effect.gen(function* () {
  const now = yield* DateTime.now
  const id = yield* newId<AccountId>("acc")
  yield* AccountStore.use((s) =>
    s.insert(
      new Account({
        id,
        kind: "operator",
        organizationId: null,
        email: `${id}@betrieb.dvc.example` as Email,
        firstName: "Olaf",
        lastName: "Operator",
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
}).pipe(Effect.orDie)

/** Submits a valid form and confirms it: a registration awaiting the operator. */
export const confirmedRegistration = (applicant = uniqueApplicant()) =>
  Effect.gen(function* () {
    const registrations = yield* Registrations
    const { registrationId } = yield* registrations.submit(yield* validForm(applicant))
    yield* registrations.confirm({ token: yield* lastToken(applicant.email, "RegistrationConfirmationLink") })
    return { registrationId, applicant }
  })

/** A registration approved by an operator: an organization with its main admin, who can log in. */
export const approvedOrganization = (applicant = uniqueApplicant()) =>
  Effect.gen(function* () {
    const { registrationId } = yield* confirmedRegistration(applicant)
    const operator = yield* makeOperator
    const approved = yield* Registrations.use((r) => r.approve(operator, registrationId))
    return { ...approved, applicant, operator, registrationId }
  })
