import { assert, describe, layer } from "@effect/vitest"
import { DateTime, Deferred, Effect, Exit, Fiber, Layer, Schema } from "effect"
import { LinkToken, LinkTokenStore } from "../identity/LinkToken.ts"
import { Session, SessionStore } from "../identity/Session.ts"
import { system } from "../kernel/Actor.ts"
import { AuditLog, record, verifyChain } from "../kernel/Audit.ts"
import { Email } from "../kernel/Email.ts"
import type { AccountId, AddressId, OrganizationId, RoleId, SessionId, TermsId } from "../kernel/Ids.ts"
import { enqueue, Outbox } from "../kernel/Outbox.ts"
import { newId, SecureRandom } from "../kernel/SecureRandom.ts"
import { UnitOfWork } from "../kernel/UnitOfWork.ts"
import { Account, Role } from "../members/Account.ts"
import { AccountStore, RoleStore } from "../members/AccountStore.ts"
import { Address, Organization } from "../organization/Organization.ts"
import { AddressStore, OrganizationStore } from "../organization/OrganizationStore.ts"
import { TermsStore, TermsVersion } from "../terms/Terms.ts"

/** Every port a unit of work spans today; a storage adapter provides them all on one database. */
export type UnitOfWorkPorts =
  | UnitOfWork
  | AuditLog
  | Outbox
  | TermsStore
  | OrganizationStore
  | AddressStore
  | AccountStore
  | RoleStore
  | LinkTokenStore
  | SessionStore

const now = DateTime.makeUnsafe("2025-03-14T09:30:00Z")

/** One fresh row for every store, all belonging to one new organization. */
export const sampleWorld = Effect.gen(function* () {
  const organizationId = yield* newId<OrganizationId>("org")
  const accountId = yield* newId<AccountId>("acc")
  const secret = yield* newId("secret")
  const organization = new Organization({
    id: organizationId,
    name: `Stadtverwaltung ${organizationId}`,
    legalForm: "Körperschaft des öffentlichen Rechts",
    administrativeLevel: "municipal",
    federalState: "DE-BY",
    capabilities: ["customer"],
    supplementary: { website: null, contactEmail: null, note: null },
    masterDataReviewRequired: false,
    createdAt: now,
    updatedAt: now
  })
  const address = new Address({
    id: yield* newId<AddressId>("adr"),
    organizationId,
    kind: "location",
    street: "Marktplatz 1",
    postalCode: "80331",
    city: "München",
    phone: "+49 89 123456",
    leitwegId: null,
    isDefault: true
  })
  const role = new Role({
    id: yield* newId<RoleId>("rol"),
    organizationId,
    name: "Einkauf",
    permissions: ["orders.viewOrganization"],
    builtIn: false
  })
  const account = new Account({
    id: accountId,
    kind: "member",
    organizationId,
    email: Schema.decodeSync(Email)(`${accountId}@uow-suite.test`),
    firstName: "Anna",
    lastName: "Muster",
    status: "active",
    isMainAdmin: true,
    roleIds: [role.id],
    passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
    passwordResetRequired: false,
    createdAt: now,
    updatedAt: now
  })
  const link = new LinkToken({
    hash: `hash-${secret}`,
    purpose: "passwordReset",
    subjectId: accountId,
    email: account.email,
    createdAt: now,
    expiresAt: DateTime.add(now, { hours: 1 }),
    usedAt: null,
    revokedAt: null
  })
  const session = new Session({
    id: yield* newId<SessionId>("ses"),
    accountId,
    secretHash: `session-${secret}`,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: DateTime.add(now, { hours: 12 }),
    revokedAt: null
  })
  const terms = new TermsVersion({
    id: yield* newId<TermsId>("terms"),
    version: `AGB ${organizationId}`,
    effectiveFrom: now,
    url: "https://portal.example/agb.pdf",
    text: null
  })
  return { organization, address, role, account, link, session, terms }
})
type World = Effect.Success<typeof sampleWorld>

/** Writes the whole world through the stores, with one audit event and one outbox message. */
const writeWorld = (w: World) =>
  Effect.gen(function* () {
    yield* OrganizationStore.use((s) => s.insert(w.organization))
    yield* AddressStore.use((s) => s.insert(w.address))
    yield* RoleStore.use((s) => s.insert(w.role))
    yield* AccountStore.use((s) => s.insert(w.account))
    yield* LinkTokenStore.use((s) => s.insert(w.link))
    yield* SessionStore.use((s) => s.insert(w.session))
    yield* TermsStore.use((s) => s.insert(w.terms))
    yield* recordFor(w, "world.created")
    return yield* enqueue({
      _tag: "RegistrationApproved",
      recipient: w.account.email,
      recipientName: "Anna Muster",
      locale: "de",
      organizationName: w.organization.name
    })
  })

const recordFor = (w: World, action: string) =>
  record({
    chain: w.organization.id,
    actor: system,
    action,
    subject: { type: "organization", id: w.organization.id },
    before: null,
    after: { action }
  })

const organizationJson = Schema.encodeSync(Schema.toCodecJson(Organization))
const addressJson = Schema.encodeSync(Schema.toCodecJson(Address))
const roleJson = Schema.encodeSync(Schema.toCodecJson(Role))
const accountJson = Schema.encodeSync(Schema.toCodecJson(Account))
const linkJson = Schema.encodeSync(Schema.toCodecJson(LinkToken))
const sessionJson = Schema.encodeSync(Schema.toCodecJson(Session))
const termsJson = Schema.encodeSync(Schema.toCodecJson(TermsVersion))

/** Everything the stores hold about a world, as plain JSON: equal snapshots mean equal state. */
const snapshot = (w: World) =>
  Effect.gen(function* () {
    const organization = yield* OrganizationStore.use((s) => s.get(w.organization.id))
    const addresses = yield* AddressStore.use((s) => s.listByOrganization(w.organization.id))
    const roles = yield* RoleStore.use((s) => s.listByOrganization(w.organization.id))
    const accounts = yield* AccountStore.use((s) => s.listByOrganization(w.organization.id))
    const link = yield* LinkTokenStore.use((s) => s.findByHash(w.link.hash))
    const sessions = yield* SessionStore.use((s) => s.listLiveForAccount(w.account.id))
    const terms = yield* TermsStore.use((s) => s.get(w.terms.id))
    const events = yield* AuditLog.use((l) => l.list(w.organization.id, { afterSequence: 0, limit: 100 }))
    return {
      organization: organization && organizationJson(organization),
      addresses: addresses.map((a) => addressJson(a)),
      roles: roles.map((r) => roleJson(r)),
      accounts: accounts.map((a) => accountJson(a)),
      link: link && linkJson(link),
      sessions: sessions.map((x) => sessionJson(x)),
      terms: terms && termsJson(terms),
      events: events.map((e) => e.id)
    }
  })

const transaction = <A, E, R>(effect: Effect.Effect<A, E, R>) => UnitOfWork.use((u) => u.transaction(effect))

class Boom extends Schema.TaggedError<Boom>()("Boom", { step: Schema.String }) {}

/** Changes every row of an existing world: updates, deletes, revocations, a used link, new events. */
const changeWorld = (w: World) =>
  Effect.gen(function* () {
    const later = DateTime.add(now, { minutes: 5 })
    yield* OrganizationStore.use((s) =>
      s.update(new Organization({ ...w.organization, name: `${w.organization.name} (neu)`, updatedAt: later }))
    )
    yield* AddressStore.use((s) => s.update(new Address({ ...w.address, street: "Rathausplatz 2" })))
    yield* RoleStore.use((s) => s.delete(w.role.id))
    yield* AccountStore.use((s) => s.update(new Account({ ...w.account, firstName: "Berta", updatedAt: later })))
    assert.isTrue(yield* LinkTokenStore.use((s) => s.consume(w.link.hash, later)))
    yield* SessionStore.use((s) => s.revokeAllForAccount(w.account.id, later))
    yield* recordFor(w, "world.changed")
    yield* enqueue({
      _tag: "PasswordChanged",
      recipient: w.account.email,
      recipientName: "Berta Muster",
      locale: "de",
      changedAt: later
    })
  })

/**
 * The contract of every `UnitOfWork` with the stores of the same adapter: the state, audit events and
 * outbox messages written inside one `transaction` commit together or not at all; a nested
 * `transaction` joins the one in progress; units of work on one database do not lose each other's writes.
 */
export const unitOfWorkSuite = <E>(name: string, ports: Layer.Layer<UnitOfWorkPorts, E>) =>
  describe(`UnitOfWork conformance: ${name}`, () => {
    layer(Layer.merge(ports, SecureRandom.layerWebCrypto))((it) => {
      it.effect("a committed unit of work keeps its state, audit events and outbox messages", () =>
        Effect.gen(function* () {
          const w = yield* sampleWorld
          const message = yield* transaction(writeWorld(w))
          const after = yield* snapshot(w)
          assert.isDefined(after.organization)
          assert.strictEqual(after.addresses.length, 1)
          assert.strictEqual(after.roles.length, 1)
          assert.strictEqual(after.accounts.length, 1)
          assert.isDefined(after.link)
          assert.strictEqual(after.sessions.length, 1)
          assert.isDefined(after.terms)
          assert.strictEqual(after.events.length, 1)
          assert.isDefined(yield* Outbox.use((o) => o.get(message.id)))
        })
      )

      it.effect("a failed unit of work leaves no write behind: no state, no audit event, no outbox message", () =>
        Effect.gen(function* () {
          const w = yield* sampleWorld
          const before = yield* snapshot(w)
          let queued: string | undefined
          const failure = yield* Effect.flip(
            transaction(
              Effect.gen(function* () {
                queued = (yield* writeWorld(w)).id
                return yield* new Boom({ step: "after every write" })
              })
            )
          )
          assert.deepStrictEqual(failure, new Boom({ step: "after every write" }))
          assert.deepStrictEqual(yield* snapshot(w), before)
          assert.strictEqual(yield* Outbox.use((o) => o.get(queued as never)), undefined)
          assert.strictEqual(yield* AuditLog.use((l) => l.head(w.organization.id)), undefined)
        })
      )

      it.effect("a failed unit of work undoes its updates and deletes of existing rows", () =>
        Effect.gen(function* () {
          const w = yield* sampleWorld
          yield* transaction(writeWorld(w))
          const before = yield* snapshot(w)
          const head = yield* AuditLog.use((l) => l.head(w.organization.id))
          yield* Effect.flip(
            transaction(Effect.andThen(changeWorld(w), Effect.fail(new Boom({ step: "after the changes" }))))
          )
          assert.deepStrictEqual(yield* snapshot(w), before)
          assert.deepStrictEqual(yield* AuditLog.use((l) => l.head(w.organization.id)), head)
          // The same changes commit when nothing fails: the rollback above undid real writes.
          yield* transaction(changeWorld(w))
          assert.notDeepEqual(yield* snapshot(w), before)
        })
      )

      it.effect("a defect inside a unit of work rolls it back too", () =>
        Effect.gen(function* () {
          const w = yield* sampleWorld
          const before = yield* snapshot(w)
          const exit = yield* Effect.exit(transaction(Effect.andThen(writeWorld(w), Effect.die("bug"))))
          assert.isTrue(Exit.hasDies(exit))
          assert.deepStrictEqual(yield* snapshot(w), before)
        })
      )

      it.effect("an interrupted unit of work rolls back", () =>
        Effect.gen(function* () {
          const w = yield* sampleWorld
          const before = yield* snapshot(w)
          const written = yield* Deferred.make<void>()
          const fiber = yield* Effect.forkChild(
            transaction(
              Effect.andThen(writeWorld(w), Effect.andThen(Deferred.succeed(written, undefined), Effect.never))
            )
          )
          yield* Deferred.await(written)
          yield* Fiber.interrupt(fiber)
          assert.deepStrictEqual(yield* snapshot(w), before)
        })
      )

      it.effect("inside a unit of work the stores see its own uncommitted writes", () =>
        Effect.gen(function* () {
          const w = yield* sampleWorld
          const seen = yield* transaction(Effect.andThen(writeWorld(w), snapshot(w)))
          assert.isDefined(seen.organization)
          assert.strictEqual(seen.accounts.length, 1)
          assert.strictEqual(seen.events.length, 1)
          assert.deepStrictEqual(yield* snapshot(w), seen)
        })
      )

      it.effect("a nested unit of work joins the outer one: the outer failure undoes the inner writes", () =>
        Effect.gen(function* () {
          const w = yield* sampleWorld
          const before = yield* snapshot(w)
          yield* Effect.flip(
            transaction(
              Effect.gen(function* () {
                yield* transaction(writeWorld(w))
                return yield* new Boom({ step: "after the inner unit of work" })
              })
            )
          )
          assert.deepStrictEqual(yield* snapshot(w), before)
        })
      )

      it.effect("a nested unit of work joins the outer one: it commits only with the outer one", () =>
        Effect.gen(function* () {
          const w = yield* sampleWorld
          const inner = yield* transaction(
            Effect.gen(function* () {
              const fromInner = yield* transaction(writeWorld(w))
              // A failure inside a nested unit of work that the outer one handles is no rollback point:
              // what the inner one wrote before failing stays and commits with the outer one.
              yield* transaction(
                Effect.andThen(
                  recordFor(w, "inner.before-failure"),
                  Effect.fail(new Boom({ step: "inner, handled by the outer" }))
                )
              ).pipe(Effect.catchTag("Boom", () => Effect.void))
              return fromInner
            })
          )
          const after = yield* snapshot(w)
          assert.isDefined(after.organization)
          assert.strictEqual(after.events.length, 2)
          assert.isDefined(yield* Outbox.use((o) => o.get(inner.id)))
        })
      )

      it.effect("a constraint refused inside a unit of work can be handled, and the rest commits", () =>
        Effect.gen(function* () {
          const w = yield* sampleWorld
          const twin = new Account({ ...w.account, id: yield* newId<AccountId>("acc"), isMainAdmin: false })
          const refused = yield* transaction(
            Effect.gen(function* () {
              yield* writeWorld(w)
              const error = yield* Effect.flip(AccountStore.use((s) => s.insert(twin)))
              yield* recordFor(w, "after.refusal")
              return error
            })
          )
          assert.strictEqual(refused._tag, "EmailAlreadyRegistered")
          const after = yield* snapshot(w)
          assert.deepStrictEqual(after.accounts, [accountJson(w.account)])
          assert.strictEqual(after.events.length, 2)
        })
      )

      it.effect("50 concurrent units of work on one audit chain all commit, one after another", () =>
        Effect.gen(function* () {
          const w = yield* sampleWorld
          yield* Effect.forEach(
            Array.from({ length: 50 }, (_, i) => i),
            (i) => transaction(Effect.andThen(recordFor(w, `concurrent.${i}`), enqueue(changedNotice(w, i)))),
            { concurrency: "unbounded", discard: true }
          )
          const events = yield* AuditLog.use((l) => l.list(w.organization.id, { afterSequence: 0, limit: 100 }))
          assert.deepStrictEqual(
            events.map((e) => e.sequence),
            Array.from({ length: 50 }, (_, i) => i + 1)
          )
          assert.deepStrictEqual(yield* verifyChain(events), { ok: true })
          assert.deepStrictEqual(
            new Set(events.map((e) => e.action)),
            new Set(Array.from({ length: 50 }, (_, i) => `concurrent.${i}`))
          )
        })
      )
    })
  })

const changedNotice = (w: World, i: number) => ({
  _tag: "PasswordChanged" as const,
  recipient: w.account.email,
  recipientName: `Anna Muster ${i}`,
  locale: "de" as const,
  changedAt: now
})
