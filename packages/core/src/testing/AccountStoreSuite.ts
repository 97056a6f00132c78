import { assert, describe, layer } from "@effect/vitest"
import { DateTime, Effect, Layer, Schema } from "effect"
import { Email } from "../kernel/Email.ts"
import type { AccountId, OrganizationId } from "../kernel/Ids.ts"
import { newId, SecureRandom } from "../kernel/SecureRandom.ts"
import { Account } from "../members/Account.ts"
import {
  AccountStore,
  EmailAlreadyRegistered,
  type KeyedAccount,
  MainAdminConflict,
  RoleStore
} from "../members/AccountStore.ts"
import { OrganizationStore } from "../organization/OrganizationStore.ts"
import { sampleOrganization } from "./OrganizationStoreSuite.ts"
import { sampleRole } from "./RoleStoreSuite.ts"

const AccountJson = Schema.toCodecJson(Account)
const json = (a: Account | undefined) => (a === undefined ? undefined : Schema.encodeSync(AccountJson)(a))

const organization = Effect.gen(function* () {
  const o = yield* sampleOrganization()
  yield* OrganizationStore.use((s) => s.insert(o))
  return o.id
})

const at = (minute: number) => DateTime.makeUnsafe(`2025-04-01T09:${String(minute).padStart(2, "0")}:00.125Z`)

/** A fresh account with an email no other test uses; a member of `organizationId`, or an operator with none. */
export const sampleAccount = (
  organizationId: OrganizationId | null,
  fields: Partial<Omit<Account, "id" | "organizationId">> = {}
) =>
  Effect.gen(function* () {
    const id = yield* newId<AccountId>("acc")
    return new Account({
      id,
      kind: organizationId === null ? "operator" : "member",
      organizationId,
      email: Schema.decodeSync(Email)(`${id}@account-suite.test`),
      firstName: "Jürgen",
      lastName: "Weiß-Öztürk",
      status: "active",
      isMainAdmin: false,
      roleIds: [],
      passwordHash: null,
      passwordResetRequired: false,
      createdAt: at(0),
      updatedAt: at(0),
      ...fields
    })
  })

/**
 * The contract of every `AccountStore` (DOMAIN §4, §6): accounts read back unchanged; an email (normalized)
 * belongs to at most one account that is not deleted, in the whole portal; an organization has at most one
 * main admin. Both hold on insert and on update, so concurrent use cases cannot break them. A database does
 * this with partial unique indexes (email where not deleted; organization where main admin).
 */
export const accountStoreSuite = <E>(
  name: string,
  stores: Layer.Layer<AccountStore | RoleStore | OrganizationStore, E>
) =>
  describe(`AccountStore conformance: ${name}`, () => {
    layer(Layer.merge(stores, SecureRandom.layerWebCrypto))((it) => {
      it.effect("an inserted account reads back unchanged", () =>
        Effect.gen(function* () {
          const s = yield* AccountStore
          const org = yield* organization
          const roleA = yield* sampleRole(org, { name: "Einkauf" })
          const roleB = yield* sampleRole(org, { name: "Adressen", permissions: ["organization.addresses.manage"] })
          yield* RoleStore.use((r) => Effect.andThen(r.insert(roleA), r.insert(roleB)))
          const member = yield* sampleAccount(org, {
            isMainAdmin: true,
            roleIds: [roleB.id, roleA.id],
            passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
            updatedAt: at(7)
          })
          const invited = yield* sampleAccount(org, { status: "invited" })
          const migrated = yield* sampleAccount(org, { passwordResetRequired: true, status: "deactivated" })
          const operator = yield* sampleAccount(null)
          for (const a of [member, invited, migrated, operator]) yield* s.insert(a)
          for (const a of [member, invited, migrated, operator])
            assert.deepStrictEqual(json(yield* s.get(a.id)), json(a))
          assert.strictEqual(yield* s.get("acc_unknown" as AccountId), undefined)
        })
      )

      it.effect("an account is found by its normalized email", () =>
        Effect.gen(function* () {
          const s = yield* AccountStore
          const a = yield* sampleAccount(yield* organization)
          yield* s.insert(a)
          const typed = Schema.decodeSync(Email)(`  ${a.email.toUpperCase()} `)
          assert.strictEqual((yield* s.findByEmail(typed))?.id, a.id)
          assert.strictEqual(yield* s.findByEmail(Schema.decodeSync(Email)(`x${a.email}`)), undefined)
        })
      )

      it.effect("an email belongs to one account that is not deleted, across organizations", () =>
        Effect.gen(function* () {
          const s = yield* AccountStore
          const first = yield* sampleAccount(yield* organization)
          yield* s.insert(first)
          const sameOrg = yield* sampleAccount(first.organizationId, { email: first.email, status: "invited" })
          const otherOrg = yield* sampleAccount(yield* organization, { email: first.email })
          const operator = yield* sampleAccount(null, { email: first.email })
          for (const a of [sameOrg, otherOrg, operator]) {
            assert.instanceOf(yield* Effect.flip(s.insert(a)), EmailAlreadyRegistered)
            assert.strictEqual(yield* s.get(a.id), undefined)
          }
        })
      )

      it.effect("changing an account's email to a taken one is refused", () =>
        Effect.gen(function* () {
          const s = yield* AccountStore
          const org = yield* organization
          const a = yield* sampleAccount(org)
          const b = yield* sampleAccount(org)
          yield* s.insert(a)
          yield* s.insert(b)
          assert.instanceOf(yield* Effect.flip(s.update(new Account({ ...b, email: a.email }))), EmailAlreadyRegistered)
          assert.deepStrictEqual(json(yield* s.get(b.id)), json(b))
        })
      )

      it.effect("a deleted account frees its email, and stays readable by id", () =>
        Effect.gen(function* () {
          const s = yield* AccountStore
          const org = yield* organization
          const old = yield* sampleAccount(org)
          yield* s.insert(old)
          const deleted = new Account({ ...old, status: "deleted", updatedAt: at(5) })
          yield* s.update(deleted)
          assert.strictEqual(yield* s.findByEmail(old.email), undefined)
          const successor = yield* sampleAccount(org, { email: old.email, status: "invited" })
          yield* s.insert(successor)
          assert.strictEqual((yield* s.findByEmail(old.email))?.id, successor.id)
          assert.deepStrictEqual(json(yield* s.get(old.id)), json(deleted))
          // A deleted account cannot come back while its email belongs to another one.
          assert.instanceOf(yield* Effect.flip(s.update(old)), EmailAlreadyRegistered)
          assert.deepStrictEqual(json(yield* s.get(old.id)), json(deleted))
        })
      )

      it.effect("a second main admin of one organization is refused, on insert and on update", () =>
        Effect.gen(function* () {
          const s = yield* AccountStore
          const org = yield* organization
          const main = yield* sampleAccount(org, { isMainAdmin: true })
          const other = yield* sampleAccount(org)
          yield* s.insert(main)
          yield* s.insert(other)
          const second = yield* sampleAccount(org, { isMainAdmin: true })
          assert.instanceOf(yield* Effect.flip(s.insert(second)), MainAdminConflict)
          assert.strictEqual(yield* s.get(second.id), undefined)
          assert.instanceOf(
            yield* Effect.flip(s.update(new Account({ ...other, isMainAdmin: true }))),
            MainAdminConflict
          )
          assert.deepStrictEqual(json(yield* s.get(other.id)), json(other))
        })
      )

      it.effect("each organization has its own main admin", () =>
        Effect.gen(function* () {
          const s = yield* AccountStore
          const a = yield* sampleAccount(yield* organization, { isMainAdmin: true })
          const b = yield* sampleAccount(yield* organization, { isMainAdmin: true })
          yield* s.insert(a)
          yield* s.insert(b)
          assert.isTrue((yield* s.get(a.id))?.isMainAdmin)
          assert.isTrue((yield* s.get(b.id))?.isMainAdmin)
        })
      )

      it.effect("the main admin changes when the old one gives up the flag first", () =>
        Effect.gen(function* () {
          const s = yield* AccountStore
          const org = yield* organization
          const old = yield* sampleAccount(org, { isMainAdmin: true })
          const next = yield* sampleAccount(org)
          yield* s.insert(old)
          yield* s.insert(next)
          yield* s.update(new Account({ ...old, isMainAdmin: false }))
          yield* s.update(new Account({ ...next, isMainAdmin: true }))
          const mains = (yield* s.listByOrganization(org)).filter((a) => a.isMainAdmin).map((a) => a.id)
          assert.deepStrictEqual(mains, [next.id])
        })
      )

      it.effect("an organization's accounts are listed in creation order, deleted ones included, no others", () =>
        Effect.gen(function* () {
          const s = yield* AccountStore
          const org = yield* organization
          const first = yield* sampleAccount(org, { createdAt: at(1), updatedAt: at(1) })
          const second = yield* sampleAccount(org, { createdAt: at(2), updatedAt: at(2), status: "deleted" })
          const third = yield* sampleAccount(org, { createdAt: at(3), updatedAt: at(3), status: "invited" })
          const stranger = yield* sampleAccount(yield* organization)
          for (const a of [first, second, third, stranger]) yield* s.insert(a)
          // A later update does not move an account in the order.
          yield* s.update(new Account({ ...first, lastName: "Neumann", updatedAt: at(9) }))
          assert.deepStrictEqual(
            (yield* s.listByOrganization(org)).map((a) => a.id),
            [first.id, second.id, third.id]
          )
        })
      )

      it.effect(
        "an organization's members are paged in creation order, without deleted accounts, operators or strangers",
        () =>
          Effect.gen(function* () {
            const s = yield* AccountStore
            const org = yield* organization
            const first = yield* sampleAccount(org, { isMainAdmin: true })
            const gone = yield* sampleAccount(org, { status: "deleted" })
            const invited = yield* sampleAccount(org, { status: "invited" })
            const stranger = yield* sampleAccount(yield* organization)
            const deactivated = yield* sampleAccount(org, { status: "deactivated" })
            const operator = yield* sampleAccount(null)
            const last = yield* sampleAccount(org, { createdAt: at(0), updatedAt: at(0) })
            for (const a of [first, gone, invited, stranger, deactivated, operator, last]) yield* s.insert(a)
            // An update neither moves an account nor changes its key.
            const renamed = new Account({ ...first, lastName: "Neumann", updatedAt: at(9) })
            yield* s.update(renamed)

            const pages: Array<ReadonlyArray<KeyedAccount>> = []
            let after: string | undefined
            do {
              const found = yield* s.pageMembers(org, { limit: 2, after })
              pages.push(found)
              after = found.at(-1)?.key
            } while (after !== undefined)
            assert.deepStrictEqual(
              pages.map((p) => p.map((k) => k.account.id)),
              [[first.id, invited.id], [deactivated.id, last.id], []]
            )
            const keys = pages.flat().map((k) => k.key)
            assert.deepStrictEqual([...keys].sort(), keys)
            assert.strictEqual(new Set(keys).size, keys.length)
            for (const key of keys) assert.match(key, /^[\x20-\x7e]+$/u)
            assert.deepStrictEqual(json(pages[0]?.[0]?.account), json(renamed))
            assert.deepStrictEqual(yield* s.pageMembers(yield* organization, { limit: 5 }), [])
          })
      )

      it.effect("paging continues after its key while members join and leave in between", () =>
        Effect.gen(function* () {
          const s = yield* AccountStore
          const org = yield* organization
          const a = yield* sampleAccount(org)
          const b = yield* sampleAccount(org)
          const c = yield* sampleAccount(org)
          for (const x of [a, b, c]) yield* s.insert(x)
          const firstPage = yield* s.pageMembers(org, { limit: 2 })
          assert.deepStrictEqual(
            firstPage.map((k) => k.account.id),
            [a.id, b.id]
          )
          // b leaves, d joins: the next page neither repeats a nor skips c, and shows d after it.
          yield* s.update(new Account({ ...b, status: "deleted" }))
          const d = yield* sampleAccount(org)
          yield* s.insert(d)
          const next = yield* s.pageMembers(org, { limit: 2, after: firstPage[1]!.key })
          assert.deepStrictEqual(
            next.map((k) => k.account.id),
            [c.id, d.id]
          )
          // The same key again gives the same page: keys do not move.
          assert.deepStrictEqual(
            (yield* s.pageMembers(org, { limit: 2, after: firstPage[1]!.key })).map((k) => k.key),
            next.map((k) => k.key)
          )
        })
      )

      it.effect("a members page never holds more than its limit", () =>
        Effect.gen(function* () {
          const s = yield* AccountStore
          const org = yield* organization
          for (let i = 0; i < 5; i++) yield* s.insert(yield* sampleAccount(org))
          assert.strictEqual((yield* s.pageMembers(org, { limit: 1 })).length, 1)
          assert.strictEqual((yield* s.pageMembers(org, { limit: 4 })).length, 4)
          assert.strictEqual((yield* s.pageMembers(org, { limit: 200 })).length, 5)
        })
      )

      it.effect("a members page after a key the store did not make is empty", () =>
        Effect.gen(function* () {
          const s = yield* AccountStore
          const org = yield* organization
          yield* s.insert(yield* sampleAccount(org))
          for (const after of ["", "abc", "1", "-000000000000000001", "0".repeat(40), "' OR 1=1 --"])
            assert.deepStrictEqual(yield* s.pageMembers(org, { limit: 5, after }), [], after)
        })
      )
    })
  })
