import { assert, describe, layer } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import type { OrganizationId, RoleId } from "../kernel/Ids.ts"
import { permissionKeys } from "../kernel/Permission.ts"
import { newId, SecureRandom } from "../kernel/SecureRandom.ts"
import { organizationAdminRoleName, Role } from "../members/Account.ts"
import { RoleNameTaken, RoleStore } from "../members/AccountStore.ts"
import { OrganizationStore } from "../organization/OrganizationStore.ts"
import { sampleOrganization } from "./OrganizationStoreSuite.ts"

const RoleJson = Schema.toCodecJson(Role)
const json = (r: Role | undefined) => (r === undefined ? undefined : Schema.encodeSync(RoleJson)(r))
const sorted = (rs: ReadonlyArray<Role>) => [...rs].sort((x, y) => (x.id < y.id ? -1 : 1)).map(json)

const organization = Effect.gen(function* () {
  const o = yield* sampleOrganization()
  yield* OrganizationStore.use((s) => s.insert(o))
  return o.id
})

export const sampleRole = (organizationId: OrganizationId, fields: Partial<Omit<Role, "id" | "organizationId">> = {}) =>
  Effect.gen(function* () {
    return new Role({
      id: yield* newId<RoleId>("role"),
      organizationId,
      name: "Einkauf",
      permissions: ["orders.viewOrganization"],
      builtIn: false,
      ...fields
    })
  })

/**
 * The contract of every `RoleStore`: roles read back unchanged, belong to one organization, and their
 * names are unique within it after normalization (NFKC, case, inner whitespace), on insert and on update.
 * A database does this with a unique index on the organization and the normalized name.
 */
export const roleStoreSuite = <E>(name: string, stores: Layer.Layer<RoleStore | OrganizationStore, E>) =>
  describe(`RoleStore conformance: ${name}`, () => {
    layer(Layer.merge(stores, SecureRandom.layerWebCrypto))((it) => {
      it.effect("an inserted role reads back unchanged", () =>
        Effect.gen(function* () {
          const s = yield* RoleStore
          const org = yield* organization
          const admin = yield* sampleRole(org, {
            name: organizationAdminRoleName,
            permissions: permissionKeys,
            builtIn: true
          })
          const empty = yield* sampleRole(org, { name: "Lesende (ohne Rechte) – Prüfung", permissions: [] })
          yield* s.insert(admin)
          yield* s.insert(empty)
          assert.deepStrictEqual(json(yield* s.get(admin.id)), json(admin))
          assert.deepStrictEqual(json(yield* s.get(empty.id)), json(empty))
          assert.strictEqual(yield* s.get("role_unknown" as RoleId), undefined)
        })
      )

      it.effect("an organization's roles are listed, and no other organization's", () =>
        Effect.gen(function* () {
          const s = yield* RoleStore
          const mine = yield* organization
          const theirs = yield* organization
          const a = yield* sampleRole(mine, { name: "Einkauf" })
          const b = yield* sampleRole(mine, { name: "Adressen" })
          const c = yield* sampleRole(theirs, { name: "Einkauf" })
          for (const r of [a, b, c]) yield* s.insert(r)
          assert.deepStrictEqual(sorted(yield* s.listByOrganization(mine)), sorted([a, b]))
          assert.deepStrictEqual(sorted(yield* s.listByOrganization(theirs)), sorted([c]))
        })
      )

      it.effect("role names are unique within an organization, whatever their case, width or spacing", () =>
        Effect.gen(function* () {
          const s = yield* RoleStore
          const org = yield* organization
          const first = yield* sampleRole(org, { name: "Zentrale Beschaffung" })
          yield* s.insert(first)
          for (const name of ["zentrale beschaffung", "ZENTRALE  BESCHAFFUNG", "Ｚentrale Beschaffung"]) {
            const refused = yield* Effect.flip(s.insert(yield* sampleRole(org, { name })))
            assert.instanceOf(refused, RoleNameTaken)
          }
          assert.deepStrictEqual(sorted(yield* s.listByOrganization(org)), sorted([first]))
        })
      )

      it.effect("renaming a role to another role's name is refused; keeping its own name is not", () =>
        Effect.gen(function* () {
          const s = yield* RoleStore
          const org = yield* organization
          const a = yield* sampleRole(org, { name: "Einkauf" })
          const b = yield* sampleRole(org, { name: "Adressen" })
          yield* s.insert(a)
          yield* s.insert(b)
          assert.instanceOf(yield* Effect.flip(s.update(new Role({ ...b, name: "EINKAUF" }))), RoleNameTaken)
          assert.deepStrictEqual(json(yield* s.get(b.id)), json(b))
          const widened = new Role({ ...a, permissions: ["orders.viewOrganization", "members.invite"] })
          yield* s.update(widened)
          assert.deepStrictEqual(json(yield* s.get(a.id)), json(widened))
        })
      )

      it.effect("a deleted role is gone and its name free again", () =>
        Effect.gen(function* () {
          const s = yield* RoleStore
          const org = yield* organization
          const gone = yield* sampleRole(org)
          yield* s.insert(gone)
          yield* s.delete(gone.id)
          yield* s.delete(gone.id)
          assert.strictEqual(yield* s.get(gone.id), undefined)
          const again = yield* sampleRole(org, { name: gone.name })
          yield* s.insert(again)
          assert.deepStrictEqual(sorted(yield* s.listByOrganization(org)), sorted([again]))
        })
      )
    })
  })
