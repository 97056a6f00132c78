import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect, type Layer } from "effect"
import { TestClock } from "effect/testing"
import { Authentication } from "../../src/identity/Authentication.ts"
import { LinkExpiredOrUsed, LinkTokenStore } from "../../src/identity/LinkToken.ts"
import type { Member } from "../../src/kernel/Actor.ts"
import { portalChain, verifyChain } from "../../src/kernel/Audit.ts"
import { InvalidInput, PermissionDenied } from "../../src/kernel/Errors.ts"
import type { RegistrationId, TermsId } from "../../src/kernel/Ids.ts"
import { permissionKeys } from "../../src/kernel/Permission.ts"
import { RateLimited } from "../../src/kernel/RateLimiter.ts"
import { hashSecret } from "../../src/kernel/SecureRandom.ts"
import { organizationAdminRoleName } from "../../src/members/Account.ts"
import { AccountStore, EmailAlreadyRegistered, RoleStore } from "../../src/members/AccountStore.ts"
import {
  AddressStore,
  OrganizationAlreadyRegistered,
  OrganizationStore
} from "../../src/organization/OrganizationStore.ts"
import { IllegalRegistrationTransition, type RegistrationInputEncoded } from "../../src/registration/Registration.ts"
import { RegistrationStore } from "../../src/registration/RegistrationStore.ts"
import { RegistrationNotFound, Registrations } from "../../src/registration/Registrations.ts"
import { TermsStore, TermsVersion } from "../../src/terms/Terms.ts"
import {
  approvedOrganization,
  auditEvents,
  confirmedRegistration,
  currentTermsId,
  goodPassword,
  lastToken,
  makeOperator,
  notificationsTo,
  outbox,
  publishTerms,
  uniqueApplicant,
  validForm,
  world
} from "./world.ts"

const run = <A, E>(effect: Effect.Effect<A, E, Layer.Success<ReturnType<typeof world>>>) =>
  Effect.gen(function* () {
    yield* publishTerms
    return yield* effect
  }).pipe(Effect.provide(world()))

const submit = (form: RegistrationInputEncoded) => Registrations.use((r) => r.submit(form))

const paths = (e: InvalidInput) => e.issues.map((i) => i.path).sort()

/** Nothing of a registration was written: no registration, link, mail or audit event. */
const assertNothingWritten = (email: string) =>
  Effect.gen(function* () {
    assert.strictEqual(yield* RegistrationStore.use((s) => s.findOpenByEmail(email as never)), undefined)
    assert.deepStrictEqual(yield* outbox, [])
    assert.deepStrictEqual(yield* auditEvents(portalChain), [])
  })

describe("registration: the form", () => {
  it.effect("submitting sends a confirmation email with a link; the status is awaitingEmailConfirmation", () =>
    run(
      Effect.gen(function* () {
        const applicant = uniqueApplicant()
        const { registrationId } = yield* submit(yield* validForm(applicant))
        const stored = yield* RegistrationStore.use((s) => s.get(registrationId))
        assert.strictEqual(stored?.status, "awaitingEmailConfirmation")
        const mails = yield* notificationsTo(applicant.email)
        assert.deepStrictEqual(
          mails.map((m) => m._tag),
          ["RegistrationConfirmationLink"]
        )
        const mail = mails[0]!
        assert.strictEqual(mail._tag === "RegistrationConfirmationLink" && mail.organizationName, applicant.name)
        // The link lives 72 hours, and the registration's deadline is the link's.
        const hash = yield* hashSecret(yield* lastToken(applicant.email, "RegistrationConfirmationLink"))
        const link = yield* LinkTokenStore.use((s) => s.findByHash(hash))
        assert.deepStrictEqual(link?.expiresAt, DateTime.makeUnsafe(72 * 3600 * 1000))
        assert.deepStrictEqual(stored?.confirmationDeadline, link?.expiresAt)
        const events = yield* auditEvents(portalChain)
        assert.deepStrictEqual(
          events.map((e) => e.action),
          ["registration.submitted"]
        )
        assert.deepStrictEqual(yield* verifyChain(events), { ok: true })
      })
    )
  )

  it.effect("the password is stored only as a hash", () =>
    run(
      Effect.gen(function* () {
        const applicant = uniqueApplicant()
        const { registrationId } = yield* submit(yield* validForm(applicant))
        const stored = yield* RegistrationStore.use((s) => s.get(registrationId))
        assert.match(stored?.passwordHash ?? "", /^\$pbkdf2-sha256\$i=1000\$/u)
        assert.notInclude(JSON.stringify(yield* outbox), goodPassword)
        assert.notInclude(JSON.stringify(yield* auditEvents(portalChain)), goodPassword)
      })
    )
  )

  it.effect("bad input names every offending field at once, with dotted paths, and writes nothing", () =>
    run(
      Effect.gen(function* () {
        const form = yield* validForm()
        const bad = {
          organization: {
            name: "   ",
            administrativeLevel: "municipal",
            address: { street: "Rathausplatz 1", postalCode: "8743", city: "", phone: "call me" }
          },
          person: { firstName: "Erika", email: "no-at-sign" },
          password: "zu kurz",
          captcha: form.captcha,
          acceptedTermsId: currentTermsId
        } as unknown as RegistrationInputEncoded
        const error = yield* Effect.flip(Registrations.use((r) => r.submit(bad)))
        assert.instanceOf(error, InvalidInput)
        assert.deepStrictEqual(paths(error as InvalidInput), [
          "organization.address.city",
          "organization.address.phone",
          "organization.address.postalCode",
          "organization.federalState",
          "organization.legalForm",
          "organization.name",
          "password",
          "person.email",
          "person.lastName"
        ])
        for (const issue of (error as InvalidInput).issues) assert.include(issue.message, " / ")
        yield* assertNothingWritten(form.person.email)
      })
    )
  )

  it.effect("a missing body reports every required field", () =>
    run(
      Effect.gen(function* () {
        const error = yield* Effect.flip(Registrations.use((r) => r.submit({} as RegistrationInputEncoded)))
        assert.deepStrictEqual(paths(error as InvalidInput), [
          "acceptedTermsId",
          "captcha",
          "organization",
          "password",
          "person"
        ])
        assert.deepStrictEqual(yield* outbox, [])
      })
    )
  )

  it.effect("the Land is required unless the organization is federal", () =>
    run(
      Effect.gen(function* () {
        const applicant = uniqueApplicant()
        const form = yield* validForm(applicant)
        const { federalState: _, ...withoutLand } = form.organization
        const error = yield* Effect.flip(
          Registrations.use((r) => r.submit({ ...form, organization: withoutLand } as RegistrationInputEncoded))
        )
        assert.deepStrictEqual(paths(error as InvalidInput), ["organization.federalState"])

        const federal = yield* validForm(applicant)
        const { federalState: __, ...federalOrganization } = federal.organization
        yield* Registrations.use((r) =>
          r.submit({ ...federal, organization: { ...federalOrganization, administrativeLevel: "federal" } })
        )
      })
    )
  )

  it.effect("the captcha is required, checked, and single-use", () =>
    run(
      Effect.gen(function* () {
        const applicant = uniqueApplicant()
        const form = yield* validForm(applicant)
        const wrong = yield* Effect.flip(
          Registrations.use((r) => r.submit({ ...form, captcha: { ...form.captcha, answer: "falsch" } }))
        )
        assert.deepStrictEqual(paths(wrong as InvalidInput), ["captcha.answer"])
        // The challenge was used up by the wrong answer: the right one no longer helps.
        const replayed = yield* Effect.flip(Registrations.use((r) => r.submit(form)))
        assert.deepStrictEqual(paths(replayed as InvalidInput), ["captcha.answer"])
        yield* assertNothingWritten(applicant.email)

        const fresh = yield* validForm(applicant)
        yield* Registrations.use((r) => r.submit(fresh))
        const again = yield* Effect.flip(
          Registrations.use((r) =>
            r.submit({
              ...fresh,
              organization: { ...fresh.organization, name: "Andere Gemeinde" },
              person: { ...fresh.person, email: "andere@gemeinde.example" }
            })
          )
        )
        assert.deepStrictEqual(paths(again as InvalidInput), ["captcha.answer"])
      })
    )
  )

  it.effect("the accepted CSP-AGB version must be the current one, and it is recorded", () =>
    run(
      Effect.gen(function* () {
        // A newer version came into force; the form still shows the old one.
        yield* TermsStore.use((s) =>
          s.insert(
            new TermsVersion({
              id: "agb_2025_07" as TermsId,
              version: "2025-07",
              effectiveFrom: DateTime.makeUnsafe(1),
              url: null,
              text: "Neue AGB"
            })
          )
        )
        yield* TestClock.adjust("1 second")
        const applicant = uniqueApplicant()
        const form = yield* validForm(applicant)
        const stale = yield* Effect.flip(Registrations.use((r) => r.submit(form)))
        assert.deepStrictEqual(paths(stale as InvalidInput), ["acceptedTermsId"])
        yield* assertNothingWritten(applicant.email)

        const { registrationId } = yield* submit({ ...(yield* validForm(applicant)), acceptedTermsId: "agb_2025_07" })
        assert.strictEqual((yield* RegistrationStore.use((s) => s.get(registrationId)))?.acceptedTermsId, "agb_2025_07")
      })
    )
  )

  it.effect("an organization already registered is refused, whatever its spelling", () =>
    run(
      Effect.gen(function* () {
        const { applicant } = yield* approvedOrganization()
        const form = yield* validForm({
          name: `  ${applicant.name.toUpperCase()} `,
          email: "zweite@musterhausen.example"
        })
        const refused = yield* Effect.flip(Registrations.use((r) => r.submit(form)))
        assert.instanceOf(refused, OrganizationAlreadyRegistered)
      })
    )
  )

  it.effect("an organization with an open registration is refused", () =>
    run(
      Effect.gen(function* () {
        const first = uniqueApplicant()
        yield* submit(yield* validForm(first))
        const form = yield* validForm({ name: first.name.toLowerCase(), email: "zweite@musterhausen.example" })
        const refused = yield* Effect.flip(Registrations.use((r) => r.submit(form)))
        assert.instanceOf(refused, OrganizationAlreadyRegistered)
        assert.deepStrictEqual(yield* notificationsTo("zweite@musterhausen.example"), [])
      })
    )
  )

  it.effect("an email already used by an account or an open registration is refused", () =>
    run(
      Effect.gen(function* () {
        const { applicant } = yield* approvedOrganization()
        const byAccount = yield* Effect.flip(
          submit(yield* validForm({ name: "Markt Oberstdorf", email: applicant.email.toUpperCase() }))
        )
        assert.instanceOf(byAccount, EmailAlreadyRegistered)

        const open = uniqueApplicant()
        yield* submit(yield* validForm(open))
        const byRegistration = yield* Effect.flip(
          submit(yield* validForm({ name: "Markt Sonthofen", email: open.email }))
        )
        assert.instanceOf(byRegistration, EmailAlreadyRegistered)
      })
    )
  )
})

describe("registration: confirmation", () => {
  it.effect("following the link forwards the registration to the operator", () =>
    run(
      Effect.gen(function* () {
        const applicant = uniqueApplicant()
        const registrations = yield* Registrations
        const { registrationId } = yield* registrations.submit(yield* validForm(applicant))
        const answer = yield* registrations.confirm({
          token: yield* lastToken(applicant.email, "RegistrationConfirmationLink")
        })
        assert.deepStrictEqual(answer, { registrationId, status: "awaitingOperatorReview" })
        const operator = yield* makeOperator
        const listed = yield* registrations.list(operator, { status: "awaitingOperatorReview" })
        assert.deepStrictEqual(
          listed.items.map((r) => r.id),
          [registrationId]
        )
        assert.deepStrictEqual(
          listed.items[0]?.allowedActions.map((a) => a.action),
          ["approve", "reject"]
        )
        assert.notProperty(listed.items[0], "passwordHash")
      })
    )
  )

  it.effect("before confirmation the operator does not see the registration", () =>
    run(
      Effect.gen(function* () {
        const registrations = yield* Registrations
        const { registrationId } = yield* registrations.submit(yield* validForm())
        const operator = yield* makeOperator
        assert.deepStrictEqual((yield* registrations.list(operator, { status: "awaitingOperatorReview" })).items, [])
        assert.instanceOf(yield* Effect.flip(registrations.get(operator, registrationId)), RegistrationNotFound)
        assert.instanceOf(yield* Effect.flip(registrations.approve(operator, registrationId)), RegistrationNotFound)
        const unconfirmed = yield* Effect.flip(
          registrations.list(operator, { status: "awaitingEmailConfirmation" as never })
        )
        assert.deepStrictEqual(paths(unconfirmed as InvalidInput), ["status"])
      })
    )
  )

  it.effect("a confirmation link works once", () =>
    run(
      Effect.gen(function* () {
        const applicant = uniqueApplicant()
        const registrations = yield* Registrations
        yield* registrations.submit(yield* validForm(applicant))
        const token = yield* lastToken(applicant.email, "RegistrationConfirmationLink")
        yield* registrations.confirm({ token })
        assert.instanceOf(yield* Effect.flip(registrations.confirm({ token })), LinkExpiredOrUsed)
      })
    )
  )

  it.effect("an unknown confirmation token is refused as expired or used", () =>
    run(
      Effect.gen(function* () {
        const refused = yield* Effect.flip(Registrations.use((r) => r.confirm({ token: "erfunden" })))
        assert.instanceOf(refused, LinkExpiredOrUsed)
        const empty = yield* Effect.flip(Registrations.use((r) => r.confirm({ token: "" })))
        assert.deepStrictEqual(paths(empty as InvalidInput), ["token"])
      })
    )
  )

  it.effect("requesting a new confirmation link kills the old one and extends the deadline", () =>
    run(
      Effect.gen(function* () {
        const applicant = uniqueApplicant()
        const registrations = yield* Registrations
        const { registrationId } = yield* registrations.submit(yield* validForm(applicant))
        const old = yield* lastToken(applicant.email, "RegistrationConfirmationLink")
        yield* TestClock.adjust("70 hours")
        yield* registrations.resendConfirmation({ email: applicant.email.toUpperCase() })
        const fresh = yield* lastToken(applicant.email, "RegistrationConfirmationLink")
        assert.notStrictEqual(fresh, old)
        assert.instanceOf(yield* Effect.flip(registrations.confirm({ token: old })), LinkExpiredOrUsed)
        const stored = yield* RegistrationStore.use((s) => s.get(registrationId))
        assert.deepStrictEqual(stored?.confirmationDeadline, DateTime.makeUnsafe((70 + 72) * 3600 * 1000))
        // Past the first deadline, the new link still works.
        yield* TestClock.adjust("3 hours")
        yield* registrations.confirm({ token: fresh })
        assert.strictEqual(
          (yield* RegistrationStore.use((s) => s.get(registrationId)))?.status,
          "awaitingOperatorReview"
        )
      })
    )
  )

  it.effect("resending answers the same whatever the email", () =>
    run(
      Effect.gen(function* () {
        const registrations = yield* Registrations
        const { applicant } = yield* confirmedRegistration()
        const before = yield* outbox
        const answers = [
          yield* registrations.resendConfirmation({ email: "niemand@nirgendwo.example" }),
          // Confirmed already: nothing to resend, and the same answer.
          yield* registrations.resendConfirmation({ email: applicant.email })
        ]
        assert.deepStrictEqual(answers, [undefined, undefined])
        assert.deepStrictEqual(yield* outbox, before)
      })
    )
  )

  it.effect("confirmation mails to one address are limited to five an hour, whether it has a registration or not", () =>
    run(
      Effect.gen(function* () {
        const applicant = uniqueApplicant()
        const registrations = yield* Registrations
        yield* submit(yield* validForm(applicant))
        for (let i = 0; i < 4; i++) yield* registrations.resendConfirmation({ email: applicant.email })
        assert.instanceOf(yield* Effect.flip(registrations.resendConfirmation({ email: applicant.email })), RateLimited)
        const mails = (yield* notificationsTo(applicant.email)).length
        assert.strictEqual(mails, 5)
        // The same for an address without a registration: the limit tells nothing.
        for (let i = 0; i < 5; i++) yield* registrations.resendConfirmation({ email: "niemand@nirgendwo.example" })
        assert.instanceOf(
          yield* Effect.flip(registrations.resendConfirmation({ email: "niemand@nirgendwo.example" })),
          RateLimited
        )
        yield* TestClock.adjust("1 hour")
        yield* registrations.resendConfirmation({ email: applicant.email })
        assert.strictEqual((yield* notificationsTo(applicant.email)).length, mails + 1)
      })
    )
  )

  it.effect("an unconfirmed registration expires after 72 hours and its link dies", () =>
    run(
      Effect.gen(function* () {
        const applicant = uniqueApplicant()
        const registrations = yield* Registrations
        const { registrationId } = yield* registrations.submit(yield* validForm(applicant))
        const token = yield* lastToken(applicant.email, "RegistrationConfirmationLink")
        yield* TestClock.adjust("71 hours")
        assert.deepStrictEqual(yield* registrations.expireOverdue(), { expired: 0 })
        yield* TestClock.adjust("1 hour")
        assert.instanceOf(yield* Effect.flip(registrations.confirm({ token })), LinkExpiredOrUsed)
        assert.deepStrictEqual(yield* registrations.expireOverdue(), { expired: 1 })
        assert.deepStrictEqual(yield* registrations.expireOverdue(), { expired: 0 })
        const stored = yield* RegistrationStore.use((s) => s.get(registrationId))
        assert.strictEqual(stored?.status, "expired")
        // A resend after the deadline sends nothing: the registration is over.
        const mails = (yield* outbox).length
        yield* registrations.resendConfirmation({ email: applicant.email })
        assert.strictEqual((yield* outbox).length, mails)
        assert.includeMembers(
          (yield* auditEvents(portalChain)).map((e) => e.action),
          ["registration.submitted", "registration.expired"]
        )
      })
    )
  )

  it.effect("an expired registration frees its organization name and email, even before the sweep ran", () =>
    run(
      Effect.gen(function* () {
        const applicant = uniqueApplicant()
        const registrations = yield* Registrations
        const { registrationId: first } = yield* registrations.submit(yield* validForm(applicant))
        yield* TestClock.adjust("72 hours")
        const { registrationId: second } = yield* registrations.submit(yield* validForm(applicant))
        assert.strictEqual((yield* RegistrationStore.use((s) => s.get(first)))?.status, "expired")
        assert.strictEqual((yield* RegistrationStore.use((s) => s.get(second)))?.status, "awaitingEmailConfirmation")
      })
    )
  )
})

describe("registration: the operator's decision", () => {
  it.effect(
    "approval creates the organization, its Organisationsadmin role, its default address and the active main admin",
    () =>
      run(
        Effect.gen(function* () {
          const { registrationId, applicant } = yield* confirmedRegistration()
          const operator = yield* makeOperator
          const { organizationId, accountId, registration } = yield* Registrations.use((r) =>
            r.approve(operator, registrationId)
          )
          assert.strictEqual(registration.status, "approved")
          assert.deepStrictEqual(registration.allowedActions, [])

          const organization = yield* OrganizationStore.use((s) => s.get(organizationId))
          assert.strictEqual(organization?.name, applicant.name)
          assert.deepStrictEqual(organization?.capabilities, ["customer"])
          assert.strictEqual(organization?.masterDataReviewRequired, false)
          assert.strictEqual(organization?.federalState, "DE-BY")

          const roles = yield* RoleStore.use((s) => s.listByOrganization(organizationId))
          assert.deepStrictEqual(
            roles.map((r) => [r.name, r.builtIn, r.permissions]),
            [[organizationAdminRoleName, true, permissionKeys]]
          )

          const addresses = yield* AddressStore.use((s) => s.listByOrganization(organizationId))
          assert.deepStrictEqual(
            addresses.map((a) => [a.kind, a.isDefault, a.street, a.phone]),
            [["location", true, "Rathausplatz 1", "+49 831 2525-0"]]
          )

          const accounts = yield* AccountStore.use((s) => s.listByOrganization(organizationId))
          assert.strictEqual(accounts.length, 1)
          const admin = accounts[0]!
          assert.strictEqual(admin.id, accountId)
          assert.strictEqual(admin.status, "active")
          assert.isTrue(admin.isMainAdmin)
          assert.strictEqual(admin.email, applicant.email)
          const stored = yield* RegistrationStore.use((s) => s.get(registrationId))
          assert.strictEqual(admin.passwordHash, stored?.passwordHash)

          const mails = (yield* notificationsTo(applicant.email)).map((m) => m._tag)
          assert.deepStrictEqual(mails, ["RegistrationConfirmationLink", "RegistrationApproved"])

          const chain = yield* auditEvents(organizationId)
          assert.deepStrictEqual(
            chain.map((e) => e.action),
            ["organization.created", "role.created", "address.created", "account.created"]
          )
          assert.deepStrictEqual(yield* verifyChain(chain), { ok: true })
          assert.notInclude(JSON.stringify(chain), "pbkdf2")
          const portal = yield* auditEvents(portalChain)
          assert.deepStrictEqual(
            portal.map((e) => e.action),
            ["registration.submitted", "registration.emailConfirmed", "registration.approved"]
          )
          assert.deepStrictEqual(portal.at(-1)?.actor, { kind: "Operator", accountId: operator.accountId })
          assert.deepStrictEqual(yield* verifyChain(portal), { ok: true })
        })
      )
  )

  it.effect("after approval the person can log in as main admin with the registration's password", () =>
    run(
      Effect.gen(function* () {
        const { applicant, organizationId } = yield* approvedOrganization()
        const login = yield* Authentication.use((a) => a.login({ email: applicant.email, password: goodPassword }))
        assert.strictEqual(login.organization?.id, organizationId)
        assert.isTrue(login.account.isMainAdmin)
        assert.deepStrictEqual(login.permissions, permissionKeys)
      })
    )
  )

  it.effect("a decided registration cannot be decided again", () =>
    run(
      Effect.gen(function* () {
        const { registrationId, operator } = yield* approvedOrganization()
        const again = yield* Effect.flip(Registrations.use((r) => r.approve(operator, registrationId)))
        assert.instanceOf(again, IllegalRegistrationTransition)
        const reject = yield* Effect.flip(
          Registrations.use((r) => r.reject(operator, registrationId, { reason: "zu spät" }))
        )
        assert.instanceOf(reject, IllegalRegistrationTransition)
      })
    )
  )

  it.effect("a rejection needs a reason, and the applicant is told it", () =>
    run(
      Effect.gen(function* () {
        const { registrationId, applicant } = yield* confirmedRegistration()
        const operator = yield* makeOperator
        const registrations = yield* Registrations
        const missing = yield* Effect.flip(registrations.reject(operator, registrationId, { reason: "  " }))
        assert.deepStrictEqual(paths(missing as InvalidInput), ["reason"])
        const view = yield* registrations.reject(operator, registrationId, { reason: " Keine öffentliche Stelle " })
        assert.strictEqual(view.status, "rejected")
        assert.strictEqual(view.rejectionReason, "Keine öffentliche Stelle")
        const mail = (yield* notificationsTo(applicant.email)).at(-1)
        assert.deepStrictEqual(mail && mail._tag === "RegistrationRejected" && mail.reason, "Keine öffentliche Stelle")
        // Rejected: the name is free for a new attempt.
        yield* registrations.submit(yield* validForm(applicant))
      })
    )
  )

  it.effect("only the operator lists, approves or rejects registrations", () =>
    run(
      Effect.gen(function* () {
        const { registrationId } = yield* confirmedRegistration()
        const { organizationId, accountId } = yield* approvedOrganization()
        const admin: Member = {
          _tag: "Member",
          accountId,
          organizationId,
          isAdmin: true,
          isMainAdmin: true,
          permissions: new Set(permissionKeys)
        }
        const registrations = yield* Registrations
        const attempts: ReadonlyArray<Effect.Effect<unknown, unknown>> = [
          registrations.approve(admin, registrationId),
          registrations.reject(admin, registrationId, { reason: "nein" }),
          registrations.list(admin, { status: "awaitingOperatorReview" }),
          registrations.get(admin, registrationId)
        ]
        for (const attempt of attempts) assert.instanceOf(yield* Effect.flip(attempt), PermissionDenied)
        assert.strictEqual(
          (yield* RegistrationStore.use((s) => s.get(registrationId)))?.status,
          "awaitingOperatorReview"
        )
      })
    )
  )

  it.effect("the operator's list pages with an opaque cursor", () =>
    run(
      Effect.gen(function* () {
        const ids: Array<RegistrationId> = []
        for (let i = 0; i < 5; i++) {
          ids.push((yield* confirmedRegistration()).registrationId)
          yield* TestClock.adjust("1 minute")
        }
        const operator = yield* makeOperator
        const registrations = yield* Registrations
        const seen: Array<string> = []
        let cursor: string | undefined
        for (;;) {
          const page = yield* registrations.list(operator, {
            status: "awaitingOperatorReview",
            limit: 2,
            ...(cursor ? { cursor } : {})
          })
          seen.push(...page.items.map((r) => r.id))
          if (page.nextCursor === null) break
          cursor = page.nextCursor
        }
        assert.deepStrictEqual(seen, ids)
        const bad = yield* Effect.flip(
          registrations.list(operator, { status: "awaitingOperatorReview", cursor: "%%%" })
        )
        assert.deepStrictEqual(paths(bad as InvalidInput), ["cursor"])
      })
    )
  )

  it.effect("an approval that cannot complete writes nothing", () =>
    run(
      Effect.gen(function* () {
        const { registrationId, applicant } = yield* confirmedRegistration()
        const operator = yield* makeOperator
        // Meanwhile an organization of that name came into being (e.g. through the migration import).
        const { organizationId: otherId } = yield* approvedOrganization()
        const other = (yield* OrganizationStore.use((s) => s.get(otherId)))!
        yield* OrganizationStore.use((s) => s.update({ ...other, name: applicant.name } as typeof other))
        const mailsBefore = (yield* outbox).length
        const auditBefore = (yield* auditEvents(portalChain)).length
        const refused = yield* Effect.flip(Registrations.use((r) => r.approve(operator, registrationId)))
        assert.instanceOf(refused, OrganizationAlreadyRegistered)
        assert.strictEqual(
          (yield* RegistrationStore.use((s) => s.get(registrationId)))?.status,
          "awaitingOperatorReview"
        )
        assert.strictEqual(yield* AccountStore.use((s) => s.findByEmail(applicant.email as never)), undefined)
        assert.strictEqual((yield* outbox).length, mailsBefore)
        assert.strictEqual((yield* auditEvents(portalChain)).length, auditBefore)
      })
    )
  )
})
