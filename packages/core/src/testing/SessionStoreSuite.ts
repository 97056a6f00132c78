import { assert, describe, layer } from "@effect/vitest"
import { DateTime, Effect, Layer, Schema } from "effect"
import { type HolderStores, holderOf, Session, SessionStore, type SessionWithHolder } from "../identity/Session.ts"
import type { AccountId, SessionId } from "../kernel/Ids.ts"
import { newId, newSecret, SecureRandom } from "../kernel/SecureRandom.ts"
import { Account, Role } from "../members/Account.ts"
import { AccountStore, RoleStore } from "../members/AccountStore.ts"
import { Organization } from "../organization/Organization.ts"
import { OrganizationStore } from "../organization/OrganizationStore.ts"
import { sampleAccount } from "./AccountStoreSuite.ts"
import { sampleOrganization } from "./OrganizationStoreSuite.ts"
import { sampleRole } from "./RoleStoreSuite.ts"

const SessionJson = Schema.toCodecJson(Session)
const json = (s: Session | undefined) => (s === undefined ? undefined : Schema.encodeSync(SessionJson)(s))

const HolderJson = Schema.toCodecJson(
  Schema.UndefinedOr(
    Schema.Struct({
      session: Session,
      account: Schema.UndefinedOr(Account),
      organization: Schema.UndefinedOr(Organization),
      roles: Schema.Array(Role)
    })
  )
)
const holderJson = (h: SessionWithHolder | undefined) => Schema.encodeSync(HolderJson)(h)

const created = DateTime.makeUnsafe("2025-05-06T07:08:09.010Z")
const later = DateTime.makeUnsafe("2025-05-06T07:38:09.020Z")

/** A fresh live session of an account no other test uses (unless `accountId` is given). */
export const sampleSession = (fields: Partial<Session> = {}) =>
  Effect.gen(function* () {
    return new Session({
      id: yield* newId<SessionId>("ses"),
      accountId: yield* newId<AccountId>("acc"),
      secretHash: (yield* newSecret).hash,
      createdAt: created,
      lastSeenAt: created,
      expiresAt: DateTime.makeUnsafe("2025-05-06T19:08:09.010Z"),
      revokedAt: null,
      ...fields
    })
  })

/**
 * The contract of every `SessionStore`: sessions read back unchanged (the secret's hash only, never the secret),
 * `touch` moves `lastSeenAt` only, `revoke` is idempotent and keeps the first time, and `revokeAllForAccount`
 * ends every live session of one account and nobody else's. `getWithHolder` answers what the account,
 * organization and role stores hold at that moment, exactly as reading them one by one would.
 */
export const sessionStoreSuite = <E>(name: string, sessions: Layer.Layer<SessionStore | HolderStores, E>) =>
  describe(`SessionStore conformance: ${name}`, () => {
    layer(Layer.merge(sessions, SecureRandom.layerWebCrypto))((it) => {
      it.effect("a session reads back unchanged", () =>
        Effect.gen(function* () {
          const s = yield* SessionStore
          const session = yield* sampleSession()
          yield* s.insert(session)
          assert.deepStrictEqual(json(yield* s.get(session.id)), json(session))
        })
      )

      it.effect("an unknown session finds nothing, and touching or revoking it changes nothing", () =>
        Effect.gen(function* () {
          const s = yield* SessionStore
          const id = yield* newId<SessionId>("ses")
          yield* s.touch(id, later)
          yield* s.revoke(id, later)
          assert.strictEqual(yield* s.get(id), undefined)
        })
      )

      it.effect("touching a session moves its last use and nothing else", () =>
        Effect.gen(function* () {
          const s = yield* SessionStore
          const session = yield* sampleSession()
          yield* s.insert(session)
          yield* s.touch(session.id, later)
          assert.deepStrictEqual(json(yield* s.get(session.id)), json(new Session({ ...session, lastSeenAt: later })))
        })
      )

      it.effect("a revoked session stays revoked at its first revocation time", () =>
        Effect.gen(function* () {
          const s = yield* SessionStore
          const session = yield* sampleSession()
          yield* s.insert(session)
          yield* s.revoke(session.id, created)
          yield* s.revoke(session.id, later)
          assert.deepStrictEqual((yield* s.get(session.id))?.revokedAt, created)
          assert.deepStrictEqual(yield* s.listLiveForAccount(session.accountId), [])
        })
      )

      it.effect("ending an account's sessions ends all of them and nobody else's", () =>
        Effect.gen(function* () {
          const s = yield* SessionStore
          const a = yield* sampleSession()
          const b = yield* sampleSession({ accountId: a.accountId })
          const earlier = yield* sampleSession({ accountId: a.accountId })
          const other = yield* sampleSession()
          for (const x of [a, b, earlier, other]) yield* s.insert(x)
          yield* s.revoke(earlier.id, created)
          assert.sameMembers(
            (yield* s.listLiveForAccount(a.accountId)).map((x) => x.id),
            [a.id, b.id]
          )

          yield* s.revokeAllForAccount(a.accountId, later)

          assert.deepStrictEqual(yield* s.listLiveForAccount(a.accountId), [])
          assert.deepStrictEqual((yield* s.get(a.id))?.revokedAt, later)
          assert.deepStrictEqual((yield* s.get(b.id))?.revokedAt, later)
          assert.deepStrictEqual((yield* s.get(earlier.id))?.revokedAt, created)
          assert.deepStrictEqual(json(yield* s.get(other.id)), json(other))
          assert.deepStrictEqual(
            (yield* s.listLiveForAccount(other.accountId)).map((x) => json(x)),
            [json(other)]
          )
        })
      )

      it.effect("a session is read with its account, the organization and its roles in creation order", () =>
        Effect.gen(function* () {
          const s = yield* SessionStore
          const organization = yield* sampleOrganization()
          yield* OrganizationStore.use((o) => o.insert(organization))
          const buying = yield* sampleRole(organization.id, { name: "Einkauf" })
          const admin = yield* sampleRole(organization.id, {
            name: "Organisationsadmin",
            builtIn: true,
            permissions: []
          })
          const addresses = yield* sampleRole(organization.id, {
            name: "Adressen",
            permissions: ["organization.addresses.manage", "orders.viewOrganization"]
          })
          const elsewhere = yield* sampleOrganization()
          yield* OrganizationStore.use((o) => o.insert(elsewhere))
          const foreign = yield* sampleRole(elsewhere.id, { name: "Einkauf" })
          for (const r of [buying, admin, foreign, addresses]) yield* RoleStore.use((x) => x.insert(r))
          const account = yield* sampleAccount(organization.id, { roleIds: [addresses.id, buying.id] })
          yield* AccountStore.use((a) => a.insert(account))
          const session = yield* sampleSession({ accountId: account.id })
          yield* s.insert(session)

          const holder = yield* s.getWithHolder(session.id)
          assert.deepStrictEqual(
            holderJson(holder),
            holderJson({ session, account, organization, roles: [buying, admin, addresses] })
          )
          assert.deepStrictEqual(holderJson(holder), holderJson(yield* holderOf(yield* s.get(session.id))))
        })
      )

      it.effect("an unknown session has no holder; a session of an unknown account has no account", () =>
        Effect.gen(function* () {
          const s = yield* SessionStore
          assert.strictEqual(yield* s.getWithHolder(yield* newId<SessionId>("ses")), undefined)
          const orphan = yield* sampleSession()
          yield* s.insert(orphan)
          assert.deepStrictEqual(
            holderJson(yield* s.getWithHolder(orphan.id)),
            holderJson({ session: orphan, account: undefined, organization: undefined, roles: [] })
          )
        })
      )

      it.effect("an operator's session has no organization and no roles", () =>
        Effect.gen(function* () {
          const s = yield* SessionStore
          const operator = yield* sampleAccount(null)
          yield* AccountStore.use((a) => a.insert(operator))
          const session = yield* sampleSession({ accountId: operator.id })
          yield* s.insert(session)
          assert.deepStrictEqual(
            holderJson(yield* s.getWithHolder(session.id)),
            holderJson({ session, account: operator, organization: undefined, roles: [] })
          )
        })
      )

      it.effect("the holder read shows every change at once: revocation, deactivation, a role taken away", () =>
        Effect.gen(function* () {
          const s = yield* SessionStore
          const organization = yield* sampleOrganization()
          yield* OrganizationStore.use((o) => o.insert(organization))
          const role = yield* sampleRole(organization.id, { permissions: ["orders.viewOrganization"] })
          yield* RoleStore.use((r) => r.insert(role))
          const account = yield* sampleAccount(organization.id, { roleIds: [role.id] })
          yield* AccountStore.use((a) => a.insert(account))
          const session = yield* sampleSession({ accountId: account.id })
          yield* s.insert(session)
          assert.strictEqual((yield* s.getWithHolder(session.id))?.account?.status, "active")

          const narrowed = new Role({ ...role, permissions: [] })
          yield* RoleStore.use((r) => r.update(narrowed))
          assert.deepStrictEqual(
            (yield* s.getWithHolder(session.id))?.roles.map((r) => r.permissions),
            [[]]
          )
          const deactivated = new Account({ ...account, status: "deactivated", roleIds: [] })
          yield* AccountStore.use((a) => a.update(deactivated))
          assert.deepStrictEqual(
            holderJson(yield* s.getWithHolder(session.id)),
            holderJson({ session, account: deactivated, organization, roles: [narrowed] })
          )
          yield* RoleStore.use((r) => r.delete(role.id))
          assert.deepStrictEqual((yield* s.getWithHolder(session.id))?.roles, [])
          yield* s.revoke(session.id, later)
          assert.deepStrictEqual((yield* s.getWithHolder(session.id))?.session.revokedAt, later)
        })
      )
    })
  })
