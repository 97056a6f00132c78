import { assert, describe, layer } from "@effect/vitest"
import { DateTime, Effect, Layer, Schema } from "effect"
import type { OrganizationId } from "../kernel/Ids.ts"
import { newId, SecureRandom } from "../kernel/SecureRandom.ts"
import { Organization } from "../organization/Organization.ts"
import { OrganizationAlreadyRegistered, OrganizationStore } from "../organization/OrganizationStore.ts"

const OrganizationJson = Schema.toCodecJson(Organization)
const json = (o: Organization | undefined) => (o === undefined ? undefined : Schema.encodeSync(OrganizationJson)(o))

const created = DateTime.makeUnsafe("2025-02-03T08:15:00.250Z")

/** A fresh organization whose name no other test uses. */
export const sampleOrganization = (fields: Partial<Omit<Organization, "id">> = {}) =>
  Effect.gen(function* () {
    const id = yield* newId<OrganizationId>("org")
    return new Organization({
      id,
      name: `Kreisverwaltung Bad Dürkheim ${id}`,
      legalForm: "Körperschaft des öffentlichen Rechts",
      administrativeLevel: "municipal",
      federalState: "DE-RP",
      capabilities: ["customer"],
      supplementary: { website: null, contactEmail: null, note: null },
      masterDataReviewRequired: false,
      createdAt: created,
      updatedAt: created,
      ...fields
    })
  })

/**
 * The contract of every `OrganizationStore`: organizations read back unchanged, and their names are unique
 * after normalization (NFKC, case, inner whitespace), on insert and on update alike, so that "already
 * registered" (DOMAIN §2) holds under concurrency. A database does this with a unique index on the
 * normalized name.
 */
export const organizationStoreSuite = <E>(name: string, organizations: Layer.Layer<OrganizationStore, E>) =>
  describe(`OrganizationStore conformance: ${name}`, () => {
    layer(Layer.merge(organizations, SecureRandom.layerWebCrypto))((it) => {
      it.effect("an inserted organization reads back unchanged", () =>
        Effect.gen(function* () {
          const s = yield* OrganizationStore
          const full = yield* sampleOrganization({
            capabilities: ["customer", "provider", "intermediary"],
            supplementary: {
              website: "https://www.example-kreis.de/",
              contactEmail: "poststelle@example-kreis.de",
              note: "Öffnungszeiten: Mo–Fr 8–12 Uhr ✓"
            },
            masterDataReviewRequired: true
          })
          const federal = yield* sampleOrganization({ administrativeLevel: "federal", federalState: null })
          yield* s.insert(full)
          yield* s.insert(federal)
          assert.deepStrictEqual(json(yield* s.get(full.id)), json(full))
          assert.deepStrictEqual(json(yield* s.get(federal.id)), json(federal))
        })
      )

      it.effect("an unknown organization id finds nothing", () =>
        Effect.gen(function* () {
          const s = yield* OrganizationStore
          assert.strictEqual(yield* s.get("org_unknown" as OrganizationId), undefined)
        })
      )

      it.effect("organization names are found case-, width- and whitespace-insensitively", () =>
        Effect.gen(function* () {
          const s = yield* OrganizationStore
          const o = yield* sampleOrganization()
          yield* s.insert(o)
          // Full-width letters fold under NFKC; case does not count; runs of whitespace collapse.
          const variant = `  ＫＲＥＩＳverwaltung   BAD dürkheim ${o.id.toUpperCase()} `
          assert.strictEqual((yield* s.findByName(variant))?.id, o.id)
          assert.strictEqual(yield* s.findByName(`${o.name} II`), undefined)
        })
      )

      it.effect("a second organization with the same normalized name is refused, and the first stays", () =>
        Effect.gen(function* () {
          const s = yield* OrganizationStore
          const first = yield* sampleOrganization()
          const second = yield* sampleOrganization({ name: `  ${first.name.toLowerCase()}  ` })
          yield* s.insert(first)
          const refused = yield* Effect.flip(s.insert(second))
          assert.instanceOf(refused, OrganizationAlreadyRegistered)
          assert.strictEqual(yield* s.get(second.id), undefined)
          assert.deepStrictEqual(json(yield* s.get(first.id)), json(first))
        })
      )

      it.effect("renaming an organization to another organization's name is refused", () =>
        Effect.gen(function* () {
          const s = yield* OrganizationStore
          const a = yield* sampleOrganization()
          const b = yield* sampleOrganization()
          yield* s.insert(a)
          yield* s.insert(b)
          const refused = yield* Effect.flip(s.update(new Organization({ ...b, name: a.name.toUpperCase() })))
          assert.instanceOf(refused, OrganizationAlreadyRegistered)
          assert.deepStrictEqual(json(yield* s.get(b.id)), json(b))
        })
      )

      it.effect("an update replaces the organization; a renamed one is found by its new name only", () =>
        Effect.gen(function* () {
          const s = yield* OrganizationStore
          const o = yield* sampleOrganization()
          yield* s.insert(o)
          // Keeping its own name is no conflict with itself.
          const reviewed = new Organization({ ...o, masterDataReviewRequired: true, legalForm: "Anstalt" })
          yield* s.update(reviewed)
          assert.deepStrictEqual(json(yield* s.get(o.id)), json(reviewed))
          const renamed = new Organization({
            ...reviewed,
            name: `Verbandsgemeinde Deidesheim ${o.id}`,
            updatedAt: DateTime.makeUnsafe("2025-06-01T00:00:00Z")
          })
          yield* s.update(renamed)
          assert.deepStrictEqual(json(yield* s.get(o.id)), json(renamed))
          assert.strictEqual((yield* s.findByName(renamed.name))?.id, o.id)
          assert.strictEqual(yield* s.findByName(o.name), undefined)
          // The old name is free again.
          const successor = yield* sampleOrganization({ name: o.name })
          yield* s.insert(successor)
          assert.strictEqual((yield* s.findByName(o.name))?.id, successor.id)
        })
      )
    })
  })
