import { assert, describe, it } from "@effect/vitest"
import { DateTime, Duration, Effect, Fiber, Layer } from "effect"
import { TestClock } from "effect/testing"
import {
  AccountDeactivated,
  Authentication,
  defaultAuthenticationPolicy,
  InvalidCredentials,
  PasswordResetRequired,
  RegistrationNotApproved
} from "../../src/identity/Authentication.ts"
import { LinkExpiredOrUsed } from "../../src/identity/LinkToken.ts"
import { PasswordHasher } from "../../src/identity/PasswordHasher.ts"
import { SessionStore } from "../../src/identity/Session.ts"
import type { Member } from "../../src/kernel/Actor.ts"
import { type InvalidInput, PermissionDenied, Unauthenticated } from "../../src/kernel/Errors.ts"
import type { AccountId, RoleId, SessionId } from "../../src/kernel/Ids.ts"
import { RateLimited } from "../../src/kernel/RateLimiter.ts"
import { newId } from "../../src/kernel/SecureRandom.ts"
import { Account } from "../../src/members/Account.ts"
import { AccountStore } from "../../src/members/AccountStore.ts"
import { AccountNotFound, IllegalAccountTransition } from "../../src/members/Membership.ts"
import { Registrations } from "../../src/registration/Registrations.ts"
import {
  approvedOrganization,
  auditEvents,
  goodPassword,
  lastToken,
  makeOperator,
  notificationsTo,
  outbox,
  ports,
  publishTerms,
  testIterations,
  uniqueApplicant,
  validForm,
  world
} from "../registration/world.ts"

type World = Layer.Success<ReturnType<typeof world>>

const run = <A, E>(effect: Effect.Effect<A, E, World>, layer: Layer.Layer<World> = world()) =>
  Effect.gen(function* () {
    yield* publishTerms
    return yield* effect
  }).pipe(Effect.provide(layer))

const login = (email: string, password: string) => Authentication.use((a) => a.login({ email, password }))
const newPassword = "ein neues, ebenso langes Passwort ✓"
const paths = (e: InvalidInput) => e.issues.map((i) => i.path).sort()

/** Changes an account in the store directly, as another use case (members, migration) would. */
const patchAccount = (id: AccountId, patch: Partial<Account>) =>
  Effect.gen(function* () {
    const accounts = yield* AccountStore
    const account = (yield* accounts.get(id))!
    yield* accounts.update(new Account({ ...account, ...patch }))
  }).pipe(Effect.orDie)

/** An employee without roles in the organization. */
const addEmployee = (organizationId: Account["organizationId"], status: Account["status"] = "active") =>
  Effect.gen(function* () {
    const id = yield* newId<AccountId>("acc")
    const now = yield* DateTime.now
    const hash = yield* PasswordHasher.use((h) => h.hash(goodPassword))
    yield* AccountStore.use((s) =>
      s.insert(
        new Account({
          id,
          kind: "member",
          organizationId,
          email: `${id}@musterhausen.example` as Account["email"],
          firstName: "Max",
          lastName: "Mitarbeiter",
          status,
          isMainAdmin: false,
          roleIds: [],
          passwordHash: hash,
          passwordResetRequired: false,
          createdAt: now,
          updatedAt: now
        })
      )
    ).pipe(Effect.orDie)
    return id
  })

/** An approved organization with an active employee, signed in: what most session tests start from. */
const signedInEmployee = Effect.fnUntraced(function* () {
  const organization = yield* approvedOrganization()
  const employee = yield* addEmployee(organization.organizationId)
  const email = (yield* AccountStore.use((s) => s.get(employee)))!.email
  const { session } = yield* login(email, goodPassword)
  return { ...organization, employee, session }
})

/** Counts hash verifications, to see that a path pays for one. */
const countingHasher = (counter: { verifications: number }) =>
  Layer.effect(PasswordHasher)(
    Effect.gen(function* () {
      const inner = yield* PasswordHasher
      return PasswordHasher.of({
        ...inner,
        verify: (phc, password) =>
          Effect.suspend(() => {
            counter.verifications += 1
            return inner.verify(phc, password)
          })
      })
    })
  )

describe("login", () => {
  it.effect("login answers the account, its organization, its permissions and a session", () =>
    run(
      Effect.gen(function* () {
        const { applicant, organizationId, accountId } = yield* approvedOrganization()
        const answer = yield* login(applicant.email, goodPassword)
        assert.strictEqual(answer.account.id, accountId)
        assert.notProperty(answer.account, "passwordHash")
        assert.strictEqual(answer.organization?.id, organizationId)
        assert.include(answer.permissions, "members.invite")
        assert.match(answer.session.token, /^ses_[a-z2-7]+\.[A-Za-z0-9_-]{43}$/u)
        assert.deepStrictEqual(answer.session.expiresAt, DateTime.makeUnsafe(12 * 3600 * 1000))
        const me = yield* Authentication.use((a) => a.authenticate(answer.session.token))
        assert.deepStrictEqual(me.actor._tag === "Member" && me.actor.organizationId, organizationId)
      })
    )
  )

  it.effect("emails compare case-insensitively after normalization at login", () =>
    run(
      Effect.gen(function* () {
        const { applicant } = yield* approvedOrganization()
        yield* login(`  ${applicant.email.toUpperCase()} `, goodPassword)
      })
    )
  )

  it.effect("an unknown email and a wrong password get the same answer: InvalidCredentials", () =>
    run(
      Effect.gen(function* () {
        const { applicant } = yield* approvedOrganization()
        assert.instanceOf(yield* Effect.flip(login(applicant.email, `${goodPassword}!`)), InvalidCredentials)
        assert.instanceOf(yield* Effect.flip(login("niemand@nirgendwo.example", goodPassword)), InvalidCredentials)
      })
    )
  )

  it.effect("an unknown email still costs one hash verification, so timing does not reveal accounts", () => {
    const counter = { verifications: 0 }
    const counted = Layer.mergeAll(Registrations.layer, Authentication.layer).pipe(
      Layer.provideMerge(countingHasher(counter)),
      Layer.provideMerge(ports())
    )
    return run(
      Effect.gen(function* () {
        assert.instanceOf(yield* Effect.flip(login("niemand@nirgendwo.example", goodPassword)), InvalidCredentials)
        assert.strictEqual(counter.verifications, 1)
        const { applicant } = yield* approvedOrganization()
        counter.verifications = 0
        assert.instanceOf(yield* Effect.flip(login(applicant.email, "falsch")), InvalidCredentials)
        assert.strictEqual(counter.verifications, 1)
        // An account without a password (invited, migrated) costs the same.
        const { organizationId } = yield* approvedOrganization()
        const invited = yield* addEmployee(organizationId)
        yield* patchAccount(invited, { passwordHash: null, status: "invited" })
        counter.verifications = 0
        const invitedEmail = (yield* AccountStore.use((s) => s.get(invited)))!.email
        assert.instanceOf(yield* Effect.flip(login(invitedEmail, goodPassword)), InvalidCredentials)
        assert.strictEqual(counter.verifications, 1)
      }),
      counted
    )
  })

  it.effect("before approval, login is refused with RegistrationNotApproved, but only after the right password", () =>
    run(
      Effect.gen(function* () {
        const applicant = uniqueApplicant()
        const registrations = yield* Registrations
        yield* registrations.submit(yield* validForm(applicant))
        const waiting = yield* Effect.flip(login(applicant.email, goodPassword))
        assert.instanceOf(waiting, RegistrationNotApproved)
        assert.strictEqual((waiting as RegistrationNotApproved).status, "awaitingEmailConfirmation")
        assert.instanceOf(yield* Effect.flip(login(applicant.email, "falsch")), InvalidCredentials)

        yield* registrations.confirm({ token: yield* lastToken(applicant.email, "RegistrationConfirmationLink") })
        const review = yield* Effect.flip(login(applicant.email, goodPassword))
        assert.strictEqual((review as RegistrationNotApproved).status, "awaitingOperatorReview")
      })
    )
  )

  it.effect("a rejected applicant has no account: InvalidCredentials", () =>
    run(
      Effect.gen(function* () {
        const applicant = uniqueApplicant()
        const registrations = yield* Registrations
        const { registrationId } = yield* registrations.submit(yield* validForm(applicant))
        yield* registrations.confirm({ token: yield* lastToken(applicant.email, "RegistrationConfirmationLink") })
        yield* registrations.reject(yield* makeOperator, registrationId, { reason: "Keine öffentliche Stelle" })
        assert.instanceOf(yield* Effect.flip(login(applicant.email, goodPassword)), InvalidCredentials)
      })
    )
  )

  it.effect("a migrated account must reset its password first, told only after the right password", () =>
    run(
      Effect.gen(function* () {
        const { applicant, accountId } = yield* approvedOrganization()
        yield* patchAccount(accountId, { passwordResetRequired: true })
        assert.instanceOf(yield* Effect.flip(login(applicant.email, goodPassword)), PasswordResetRequired)
        assert.instanceOf(yield* Effect.flip(login(applicant.email, "falsch")), InvalidCredentials)
        // Without any usable password the answer cannot depend on the flag.
        yield* patchAccount(accountId, { passwordHash: null })
        assert.instanceOf(yield* Effect.flip(login(applicant.email, goodPassword)), InvalidCredentials)
      })
    )
  )

  it.effect("a deactivated account cannot log in, told only after the right password", () =>
    run(
      Effect.gen(function* () {
        const { organizationId } = yield* approvedOrganization()
        const employee = yield* addEmployee(organizationId, "deactivated")
        const email = (yield* AccountStore.use((s) => s.get(employee)))!.email
        assert.instanceOf(yield* Effect.flip(login(email, goodPassword)), AccountDeactivated)
        assert.instanceOf(yield* Effect.flip(login(email, "falsch")), InvalidCredentials)
      })
    )
  )

  it.effect("an account of an organization that does not exist (not approved) cannot log in", () =>
    run(
      Effect.gen(function* () {
        const { organizationId } = yield* approvedOrganization()
        const employee = yield* addEmployee(organizationId)
        yield* patchAccount(employee, { organizationId: "org_gibtesnicht" as Account["organizationId"] })
        const email = (yield* AccountStore.use((s) => s.get(employee)))!.email
        assert.instanceOf(yield* Effect.flip(login(email, goodPassword)), InvalidCredentials)
      })
    )
  )

  it.effect("login moves a password hashed with weaker parameters to the current ones", () =>
    run(
      Effect.gen(function* () {
        const { applicant, accountId } = yield* approvedOrganization()
        const weak = yield* Effect.provide(
          PasswordHasher.use((h) => h.hash(goodPassword)),
          PasswordHasher.layerWebCrypto({ iterations: 10 })
        )
        yield* patchAccount(accountId, { passwordHash: weak })
        yield* login(applicant.email, goodPassword)
        const stored = (yield* AccountStore.use((s) => s.get(accountId)))!.passwordHash!
        assert.match(stored, new RegExp(`^\\$pbkdf2-sha256\\$i=${testIterations}\\$`, "u"))
        yield* login(applicant.email, goodPassword)
      })
    )
  )

  it.effect("bad login input names the offending fields", () =>
    run(
      Effect.gen(function* () {
        const bad = yield* Effect.flip(Authentication.use((a) => a.login({ email: "kein-at", password: "" })))
        assert.deepStrictEqual(paths(bad as InvalidInput), ["email", "password"])
      })
    )
  )
})

describe("sessions", () => {
  it.effect("sessions are stored only as hashes", () =>
    run(
      Effect.gen(function* () {
        const { applicant } = yield* approvedOrganization()
        const { session } = yield* login(applicant.email, goodPassword)
        const [id, secret] = session.token.split(".") as [SessionId, string]
        const stored = yield* SessionStore.use((s) => s.get(id))
        assert.isDefined(stored)
        assert.notInclude(JSON.stringify(stored), secret)
        // The id alone, or the id with the stored hash, is no session.
        const auth = yield* Authentication
        assert.instanceOf(yield* Effect.flip(auth.authenticate(id)), Unauthenticated)
        assert.instanceOf(yield* Effect.flip(auth.authenticate(`${id}.${stored?.secretHash}`)), Unauthenticated)
        assert.instanceOf(yield* Effect.flip(auth.authenticate("")), Unauthenticated)
      })
    )
  )

  it.effect("a session dies after two hours without use, and use keeps it alive", () =>
    run(
      Effect.gen(function* () {
        const { applicant } = yield* approvedOrganization()
        const { session } = yield* login(applicant.email, goodPassword)
        const auth = yield* Authentication
        yield* TestClock.adjust("119 minutes")
        yield* auth.authenticate(session.token)
        const [id] = session.token.split(".") as [SessionId]
        assert.deepStrictEqual(
          (yield* SessionStore.use((s) => s.get(id)))?.lastSeenAt,
          DateTime.makeUnsafe(119 * 60 * 1000)
        )
        yield* TestClock.adjust("119 minutes")
        yield* auth.authenticate(session.token)
        yield* TestClock.adjust("120 minutes")
        assert.instanceOf(yield* Effect.flip(auth.authenticate(session.token)), Unauthenticated)
      })
    )
  )

  it.effect("a session dies twelve hours after login, however busy", () =>
    run(
      Effect.gen(function* () {
        const { applicant } = yield* approvedOrganization()
        const { session } = yield* login(applicant.email, goodPassword)
        const auth = yield* Authentication
        for (let hour = 1; hour < 12; hour++) {
          yield* TestClock.adjust("1 hour")
          yield* auth.authenticate(session.token)
        }
        yield* TestClock.adjust("1 hour")
        assert.instanceOf(yield* Effect.flip(auth.authenticate(session.token)), Unauthenticated)
      })
    )
  )

  it.effect("last use is written at most once a minute", () =>
    run(
      Effect.gen(function* () {
        const { applicant } = yield* approvedOrganization()
        const { session } = yield* login(applicant.email, goodPassword)
        const [id] = session.token.split(".") as [SessionId]
        yield* TestClock.adjust("30 seconds")
        yield* Authentication.use((a) => a.authenticate(session.token))
        assert.deepStrictEqual((yield* SessionStore.use((s) => s.get(id)))?.lastSeenAt, DateTime.makeUnsafe(0))
        yield* TestClock.adjust("30 seconds")
        yield* Authentication.use((a) => a.authenticate(session.token))
        assert.deepStrictEqual((yield* SessionStore.use((s) => s.get(id)))?.lastSeenAt, DateTime.makeUnsafe(60_000))
      })
    )
  )

  it.effect("logout ends the session; logging out twice or with nonsense is harmless", () =>
    run(
      Effect.gen(function* () {
        const { applicant } = yield* approvedOrganization()
        const auth = yield* Authentication
        const first = yield* login(applicant.email, goodPassword)
        const second = yield* login(applicant.email, goodPassword)
        yield* auth.logout(first.session.token)
        yield* auth.logout(first.session.token)
        yield* auth.logout("ses_unbekannt.geheim")
        assert.instanceOf(yield* Effect.flip(auth.authenticate(first.session.token)), Unauthenticated)
        yield* auth.authenticate(second.session.token)
      })
    )
  )

  it.effect("deactivation ends the account's sessions at once", () =>
    run(
      Effect.gen(function* () {
        const { employee, session } = yield* signedInEmployee()
        yield* patchAccount(employee, { status: "deactivated" })
        assert.instanceOf(yield* Effect.flip(Authentication.use((a) => a.authenticate(session.token))), Unauthenticated)
        yield* patchAccount(employee, { status: "deleted" })
        assert.instanceOf(yield* Effect.flip(Authentication.use((a) => a.authenticate(session.token))), Unauthenticated)
      })
    )
  )

  it.effect("a role given or taken away counts at the very next request", () =>
    run(
      Effect.gen(function* () {
        const { accountId: adminId, employee, session } = yield* signedInEmployee()
        const permissionsNow = Authentication.use((a) => a.authenticate(session.token)).pipe(
          Effect.map((h) => (h.actor._tag === "Member" ? [...h.actor.permissions].sort() : []))
        )
        assert.deepStrictEqual(yield* permissionsNow, [])
        const adminRole = (yield* AccountStore.use((s) => s.get(adminId)))!.roleIds[0] as RoleId
        yield* patchAccount(employee, { roleIds: [adminRole] })
        assert.isTrue((yield* permissionsNow).includes("members.manage"))
        assert.isTrue((yield* Authentication.use((a) => a.me(session.token))).permissions.includes("members.manage"))
        yield* patchAccount(employee, { roleIds: [] })
        assert.deepStrictEqual(yield* permissionsNow, [])
        assert.deepStrictEqual((yield* Authentication.use((a) => a.me(session.token))).permissions, [])
      })
    )
  )

  it.effect("authenticating hands the request the member it read: the same actor, its account and roles", () =>
    run(
      Effect.gen(function* () {
        const { organizationId, employee, session } = yield* signedInEmployee()
        const holder = yield* Authentication.use((a) => a.authenticate(session.token))
        assert.strictEqual(holder.viewer?.actor, holder.actor)
        assert.strictEqual(holder.viewer?.account.id, employee)
        assert.isTrue((holder.viewer?.roles.length ?? 0) > 0)
        assert.isTrue(holder.viewer?.roles.every((r) => r.organizationId === organizationId))
      })
    )
  )

  it.effect("a token with the right session id but a wrong secret is refused", () =>
    run(
      Effect.gen(function* () {
        const { session } = yield* signedInEmployee()
        const [id, secret] = session.token.split(".") as [string, string]
        const forged = `${id}.${secret.slice(0, -1)}${secret.endsWith("A") ? "B" : "A"}`
        assert.instanceOf(yield* Effect.flip(Authentication.use((a) => a.authenticate(forged))), Unauthenticated)
        assert.instanceOf(yield* Effect.flip(Authentication.use((a) => a.me(forged))), Unauthenticated)
        assert.instanceOf(yield* Effect.flip(Authentication.use((a) => a.me(`${id}.`))), Unauthenticated)
        yield* Authentication.use((a) => a.me(session.token))
      })
    )
  )

  it.effect("a signed-in account sees itself, its organization and its permissions", () =>
    run(
      Effect.gen(function* () {
        const { organizationId, employee, session } = yield* signedInEmployee()
        const me = yield* Authentication.use((a) => a.me(session.token))
        assert.strictEqual(me.account.id, employee)
        assert.strictEqual(me.organization?.id, organizationId)
        // An employee holds only what roles give; none here.
        assert.deepStrictEqual(me.permissions, [])
      })
    )
  )
})

describe("password reset („Passwort vergessen“)", () => {
  it.effect("the reset sets the new password, clears the migration flag, ends every session and sends a notice", () =>
    run(
      Effect.gen(function* () {
        const { applicant, accountId, organizationId } = yield* approvedOrganization()
        const auth = yield* Authentication
        const { session } = yield* login(applicant.email, goodPassword)
        yield* patchAccount(accountId, { passwordResetRequired: true })

        yield* auth.requestPasswordReset({ email: applicant.email })
        const token = yield* lastToken(applicant.email, "PasswordResetLink")
        const answer = yield* auth.confirmPasswordReset({ token, password: newPassword })
        // No automatic login: nothing to sign in with comes back.
        assert.strictEqual(answer, undefined)

        const account = (yield* AccountStore.use((s) => s.get(accountId)))!
        assert.isFalse(account.passwordResetRequired)
        assert.instanceOf(yield* Effect.flip(auth.authenticate(session.token)), Unauthenticated)
        assert.deepStrictEqual(yield* SessionStore.use((s) => s.listLiveForAccount(accountId)), [])
        assert.instanceOf(yield* Effect.flip(login(applicant.email, goodPassword)), InvalidCredentials)
        yield* login(applicant.email, newPassword)
        assert.deepStrictEqual((yield* notificationsTo(applicant.email)).map((n) => n._tag).slice(-2), [
          "PasswordResetLink",
          "PasswordChanged"
        ])
        assert.includeMembers(
          (yield* auditEvents(organizationId)).map((e) => e.action),
          ["account.passwordResetStarted", "account.passwordChanged"]
        )
      })
    )
  )

  it.effect("the reset request answers the same whatever the email", () =>
    run(
      Effect.gen(function* () {
        const { applicant, organizationId } = yield* approvedOrganization()
        const employee = yield* addEmployee(organizationId, "deactivated")
        const deactivated = (yield* AccountStore.use((s) => s.get(employee)))!.email
        const auth = yield* Authentication
        const before = (yield* outbox).length
        const answers = [
          yield* auth.requestPasswordReset({ email: "niemand@nirgendwo.example" }),
          yield* auth.requestPasswordReset({ email: deactivated }),
          yield* auth.requestPasswordReset({ email: applicant.email })
        ]
        assert.deepStrictEqual(answers, [undefined, undefined, undefined])
        // Only the active account got a mail.
        const mails = (yield* outbox).slice(before)
        assert.deepStrictEqual(
          mails.map((m) => [m._tag, m.recipient]),
          [["PasswordResetLink", applicant.email]]
        )
      })
    )
  )

  it.effect("the reset request answers in the same time whatever the email", () =>
    run(
      Effect.gen(function* () {
        const { applicant } = yield* approvedOrganization()
        const auth = yield* Authentication
        const floor = defaultAuthenticationPolicy.passwordResetResponseTime
        for (const email of ["niemand@nirgendwo.example", applicant.email]) {
          const fiber = yield* Effect.forkChild(auth.requestPasswordReset({ email }))
          yield* TestClock.adjust(Duration.subtract(floor, Duration.millis(1)))
          assert.isUndefined(fiber.pollUnsafe(), email)
          yield* TestClock.adjust(Duration.millis(1))
          yield* Fiber.join(fiber)
        }
      }),
      world({ authenticationPolicy: defaultAuthenticationPolicy })
    )
  )

  it.effect("reset requests are limited to five an hour per address, known or not", () =>
    run(
      Effect.gen(function* () {
        const { applicant } = yield* approvedOrganization()
        const auth = yield* Authentication
        for (const email of [applicant.email, "niemand@nirgendwo.example"]) {
          for (let i = 0; i < 5; i++) yield* auth.requestPasswordReset({ email })
          assert.instanceOf(yield* Effect.flip(auth.requestPasswordReset({ email })), RateLimited)
        }
        assert.strictEqual(
          (yield* notificationsTo(applicant.email)).filter((n) => n._tag === "PasswordResetLink").length,
          5
        )
        yield* TestClock.adjust("1 hour")
        yield* auth.requestPasswordReset({ email: applicant.email })
      })
    )
  )

  it.effect("a reset link dies after one hour", () =>
    run(
      Effect.gen(function* () {
        const { applicant } = yield* approvedOrganization()
        const auth = yield* Authentication
        yield* auth.requestPasswordReset({ email: applicant.email })
        const token = yield* lastToken(applicant.email, "PasswordResetLink")
        yield* TestClock.adjust("1 hour")
        assert.instanceOf(
          yield* Effect.flip(auth.confirmPasswordReset({ token, password: newPassword })),
          LinkExpiredOrUsed
        )
      })
    )
  )

  it.effect("a new reset request kills the older link", () =>
    run(
      Effect.gen(function* () {
        const { applicant } = yield* approvedOrganization()
        const auth = yield* Authentication
        yield* auth.requestPasswordReset({ email: applicant.email })
        const older = yield* lastToken(applicant.email, "PasswordResetLink")
        yield* auth.requestPasswordReset({ email: applicant.email })
        const newer = yield* lastToken(applicant.email, "PasswordResetLink")
        assert.instanceOf(
          yield* Effect.flip(auth.confirmPasswordReset({ token: older, password: newPassword })),
          LinkExpiredOrUsed
        )
        yield* auth.confirmPasswordReset({ token: newer, password: newPassword })
      })
    )
  )

  it.effect("a reset link is single-use", () =>
    run(
      Effect.gen(function* () {
        const { applicant } = yield* approvedOrganization()
        const auth = yield* Authentication
        yield* auth.requestPasswordReset({ email: applicant.email })
        const token = yield* lastToken(applicant.email, "PasswordResetLink")
        yield* auth.confirmPasswordReset({ token, password: newPassword })
        assert.instanceOf(
          yield* Effect.flip(auth.confirmPasswordReset({ token, password: `${newPassword} 2` })),
          LinkExpiredOrUsed
        )
      })
    )
  )

  it.effect("the new password must satisfy the policy; a refused one leaves the link usable", () =>
    run(
      Effect.gen(function* () {
        const { applicant } = yield* approvedOrganization()
        const auth = yield* Authentication
        yield* auth.requestPasswordReset({ email: applicant.email })
        const token = yield* lastToken(applicant.email, "PasswordResetLink")
        const mails = (yield* outbox).length
        const short = yield* Effect.flip(auth.confirmPasswordReset({ token, password: "zu kurz" }))
        assert.deepStrictEqual(paths(short as InvalidInput), ["password"])
        const both = yield* Effect.flip(auth.confirmPasswordReset({ token: "", password: "zu kurz" }))
        assert.deepStrictEqual(paths(both as InvalidInput), ["password", "token"])
        assert.strictEqual((yield* outbox).length, mails)
        yield* auth.confirmPasswordReset({ token, password: newPassword })
      })
    )
  )
})

describe("a reset started by someone else", () => {
  it.effect("the operator and admins of the organization may start a reset but never set a password", () =>
    run(
      Effect.gen(function* () {
        const { organizationId, accountId: adminId, operator } = yield* approvedOrganization()
        const employee = yield* addEmployee(organizationId)
        const before = (yield* AccountStore.use((s) => s.get(employee)))!
        const admin: Member = {
          _tag: "Member",
          accountId: adminId,
          organizationId,
          isAdmin: true,
          isMainAdmin: true,
          permissions: new Set()
        }
        const auth = yield* Authentication
        yield* auth.startPasswordReset(admin, employee)
        yield* auth.startPasswordReset(operator, employee)
        const after = (yield* AccountStore.use((s) => s.get(employee)))!
        assert.strictEqual(after.passwordHash, before.passwordHash)
        const mails = (yield* notificationsTo(before.email)).map((n) => n._tag)
        assert.deepStrictEqual(mails, ["PasswordResetLink", "PasswordResetLink"])
        const audit = (yield* auditEvents(organizationId)).filter((e) => e.action === "account.passwordResetStarted")
        assert.deepStrictEqual(
          audit.map((e) => e.actor.kind),
          ["Member", "Operator"]
        )
        // The person still signs in with the old password until they choose a new one.
        yield* login(before.email, goodPassword)
      })
    )
  )

  it.effect("an employee without admin rights may not start a reset", () =>
    run(
      Effect.gen(function* () {
        const { organizationId, accountId: adminId } = yield* approvedOrganization()
        const employee = yield* addEmployee(organizationId)
        const actor: Member = {
          _tag: "Member",
          accountId: employee,
          organizationId,
          isAdmin: false,
          isMainAdmin: false,
          permissions: new Set(["members.manage"])
        }
        assert.instanceOf(
          yield* Effect.flip(Authentication.use((a) => a.startPasswordReset(actor, adminId))),
          PermissionDenied
        )
      })
    )
  )

  it.effect("an admin of another organization finds no such account", () =>
    run(
      Effect.gen(function* () {
        const { accountId: victim } = yield* approvedOrganization()
        const other = yield* approvedOrganization()
        const admin: Member = {
          _tag: "Member",
          accountId: other.accountId,
          organizationId: other.organizationId,
          isAdmin: true,
          isMainAdmin: true,
          permissions: new Set()
        }
        assert.instanceOf(
          yield* Effect.flip(Authentication.use((a) => a.startPasswordReset(admin, victim))),
          AccountNotFound
        )
        assert.instanceOf(
          yield* Effect.flip(Authentication.use((a) => a.startPasswordReset(admin, "acc_gibtesnicht"))),
          AccountNotFound
        )
      })
    )
  )

  it.effect("a reset is started only for an active account", () =>
    run(
      Effect.gen(function* () {
        const { organizationId, operator } = yield* approvedOrganization()
        const deactivated = yield* addEmployee(organizationId, "deactivated")
        assert.instanceOf(
          yield* Effect.flip(Authentication.use((a) => a.startPasswordReset(operator, deactivated))),
          IllegalAccountTransition
        )
      })
    )
  )

  it.effect("a roleless admin claim is checked against the stores, not trusted", () =>
    run(
      Effect.gen(function* () {
        const { organizationId, accountId: adminId } = yield* approvedOrganization()
        const employee = yield* addEmployee(organizationId)
        // The actor claims admin rights it does not have in the store.
        const forged: Member = {
          _tag: "Member",
          accountId: employee,
          organizationId,
          isAdmin: true,
          isMainAdmin: true,
          permissions: new Set()
        }
        assert.instanceOf(
          yield* Effect.flip(Authentication.use((a) => a.startPasswordReset(forged, adminId))),
          PermissionDenied
        )
        // Given the built-in admin role, the same employee may.
        const roleId = (yield* AccountStore.use((s) => s.get(adminId)))!.roleIds[0] as RoleId
        yield* patchAccount(employee, { roleIds: [roleId] })
        yield* Authentication.use((a) => a.startPasswordReset(forged, adminId))
      })
    )
  )
})
