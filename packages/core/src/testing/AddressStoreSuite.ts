import { assert, describe, layer } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import type { AddressId, OrganizationId } from "../kernel/Ids.ts"
import type { LeitwegId } from "../kernel/LeitwegId.ts"
import { newId, SecureRandom } from "../kernel/SecureRandom.ts"
import { Address } from "../organization/Organization.ts"
import { AddressStore, DefaultAddressConflict, OrganizationStore } from "../organization/OrganizationStore.ts"
import { sampleOrganization } from "./OrganizationStoreSuite.ts"

const AddressJson = Schema.toCodecJson(Address)
const json = (a: Address | undefined) => (a === undefined ? undefined : Schema.encodeSync(AddressJson)(a))
const sorted = (as: ReadonlyArray<Address>) => [...as].sort((x, y) => (x.id < y.id ? -1 : 1)).map(json)

/** A new organization in the store, for addresses to belong to (a database checks the reference). */
const organization = Effect.gen(function* () {
  const o = yield* sampleOrganization()
  yield* OrganizationStore.use((s) => s.insert(o))
  return o.id
})

const sampleAddress = (organizationId: OrganizationId, fields: Partial<Omit<Address, "id" | "organizationId">> = {}) =>
  Effect.gen(function* () {
    return new Address({
      id: yield* newId<AddressId>("adr"),
      organizationId,
      kind: "location",
      street: "Weinstraße 12",
      postalCode: "67098",
      city: "Bad Dürkheim",
      phone: "+49 6322 961-0",
      leitwegId: null,
      isDefault: false,
      ...fields
    })
  })

/**
 * The contract of every `AddressStore`: addresses read back unchanged, belong to one organization, and each
 * organization has at most one default address ("Standardadresse", DOMAIN §5). The store refuses a second
 * default on insert and on update, so a use case moving the flag must clear the old one first, in the same
 * unit of work. A database does this with a partial unique index on the organization where `is_default`.
 */
export const addressStoreSuite = <E>(name: string, stores: Layer.Layer<AddressStore | OrganizationStore, E>) =>
  describe(`AddressStore conformance: ${name}`, () => {
    layer(Layer.merge(stores, SecureRandom.layerWebCrypto))((it) => {
      it.effect("an inserted address reads back unchanged", () =>
        Effect.gen(function* () {
          const s = yield* AddressStore
          const org = yield* organization
          const location = yield* sampleAddress(org, { isDefault: true })
          const billing = yield* sampleAddress(org, {
            kind: "billing",
            street: "Rathausplatz 1 – Kämmerei",
            phone: null,
            leitwegId: "04011000-1234512345-06" as LeitwegId
          })
          yield* s.insert(location)
          yield* s.insert(billing)
          assert.deepStrictEqual(json(yield* s.get(location.id)), json(location))
          assert.deepStrictEqual(json(yield* s.get(billing.id)), json(billing))
          assert.strictEqual(yield* s.get("adr_unknown" as AddressId), undefined)
        })
      )

      it.effect("an organization's addresses are listed, and no other organization's", () =>
        Effect.gen(function* () {
          const s = yield* AddressStore
          const mine = yield* organization
          const theirs = yield* organization
          const a = yield* sampleAddress(mine, { isDefault: true })
          const b = yield* sampleAddress(mine)
          const c = yield* sampleAddress(theirs, { isDefault: true })
          for (const x of [a, b, c]) yield* s.insert(x)
          assert.deepStrictEqual(sorted(yield* s.listByOrganization(mine)), sorted([a, b]))
          assert.deepStrictEqual(sorted(yield* s.listByOrganization(theirs)), sorted([c]))
          assert.deepStrictEqual(yield* s.listByOrganization(yield* newId<OrganizationId>("org")), [])
        })
      )

      it.effect("a second default address of one organization is refused on insert", () =>
        Effect.gen(function* () {
          const s = yield* AddressStore
          const org = yield* organization
          const first = yield* sampleAddress(org, { isDefault: true })
          const second = yield* sampleAddress(org, { isDefault: true })
          yield* s.insert(first)
          assert.instanceOf(yield* Effect.flip(s.insert(second)), DefaultAddressConflict)
          assert.deepStrictEqual(sorted(yield* s.listByOrganization(org)), sorted([first]))
        })
      )

      it.effect("a second default address of one organization is refused on update", () =>
        Effect.gen(function* () {
          const s = yield* AddressStore
          const org = yield* organization
          const first = yield* sampleAddress(org, { isDefault: true })
          const other = yield* sampleAddress(org)
          yield* s.insert(first)
          yield* s.insert(other)
          const refused = yield* Effect.flip(s.update(new Address({ ...other, isDefault: true })))
          assert.instanceOf(refused, DefaultAddressConflict)
          assert.deepStrictEqual(json(yield* s.get(other.id)), json(other))
        })
      )

      it.effect("each organization has its own default address", () =>
        Effect.gen(function* () {
          const s = yield* AddressStore
          const a = yield* sampleAddress(yield* organization, { isDefault: true })
          const b = yield* sampleAddress(yield* organization, { isDefault: true })
          yield* s.insert(a)
          yield* s.insert(b)
          assert.isTrue((yield* s.get(a.id))?.isDefault)
          assert.isTrue((yield* s.get(b.id))?.isDefault)
        })
      )

      it.effect("the default moves when the old default gives up its flag first", () =>
        Effect.gen(function* () {
          const s = yield* AddressStore
          const org = yield* organization
          const old = yield* sampleAddress(org, { isDefault: true })
          const next = yield* sampleAddress(org)
          yield* s.insert(old)
          yield* s.insert(next)
          yield* s.update(new Address({ ...old, isDefault: false }))
          yield* s.update(new Address({ ...next, isDefault: true, phone: "0621 504-0" }))
          const defaults = (yield* s.listByOrganization(org)).filter((a) => a.isDefault)
          assert.deepStrictEqual(
            defaults.map((a) => [a.id, a.phone]),
            [[next.id, "0621 504-0"]]
          )
        })
      )

      it.effect("a deleted address is gone, and deleting it again is no error", () =>
        Effect.gen(function* () {
          const s = yield* AddressStore
          const org = yield* organization
          const keep = yield* sampleAddress(org, { isDefault: true })
          const gone = yield* sampleAddress(org)
          yield* s.insert(keep)
          yield* s.insert(gone)
          yield* s.delete(gone.id)
          yield* s.delete(gone.id)
          assert.strictEqual(yield* s.get(gone.id), undefined)
          assert.deepStrictEqual(sorted(yield* s.listByOrganization(org)), sorted([keep]))
        })
      )
    })
  })
