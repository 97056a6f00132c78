import { assert, describe, it } from "@effect/vitest"
import { DateTime, Duration, Effect, Exit, Layer } from "effect"
import { TestClock } from "effect/testing"
import { LinkExpiredOrUsed } from "../../src/identity/LinkToken.ts"
import { PasswordHasher } from "../../src/identity/PasswordHasher.ts"
import { issueSession, SessionStore } from "../../src/identity/Session.ts"
import { verifyChain } from "../../src/kernel/Audit.ts"
import { InvalidInput, PermissionDenied, Unauthenticated } from "../../src/kernel/Errors.ts"
import type { Notification } from "../../src/kernel/Notification.ts"
import { permissionKeys } from "../../src/kernel/Permission.ts"
import { RateLimited } from "../../src/kernel/RateLimiter.ts"
import { UnitOfWork } from "../../src/kernel/UnitOfWork.ts"
import { Account } from "../../src/members/Account.ts"
import { AccountStore } from "../../src/members/AccountStore.ts"
import { defaultInvitationPolicy, InvitationPolicyRef, Members } from "../../src/members/Members.ts"
import {
  AccountNotFound,
  IllegalAccountTransition,
  IneligibleMainAdmin,
  MainAdminProtected,
  PermissionEscalation,
  RoleNotFound
} from "../../src/members/Membership.ts"
import { loadMember, RequestViewer } from "../../src/members/Viewer.ts"
import { OrganizationNotFound } from "../../src/organization/Profile.ts"
import {
  actorFor,
  auditOf,
  everything,
  makeAccount,
  makeOperator,
  makeRole,
  makeWorld,
  outbox,
  reload,
  TestLayer
} from "./fixtures.ts"

const password = "korrekt Pferd Batterie Heftklammer 2025"

type InvitationMail = Extract<Notification, { _tag: "Invitation" }>
const invitationsTo = (recipient: string) =>
  outbox.pipe(
    Effect.map((ns) => ns.filter((n): n is InvitationMail => n._tag === "Invitation" && n.recipient === recipient))
  )
const lastInvitationTo = (recipient: string) => invitationsTo(recipient).pipe(Effect.map((ms) => ms.at(-1)!))

/** A world with a main admin, an organization admin, and an employee holding `members.invite` and `members.manage`. */
const team = Effect.gen(function* () {
  const world = yield* makeWorld()
  const admin = yield* makeAccount(world.organization, { roleIds: [world.adminRole.id], firstName: "Olga" })
  const managerRole = yield* makeRole(world.organization, [
    "members.invite",
    "members.manage",
    "orders.viewOrganization"
  ])
  const manager = yield* makeAccount(world.organization, { roleIds: [managerRole.id], firstName: "Max" })
  const employee = yield* makeAccount(world.organization, { firstName: "Emil" })
  return { ...world, admin, managerRole, manager, employee }
})

describe("invitation („Konto hinzufügen“)", () => {
  it.effect("an invitation creates an invited account and sends a link bound to the email", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      const view = yield* members.invite(yield* actorFor(w.admin), {
        email: "  Neue.Kollegin@Musterhausen.TEST ",
        firstName: "Nina",
        lastName: "Neumann"
      })
      assert.strictEqual(view.status, "invited")
      assert.strictEqual(view.email, "neue.kollegin@musterhausen.test")
      assert.isFalse(view.canOrder)
      const mail = yield* lastInvitationTo("neue.kollegin@musterhausen.test")
      assert.strictEqual(mail.resent, false)
      assert.strictEqual(mail.organizationName, w.organization.name)
      assert.strictEqual(mail.invitedBy, "Olga Mustermann")
      assert.strictEqual(mail.recipientName, "Nina Neumann")
      const events = yield* auditOf(w.organization.id)
      const invited = events.at(-1)!
      assert.strictEqual(invited.action, "account.invited")
      assert.strictEqual(invited.before, null)
      assert.strictEqual((invited.after as { status: string }).status, "invited")
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("an invitation link lives 7 days by default", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      yield* members.invite(yield* actorFor(w.admin), { email: "a@musterhausen.test", firstName: "A", lastName: "B" })
      const mail = yield* lastInvitationTo("a@musterhausen.test")
      const now = yield* DateTime.now
      assert.strictEqual(Duration.toMillis(DateTime.distance(now, mail.expiresAt)), Duration.toMillis(Duration.days(7)))
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("the invitation lifetime is configurable", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      yield* members.invite(yield* actorFor(w.admin), { email: "a@musterhausen.test", firstName: "A", lastName: "B" })
      const mail = yield* lastInvitationTo("a@musterhausen.test")
      assert.strictEqual(
        Duration.toMillis(DateTime.distance(yield* DateTime.now, mail.expiresAt)),
        Duration.toMillis(Duration.hours(36))
      )
    }).pipe(
      Effect.provide(TestLayer),
      Effect.provide(Layer.succeed(InvitationPolicyRef, { ...defaultInvitationPolicy, lifetime: Duration.hours(36) }))
    )
  )

  it.effect("inviting needs members.invite", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      const before = yield* everything(w.organization.id)
      const refused = yield* Effect.flip(
        members.invite(yield* actorFor(w.employee), { email: "x@musterhausen.test", firstName: "X", lastName: "Y" })
      )
      assert.deepStrictEqual(refused, new PermissionDenied({ permission: "members.invite" }))
      assert.deepStrictEqual(yield* everything(w.organization.id), before)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("an email already registered cannot be invited, whatever its case", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      const other = yield* makeWorld()
      const before = yield* everything(w.organization.id)
      const refused = yield* Effect.flip(
        members.invite(yield* actorFor(w.admin), {
          email: other.mainAdmin.email.toUpperCase(),
          firstName: "X",
          lastName: "Y"
        })
      )
      assert.strictEqual(refused._tag, "EmailAlreadyRegistered")
      assert.deepStrictEqual(yield* everything(w.organization.id), before)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("the email of a deleted account can be invited again", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      const admin = yield* actorFor(w.admin)
      yield* members.delete(admin, w.employee.id)
      const again = yield* members.invite(admin, { email: w.employee.email, firstName: "Emil", lastName: "Neu" })
      assert.notStrictEqual(again.id, w.employee.id)
      assert.strictEqual(again.status, "invited")
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("bad input names every offending field and changes nothing", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      const before = yield* everything(w.organization.id)
      const refused = yield* Effect.flip(
        members.invite(yield* actorFor(w.admin), {
          email: "keine-adresse",
          firstName: "  ",
          lastName: 7,
          roleIds: [""]
        })
      )
      assert.instanceOf(refused, InvalidInput)
      assert.deepStrictEqual(
        (refused as InvalidInput).issues.map((i) => i.path),
        ["email", "firstName", "lastName", "roleIds.0"]
      )
      assert.deepStrictEqual(yield* everything(w.organization.id), before)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("roles given with an invitation are checked like any grant", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      const manager = yield* actorFor(w.manager)
      const before = yield* everything(w.organization.id)
      const toAdmin = yield* Effect.flip(
        members.invite(manager, {
          email: "x@musterhausen.test",
          firstName: "X",
          lastName: "Y",
          roleIds: [w.adminRole.id]
        })
      )
      assert.instanceOf(toAdmin, PermissionEscalation)
      const catalog = yield* makeRole(w.organization, ["catalog.manage"])
      const lacking = yield* Effect.flip(
        members.invite(manager, { email: "x@musterhausen.test", firstName: "X", lastName: "Y", roleIds: [catalog.id] })
      )
      assert.deepStrictEqual(
        lacking,
        new PermissionEscalation({ missing: ["catalog.manage"], adminRoleRequired: false })
      )
      assert.deepStrictEqual((yield* everything(w.organization.id)).accounts, before.accounts)
      const ok = yield* members.invite(manager, {
        email: "x@musterhausen.test",
        firstName: "X",
        lastName: "Y",
        roleIds: [w.managerRole.id, w.managerRole.id]
      })
      assert.deepStrictEqual(
        ok.roles.map((r) => r.id),
        [w.managerRole.id]
      )
    }).pipe(Effect.provide(TestLayer))
  )
})

describe("accepting an invitation", () => {
  const invited = Effect.gen(function* () {
    const members = yield* Members
    const w = yield* team
    const view = yield* members.invite(yield* actorFor(w.admin), {
      email: "nina@musterhausen.test",
      firstName: "Nina",
      lastName: "Neumann",
      roleIds: [w.managerRole.id]
    })
    const { token } = yield* lastInvitationTo("nina@musterhausen.test")
    return { ...w, invitedId: view.id, token }
  })

  it.effect("accepting an invitation sets the password, activates the account and signs in", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* invited
      const signedIn = yield* members.acceptInvitation({ token: w.token, password })
      assert.strictEqual(signedIn.account.status, "active")
      assert.isTrue(signedIn.account.canOrder)
      assert.strictEqual(signedIn.organization.id, w.organization.id)
      assert.deepStrictEqual(signedIn.permissions, ["members.invite", "members.manage", "orders.viewOrganization"])
      const account = (yield* AccountStore.use((s) => s.get(w.invitedId)))!
      assert.strictEqual(account.status, "active")
      assert.isTrue(yield* PasswordHasher.use((h) => h.verify(account.passwordHash!, password)))
      const live = yield* SessionStore.use((s) => s.listLiveForAccount(w.invitedId))
      assert.strictEqual(live.length, 1)
      assert.isTrue(signedIn.session.token.startsWith(`${live[0]!.id}.`))
      const event = (yield* auditOf(w.organization.id)).at(-1)!
      assert.strictEqual(event.action, "account.invitationAccepted")
      assert.deepStrictEqual(event.actor, { kind: "Member", accountId: w.invitedId })
      assert.deepStrictEqual(
        [(event.before as { status: string }).status, (event.after as { status: string }).status],
        ["invited", "active"]
      )
      assert.notProperty(event.after, "passwordHash")
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("an invitation link is single-use", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* invited
      yield* members.acceptInvitation({ token: w.token, password })
      const again = yield* Effect.flip(members.acceptInvitation({ token: w.token, password: `${password}!` }))
      assert.instanceOf(again, LinkExpiredOrUsed)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("an expired invitation link is refused and the account stays invited", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* invited
      yield* TestClock.adjust(Duration.days(7))
      const before = yield* everything(w.organization.id)
      assert.instanceOf(yield* Effect.flip(members.acceptInvitation({ token: w.token, password })), LinkExpiredOrUsed)
      assert.deepStrictEqual(yield* everything(w.organization.id), before)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("an unknown token is refused like a used one", () =>
    Effect.gen(function* () {
      const members = yield* Members
      yield* invited
      const refused = yield* Effect.flip(members.acceptInvitation({ token: "erfunden", password }))
      assert.instanceOf(refused, LinkExpiredOrUsed)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("the password policy applies when accepting an invitation, and a refused try leaves the link usable", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* invited
      const before = yield* everything(w.organization.id)
      const short = yield* Effect.flip(members.acceptInvitation({ token: w.token, password: "x".repeat(24) }))
      assert.deepStrictEqual(
        (short as InvalidInput).issues.map((i) => i.path),
        ["password"]
      )
      const neither = yield* Effect.flip(members.acceptInvitation({ token: "", password: 25 }))
      assert.deepStrictEqual(
        (neither as InvalidInput).issues.map((i) => i.path),
        ["token", "password"]
      )
      assert.deepStrictEqual(yield* everything(w.organization.id), before)
      // 25 code points after NFKC: emoji count once, not twice as UTF-16 would.
      const accepted = yield* members.acceptInvitation({ token: w.token, password: "🔑".repeat(25) })
      assert.strictEqual(accepted.account.status, "active")
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("resending an invitation kills the old link", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* invited
      yield* members.resendInvitation(yield* actorFor(w.manager), w.invitedId)
      const mails = yield* invitationsTo("nina@musterhausen.test")
      assert.deepStrictEqual(
        mails.map((m) => m.resent),
        [false, true]
      )
      assert.strictEqual(mails[1]!.invitedBy, "Max Mustermann")
      assert.instanceOf(yield* Effect.flip(members.acceptInvitation({ token: w.token, password })), LinkExpiredOrUsed)
      const signedIn = yield* members.acceptInvitation({ token: mails[1]!.token, password })
      assert.strictEqual(signedIn.account.id, w.invitedId)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("an expired invitation can be replaced by a new one", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* invited
      yield* TestClock.adjust(Duration.days(8))
      yield* members.resendInvitation(yield* actorFor(w.admin), w.invitedId)
      const fresh = yield* lastInvitationTo("nina@musterhausen.test")
      assert.strictEqual((yield* members.acceptInvitation({ token: fresh.token, password })).account.status, "active")
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("only an invited account can be sent its invitation again", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      const refused = yield* Effect.flip(members.resendInvitation(yield* actorFor(w.admin), w.employee.id))
      assert.instanceOf(refused, IllegalAccountTransition)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("invitation mails are rate-limited per address, and a refused one changes nothing", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* invited
      const admin = yield* actorFor(w.admin)
      yield* members.resendInvitation(admin, w.invitedId)
      const before = yield* everything(w.organization.id)
      const refused = yield* Effect.flip(members.resendInvitation(admin, w.invitedId))
      assert.instanceOf(refused, RateLimited)
      assert.deepStrictEqual(yield* everything(w.organization.id), before)
      // The window passes; the address may receive mail again.
      yield* TestClock.adjust(Duration.hours(1))
      yield* members.resendInvitation(admin, w.invitedId)
      assert.strictEqual((yield* invitationsTo("nina@musterhausen.test")).length, 3)
    }).pipe(
      Effect.provide(TestLayer),
      Effect.provide(
        Layer.succeed(InvitationPolicyRef, {
          ...defaultInvitationPolicy,
          perAddress: { limit: 2, window: Duration.hours(1) }
        })
      )
    )
  )

  it.effect("deleting an invited account kills its invitation link", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* invited
      yield* members.delete(yield* actorFor(w.admin), w.invitedId)
      assert.instanceOf(yield* Effect.flip(members.acceptInvitation({ token: w.token, password })), LinkExpiredOrUsed)
      assert.strictEqual((yield* AccountStore.use((s) => s.get(w.invitedId)))?.status, "deleted")
    }).pipe(Effect.provide(TestLayer))
  )
})

describe("account lifecycle", () => {
  const withSessions = (accountId: Parameters<typeof issueSession>[0]) =>
    Effect.andThen(issueSession(accountId), issueSession(accountId))

  it.effect("deactivation ends all sessions of the account at once", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      yield* withSessions(w.employee.id)
      const view = yield* members.deactivate(yield* actorFor(w.manager), w.employee.id)
      assert.strictEqual(view.status, "deactivated")
      assert.isFalse(view.canOrder)
      assert.deepStrictEqual(yield* SessionStore.use((s) => s.listLiveForAccount(w.employee.id)), [])
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("a deactivated account can be reactivated", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      const admin = yield* actorFor(w.admin)
      yield* members.deactivate(admin, w.employee.id)
      const view = yield* members.reactivate(admin, w.employee.id)
      assert.strictEqual(view.status, "active")
      assert.deepStrictEqual(
        (yield* auditOf(w.organization.id)).slice(-2).map((e) => e.action),
        ["account.deactivated", "account.reactivated"]
      )
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("deleted is final: the account is gone from the organization and its sessions end", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      const admin = yield* actorFor(w.admin)
      yield* withSessions(w.employee.id)
      yield* members.delete(admin, w.employee.id)
      assert.deepStrictEqual(yield* SessionStore.use((s) => s.listLiveForAccount(w.employee.id)), [])
      for (const attempt of <Array<Effect.Effect<unknown, unknown>>>[
        members.reactivate(admin, w.employee.id),
        members.get(admin, w.employee.id),
        members.delete(admin, w.employee.id)
      ])
        assert.deepStrictEqual(yield* Effect.flip(attempt), new AccountNotFound({ accountId: w.employee.id }))
      const listed = yield* members.list(admin)
      assert.notInclude(
        listed.items.map((m) => m.id),
        w.employee.id
      )
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("an account moves only along invited → active ⇄ deactivated", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      const admin = yield* actorFor(w.admin)
      const invited = yield* makeAccount(w.organization, { status: "invited" })
      const cases = [
        members.reactivate(admin, w.employee.id),
        members.deactivate(admin, invited.id),
        members.reactivate(admin, invited.id)
      ]
      for (const attempt of cases) assert.instanceOf(yield* Effect.flip(attempt), IllegalAccountTransition)
      yield* members.deactivate(admin, w.employee.id)
      assert.instanceOf(yield* Effect.flip(members.deactivate(admin, w.employee.id)), IllegalAccountTransition)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("a member whose account was deactivated can do nothing more, even with an old actor", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      const stale = yield* actorFor(w.admin)
      yield* members.deactivate(yield* actorFor(w.mainAdmin), w.admin.id)
      assert.instanceOf(yield* Effect.flip(members.deactivate(stale, w.employee.id)), Unauthenticated)
      assert.instanceOf(yield* Effect.flip(members.list(stale)), Unauthenticated)
    }).pipe(Effect.provide(TestLayer))
  )
})

describe("the request's own viewer", () => {
  it.effect("a read-only use case decides on the viewer its own request authenticated, and for no other actor", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      // As the request's authentication leaves them: the actor is the one its viewer was decided for.
      const viewer = yield* loadMember(yield* actorFor(w.admin))
      const actor = viewer.actor
      yield* members.deactivate(yield* actorFor(w.mainAdmin), w.admin.id)
      // Within the request that read it, the viewer counts as read, like one re-read a moment later would.
      const listed = yield* members.list(actor).pipe(Effect.provideService(RequestViewer, viewer))
      assert.isTrue(listed.items.some((m) => m.id === w.employee.id))
      // An equal actor that is not the one the request authenticated is read again: deactivated, so refused.
      const twin = { ...actor }
      assert.instanceOf(
        yield* Effect.flip(members.list(twin).pipe(Effect.provideService(RequestViewer, viewer))),
        Unauthenticated
      )
      // Without the request's viewer (the next request) the same actor is read again, and refused.
      assert.instanceOf(yield* Effect.flip(members.list(actor)), Unauthenticated)
      assert.instanceOf(yield* Effect.flip(members.get(actor, w.employee.id)), Unauthenticated)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("use cases that write read the acting member again inside their unit of work", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      const viewer = yield* loadMember(yield* actorFor(w.admin))
      const actor = viewer.actor
      yield* members.deactivate(yield* actorFor(w.mainAdmin), w.admin.id)
      const attempt = members.deactivate(actor, w.employee.id).pipe(Effect.provideService(RequestViewer, viewer))
      assert.instanceOf(yield* Effect.flip(attempt), Unauthenticated)
      assert.strictEqual((yield* reload(w.employee)).status, "active")
    }).pipe(Effect.provide(TestLayer))
  )
})

describe("the main admin", () => {
  it.effect("the main admin cannot be deactivated", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      const before = yield* everything(w.organization.id)
      for (const by of [w.admin, w.mainAdmin]) {
        const refused = yield* Effect.flip(members.deactivate(yield* actorFor(by), w.mainAdmin.id))
        assert.deepStrictEqual(refused, new MainAdminProtected({ accountId: w.mainAdmin.id, action: "deactivate" }))
      }
      assert.deepStrictEqual(yield* everything(w.organization.id), before)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("the main admin cannot be deleted", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      for (const by of [w.admin, w.mainAdmin]) {
        const refused = yield* Effect.flip(members.delete(yield* actorFor(by), w.mainAdmin.id))
        assert.instanceOf(refused, MainAdminProtected)
      }
      assert.strictEqual((yield* reload(w.mainAdmin)).status, "active")
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("the main admin cannot be demoted", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      for (const by of [w.admin, w.mainAdmin]) {
        const refused = yield* Effect.flip(members.setRoles(yield* actorFor(by), w.mainAdmin.id, { roleIds: [] }))
        assert.instanceOf(refused, MainAdminProtected)
      }
      assert.deepStrictEqual((yield* reload(w.mainAdmin)).roleIds, [w.adminRole.id])
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("only the main admin edits the main admin's name", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      assert.instanceOf(
        yield* Effect.flip(members.edit(yield* actorFor(w.admin), w.mainAdmin.id, { lastName: "Anders" })),
        MainAdminProtected
      )
      const own = yield* members.edit(yield* actorFor(w.mainAdmin), w.mainAdmin.id, { lastName: "Anders" })
      assert.strictEqual(own.lastName, "Anders")
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("only the operator reassigns the main admin, with a recorded reason", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      const operator = yield* makeOperator
      const request = { accountId: w.employee.id, reason: "Hauptadmin hat die Behörde verlassen (Ticket 4711)" }
      for (const by of [w.admin, w.mainAdmin])
        assert.instanceOf(
          yield* Effect.flip(members.reassignMainAdmin(yield* actorFor(by), w.organization.id, request)),
          PermissionDenied
        )
      const view = yield* members.reassignMainAdmin(operator, w.organization.id, request)
      assert.isTrue(view.isMainAdmin)
      assert.deepStrictEqual(view.allowedActions, [])
      const accounts = yield* AccountStore.use((s) => s.listByOrganization(w.organization.id))
      assert.deepStrictEqual(
        accounts.filter((a) => a.isMainAdmin).map((a) => a.id),
        [w.employee.id]
      )
      const events = (yield* auditOf(w.organization.id)).slice(-2)
      assert.deepStrictEqual(
        events.map((e) => [e.action, e.subject.id, (e.after as { reason: string }).reason]),
        [
          ["account.mainAdminRevoked", w.mainAdmin.id, request.reason],
          ["account.madeMainAdmin", w.employee.id, request.reason]
        ]
      )
      assert.deepStrictEqual(events[0]!.actor, { kind: "Operator", accountId: operator.accountId })
      // The former main admin keeps the built-in role registration gave them: an organization admin now.
      const former = yield* members.get(yield* actorFor(w.employee), w.mainAdmin.id)
      assert.isTrue(former.isAdmin)
      assert.include(former.allowedActions, "deactivate")
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("the new main admin must be an active member of the same organization", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      const other = yield* makeWorld()
      const operator = yield* makeOperator
      const invited = yield* makeAccount(w.organization, { status: "invited" })
      const deactivated = yield* makeAccount(w.organization, { status: "deactivated" })
      const reason = "Umstellung"
      const before = yield* everything(w.organization.id)
      const attempt = (accountId: string) =>
        Effect.flip(members.reassignMainAdmin(operator, w.organization.id, { accountId, reason }))
      assert.deepStrictEqual(
        yield* attempt(invited.id),
        new IneligibleMainAdmin({ accountId: invited.id, status: "invited" })
      )
      assert.instanceOf(yield* attempt(deactivated.id), IneligibleMainAdmin)
      assert.deepStrictEqual(yield* attempt(other.mainAdmin.id), new AccountNotFound({ accountId: other.mainAdmin.id }))
      assert.deepStrictEqual(
        yield* Effect.flip(members.reassignMainAdmin(operator, "org_unbekannt", { accountId: w.employee.id, reason })),
        new OrganizationNotFound({ organizationId: "org_unbekannt" })
      )
      const noReason = yield* Effect.flip(
        members.reassignMainAdmin(operator, w.organization.id, { accountId: "", reason: " " })
      )
      assert.deepStrictEqual(
        (noReason as InvalidInput).issues.map((i) => i.path),
        ["accountId", "reason"]
      )
      assert.deepStrictEqual(yield* everything(w.organization.id), before)
    }).pipe(Effect.provide(TestLayer))
  )
})

describe("roles of an account", () => {
  it.effect("nobody grants a permission they do not hold", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      const manager = yield* actorFor(w.manager)
      const catalog = yield* makeRole(w.organization, ["catalog.manage", "orders.viewOrganization"])
      const before = yield* everything(w.organization.id)
      const refused = yield* Effect.flip(members.setRoles(manager, w.employee.id, { roleIds: [catalog.id] }))
      assert.deepStrictEqual(
        refused,
        new PermissionEscalation({ missing: ["catalog.manage"], adminRoleRequired: false })
      )
      assert.deepStrictEqual(yield* everything(w.organization.id), before)
      const viewer = yield* makeRole(w.organization, ["orders.viewOrganization"])
      const granted = yield* members.setRoles(manager, w.employee.id, { roleIds: [viewer.id] })
      assert.deepStrictEqual(
        granted.roles.map((r) => r.id),
        [viewer.id]
      )
      // Taking a role away is no grant: the manager may remove a role whose permissions they lack.
      yield* AccountStore.use((s) => s.update(new Account({ ...w.employee, roleIds: [catalog.id] })))
      const removed = yield* members.setRoles(manager, w.employee.id, { roleIds: [] })
      assert.deepStrictEqual(removed.roles, [])
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("only admins give „Organisationsadmin“", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      // Every permission of the catalogue through a custom role is still not being an admin.
      const everythingRole = yield* makeRole(w.organization, permissionKeys)
      const powerUser = yield* makeAccount(w.organization, { roleIds: [everythingRole.id] })
      const refused = yield* Effect.flip(
        members.setRoles(yield* actorFor(powerUser), w.employee.id, { roleIds: [w.adminRole.id] })
      )
      assert.deepStrictEqual(refused, new PermissionEscalation({ missing: [], adminRoleRequired: true }))
      const granted = yield* members.setRoles(yield* actorFor(w.admin), w.employee.id, { roleIds: [w.adminRole.id] })
      assert.isTrue(granted.isAdmin)
      assert.deepStrictEqual(new Set((yield* actorFor(w.employee)).permissions), new Set(permissionKeys))
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("only admins take „Organisationsadmin“ away", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      const everythingRole = yield* makeRole(w.organization, permissionKeys)
      const powerUser = yield* makeAccount(w.organization, { roleIds: [everythingRole.id] })
      // A non-admin may not touch an admin at all.
      const refused = yield* Effect.flip(members.setRoles(yield* actorFor(powerUser), w.admin.id, { roleIds: [] }))
      assert.deepStrictEqual(refused, new PermissionDenied({ permission: "organizationAdmin" }))
      const demoted = yield* members.setRoles(yield* actorFor(w.mainAdmin), w.admin.id, { roleIds: [] })
      assert.isFalse(demoted.isAdmin)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("only admins deactivate, delete or edit admins", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      const manager = yield* actorFor(w.manager)
      for (const attempt of <Array<Effect.Effect<unknown, unknown>>>[
        members.deactivate(manager, w.admin.id),
        members.delete(manager, w.admin.id),
        members.edit(manager, w.admin.id, { firstName: "X" })
      ])
        assert.deepStrictEqual(yield* Effect.flip(attempt), new PermissionDenied({ permission: "organizationAdmin" }))
      assert.strictEqual((yield* members.deactivate(yield* actorFor(w.admin), w.manager.id)).status, "deactivated")
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("a role of another organization cannot be assigned", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      const other = yield* makeWorld()
      const refused = yield* Effect.flip(
        members.setRoles(yield* actorFor(w.admin), w.employee.id, { roleIds: [other.adminRole.id] })
      )
      assert.deepStrictEqual(refused, new RoleNotFound({ roleId: other.adminRole.id }))
    }).pipe(Effect.provide(TestLayer))
  )
})

describe("names", () => {
  it.effect("everyone may edit their own name; others' names need members.manage", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      const employee = yield* actorFor(w.employee)
      const own = yield* members.edit(employee, w.employee.id, { firstName: " Emilia " })
      assert.strictEqual(own.firstName, "Emilia")
      assert.deepStrictEqual(
        yield* Effect.flip(members.edit(employee, w.manager.id, { firstName: "X" })),
        new PermissionDenied({ permission: "members.manage" })
      )
      const byManager = yield* members.edit(yield* actorFor(w.manager), w.employee.id, { lastName: "Meier" })
      assert.deepStrictEqual([byManager.firstName, byManager.lastName], ["Emilia", "Meier"])
      const bad = yield* Effect.flip(
        members.edit(employee, w.employee.id, { firstName: "", lastName: "x".repeat(101) })
      )
      assert.deepStrictEqual(
        (bad as InvalidInput).issues.map((i) => i.path),
        ["firstName", "lastName"]
      )
    }).pipe(Effect.provide(TestLayer))
  )
})

describe("views", () => {
  it.effect("members are listed in pages, deleted ones left out, each with the viewer's allowed actions", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      const admin = yield* actorFor(w.admin)
      yield* members.delete(admin, w.employee.id)
      const seen: Array<string> = []
      let cursor: string | undefined
      do {
        const p = yield* members.list(admin, cursor === undefined ? { limit: 1 } : { limit: 1, cursor })
        assert.isAtMost(p.items.length, 1)
        seen.push(...p.items.map((m) => m.id))
        cursor = p.nextCursor ?? undefined
      } while (cursor !== undefined)
      assert.deepStrictEqual(seen, [w.mainAdmin.id, w.admin.id, w.manager.id])
      const all = yield* members.list(admin)
      assert.deepStrictEqual(all.items.find((m) => m.id === w.mainAdmin.id)!.allowedActions, [])
      assert.deepStrictEqual(all.items.find((m) => m.id === w.manager.id)!.allowedActions, [
        "edit",
        "setRoles",
        "deactivate",
        "delete"
      ])
      const bad = yield* Effect.flip(members.list(admin, { limit: 500, cursor: "%%%" }))
      assert.deepStrictEqual(
        (bad as InvalidInput).issues.map((i) => i.path),
        ["limit", "cursor"]
      )
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("an employee without permissions sees colleagues but may act only on their own name", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      const listed = yield* members.list(yield* actorFor(w.employee))
      for (const m of listed.items)
        assert.deepStrictEqual(m.allowedActions, m.id === w.employee.id ? ["edit"] : [], m.firstName)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("the allowed actions of a view are exactly the actions that succeed", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      const invited = yield* makeAccount(w.organization, { status: "invited" })
      const deactivated = yield* makeAccount(w.organization, { status: "deactivated" })
      const plainRole = yield* makeRole(w.organization, ["members.manage"])
      const plainManager = yield* makeAccount(w.organization, { roleIds: [plainRole.id] })
      const viewers = [w.mainAdmin, w.admin, w.manager, plainManager, w.employee]
      const targets = [w.mainAdmin, w.admin, w.manager, plainManager, w.employee, invited, deactivated]
      let checked = 0
      for (const viewer of viewers)
        for (const target of targets) {
          const actor = yield* actorFor(viewer)
          const view = yield* members.get(actor, target.id)
          const current = yield* reload(target)
          const attempts: Record<string, Effect.Effect<unknown, unknown>> = {
            edit: members.edit(actor, target.id, { firstName: "Geändert" }),
            setRoles: members.setRoles(actor, target.id, { roleIds: current.roleIds }),
            resendInvitation: members.resendInvitation(actor, target.id),
            deactivate: members.deactivate(actor, target.id),
            reactivate: members.reactivate(actor, target.id),
            delete: members.delete(actor, target.id)
          }
          for (const [action, attempt] of Object.entries(attempts)) {
            // Each attempt runs inside a unit of work that is then undone, so the next starts from the same state.
            const exit = yield* rollback(attempt)
            assert.strictEqual(
              exit,
              view.allowedActions.includes(action as never),
              `${viewer.firstName} → ${target.id === viewer.id ? "self" : target.firstName}/${current.status}: ${action}`
            )
            checked++
          }
        }
      assert.strictEqual(checked, viewers.length * targets.length * 6)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("every account change is on the organization's audit chain, and the chain holds", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const w = yield* team
      const admin = yield* actorFor(w.admin)
      yield* members.deactivate(admin, w.employee.id)
      yield* members.reactivate(admin, w.employee.id)
      yield* members.edit(admin, w.employee.id, { lastName: "Neu" })
      yield* members.setRoles(admin, w.employee.id, { roleIds: [w.managerRole.id] })
      yield* members.delete(admin, w.employee.id)
      const events = (yield* auditOf(w.organization.id)).filter((e) => e.subject.id === w.employee.id)
      assert.deepStrictEqual(
        events.map((e) => e.action),
        ["account.deactivated", "account.reactivated", "account.edited", "account.rolesChanged", "account.deleted"]
      )
      for (const e of events) {
        assert.strictEqual(e.chain, w.organization.id)
        assert.deepStrictEqual(e.actor, { kind: "Member", accountId: w.admin.id })
        assert.isNotNull(e.before)
        assert.isNotNull(e.after)
      }
      assert.deepStrictEqual(yield* verifyChain(yield* auditOf(w.organization.id)), { ok: true })
    }).pipe(Effect.provide(TestLayer))
  )
})

describe("tenant isolation", () => {
  it.effect("an admin of one organization cannot touch an account of another: not found, never forbidden", () =>
    Effect.gen(function* () {
      const members = yield* Members
      const mine = yield* team
      const theirs = yield* team
      const admin = yield* actorFor(mine.mainAdmin)
      const before = yield* everything(theirs.organization.id)
      const target = theirs.employee.id
      const notFound = new AccountNotFound({ accountId: target })
      for (const attempt of <Array<Effect.Effect<unknown, unknown>>>[
        members.get(admin, target),
        members.edit(admin, target, { firstName: "X" }),
        members.setRoles(admin, target, { roleIds: [] }),
        members.resendInvitation(admin, target),
        members.deactivate(admin, target),
        members.reactivate(admin, target),
        members.delete(admin, target)
      ])
        assert.deepStrictEqual(yield* Effect.flip(attempt), notFound)
      const listed = yield* members.list(admin)
      assert.notInclude(
        listed.items.map((m) => m.organizationId),
        theirs.organization.id
      )
      assert.deepStrictEqual(yield* everything(theirs.organization.id), before)
    }).pipe(Effect.provide(TestLayer))
  )
})

/** Runs `effect` in a unit of work that is always undone; true when the effect itself succeeded. */
const rollback = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const uow = yield* UnitOfWork
    const undone = yield* Effect.flip(
      uow.transaction(
        Effect.flatMap(Effect.exit(effect), (exit) =>
          Effect.fail({ _tag: "Undo" as const, succeeded: Exit.isSuccess(exit) })
        )
      )
    )
    return undone._tag === "Undo" && undone.succeeded
  })
