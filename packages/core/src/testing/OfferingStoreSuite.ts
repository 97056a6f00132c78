import { assert, describe, layer } from "@effect/vitest"
import { DateTime, Effect, Layer, Schema } from "effect"
import { Offering } from "../catalog/Offering.ts"
import { type OfferingFilter, OfferingStore } from "../catalog/OfferingStore.ts"
import type { OfferingId, OrganizationId, PricePlanId } from "../kernel/Ids.ts"
import { newId, SecureRandom } from "../kernel/SecureRandom.ts"
import { UnitOfWork } from "../kernel/UnitOfWork.ts"

const OfferingJson = Schema.toCodecJson(Offering)
/** Offerings as plain JSON, so comparisons see every field and nothing of how a store caches values. */
const json = (offerings: ReadonlyArray<Offering | undefined>) =>
  offerings.map((o) => (o === undefined ? undefined : Schema.encodeSync(OfferingJson)(o)))

const text = (de: string) => ({ de, en: `${de} (en)` })

/** An offering with every kind of price plan and property, so a round trip exercises every field. */
const sample = Effect.fnUntraced(function* (
  fields: Partial<ConstructorParameters<typeof Offering>[0]> & { readonly providerId: OrganizationId }
) {
  return new Offering({
    id: yield* newId<OfferingId>("off"),
    version: 1,
    name: text("Objektspeicher"),
    description: text("S3-kompatibel, „georedundant“"),
    portfolioCategory: "Speicher",
    serviceType: "IaaS",
    pricePlans: [
      { _tag: "OneTime", id: "p1" as PricePlanId, name: text("Einrichtung"), amountCents: 123_45 },
      { _tag: "MonthlyRecurring", id: "p2" as PricePlanId, name: text("Monat"), monthlyCents: 99_00, termMonths: null },
      {
        _tag: "PerUnit",
        id: "p3" as PricePlanId,
        name: text("Pro Nutzer"),
        unitCents: 4_50,
        unit: text("Nutzer"),
        billing: "monthly",
        termMonths: 24
      },
      { _tag: "Free", id: "p4" as PricePlanId, name: text("Test") }
    ],
    properties: [
      { key: "host", label: text("Host"), required: true, type: { _tag: "Text", maxLength: 63, pattern: "[a-z]+" } },
      { key: "cpus", label: text("CPUs"), required: false, type: { _tag: "Integer", min: 1, max: 64 } },
      { key: "backup", label: text("Backup"), required: false, type: { _tag: "Boolean" } },
      { key: "zone", label: text("Zone"), required: true, type: { _tag: "Choice", options: ["a", "b"] } }
    ],
    provisioningTime: text("5 Werktage"),
    maturity: { level: 2, description: text("Pilot") },
    conditions: { version: "2025-01", text: "Bedingungen" },
    supportedContractModels: ["DV", "UV"],
    customerCircles: {
      DV: { administrativeLevels: ["municipal"], federalStates: ["DE-BY"], organizationIds: [] },
      UV: null
    },
    intermediaryId: "org_govdigital" as OrganizationId,
    efa: false,
    active: true,
    createdAt: DateTime.makeUnsafe("2025-03-01T12:00:00.123Z"),
    ...fields
  })
})

const next = (o: Offering, fields: Partial<ConstructorParameters<typeof Offering>[0]> = {}) =>
  new Offering({ ...o, version: o.version + 1, ...fields })

const newProvider = newId<OrganizationId>("org")

/**
 * The contract of every `OfferingStore`: versions append gaplessly per offering (compare-and-set on the
 * version), every version stays readable, lists show latest versions ordered by id, filtered and paged.
 * Each test lists only offerings of a provider it made up, so tests share nothing.
 */
export const offeringStoreSuite = <E>(name: string, store: Layer.Layer<OfferingStore | UnitOfWork, E>) =>
  describe(`OfferingStore conformance: ${name}`, () => {
    layer(Layer.merge(store, SecureRandom.layerWebCrypto))((it) => {
      const insert = (o: Offering) => OfferingStore.use((s) => s.insertVersion(o))
      const list = (filter: OfferingFilter, limit = 100, after?: OfferingId) =>
        OfferingStore.use((s) => s.list(filter, { limit, after }))

      it.effect("an offering reads back unchanged, every field of it", () =>
        Effect.gen(function* () {
          const o = yield* sample({ providerId: yield* newProvider })
          yield* insert(o)
          assert.deepStrictEqual(json([yield* OfferingStore.use((s) => s.getLatest(o.id))]), json([o]))
          assert.deepStrictEqual(json([yield* OfferingStore.use((s) => s.getVersion(o.id, 1))]), json([o]))
        })
      )

      it.effect("an unknown offering or version finds nothing", () =>
        Effect.gen(function* () {
          const o = yield* sample({ providerId: yield* newProvider })
          yield* insert(o)
          assert.isUndefined(yield* OfferingStore.use((s) => s.getLatest(`${o.id}x` as OfferingId)))
          assert.isUndefined(yield* OfferingStore.use((s) => s.getVersion(o.id, 2)))
        })
      )

      it.effect("a new version becomes the latest and the old version stays as it was", () =>
        Effect.gen(function* () {
          const v1 = yield* sample({ providerId: yield* newProvider })
          const v2 = next(v1, { name: text("Objektspeicher Plus") })
          yield* insert(v1)
          yield* insert(v2)
          assert.deepStrictEqual(json([yield* OfferingStore.use((s) => s.getLatest(v1.id))]), json([v2]))
          assert.deepStrictEqual(json([yield* OfferingStore.use((s) => s.getVersion(v1.id, 1))]), json([v1]))
        })
      )

      it.effect("versions follow each other without gaps or repeats", () =>
        Effect.gen(function* () {
          const v1 = yield* sample({ providerId: yield* newProvider })
          assert.strictEqual((yield* Effect.flip(insert(next(v1))))._tag, "OfferingVersionConflict")
          yield* insert(v1)
          assert.strictEqual((yield* Effect.flip(insert(v1)))._tag, "OfferingVersionConflict")
          assert.strictEqual((yield* Effect.flip(insert(next(next(v1)))))._tag, "OfferingVersionConflict")
          yield* insert(next(v1))
          assert.strictEqual((yield* OfferingStore.use((s) => s.getLatest(v1.id)))?.version, 2)
        })
      )

      it.effect("two edits of the same version: the second one conflicts", () =>
        Effect.gen(function* () {
          const v1 = yield* sample({ providerId: yield* newProvider })
          yield* insert(v1)
          yield* insert(next(v1, { name: text("A") }))
          const error = yield* Effect.flip(insert(next(v1, { name: text("B") })))
          assert.strictEqual(error._tag, "OfferingVersionConflict")
          assert.deepStrictEqual((yield* OfferingStore.use((s) => s.getLatest(v1.id)))?.name, text("A"))
        })
      )

      it.effect("a failed unit of work leaves no version behind", () =>
        Effect.gen(function* () {
          const v1 = yield* sample({ providerId: yield* newProvider })
          yield* insert(v1)
          const uow = yield* UnitOfWork
          yield* Effect.flip(uow.transaction(Effect.andThen(insert(next(v1)), Effect.fail("boom" as const))))
          assert.strictEqual((yield* OfferingStore.use((s) => s.getLatest(v1.id)))?.version, 1)
          assert.isUndefined(yield* OfferingStore.use((s) => s.getVersion(v1.id, 2)))
          yield* insert(next(v1))
        })
      )

      it.effect("lists filter by service type, category, provider and EfA, showing latest versions", () =>
        Effect.gen(function* () {
          const providerId = yield* newProvider
          const category = `Kategorie ${yield* newId("c")}`
          const iaas = yield* sample({ providerId, portfolioCategory: category })
          const saas = yield* sample({ providerId, serviceType: "SaaS", efa: true })
          const paas = yield* sample({ providerId, serviceType: "PaaS", portfolioCategory: category })
          for (const o of [iaas, saas, paas]) yield* insert(o)
          yield* insert(next(paas, { serviceType: "SaaS" }))
          const ids = (os: ReadonlyArray<Offering>) => os.map((o) => o.id).sort()
          assert.deepStrictEqual(ids(yield* list({ providerId, activeOnly: false })), ids([iaas, saas, paas]))
          assert.deepStrictEqual(
            ids(yield* list({ providerId, serviceType: "SaaS", activeOnly: false })),
            ids([saas, paas])
          )
          assert.deepStrictEqual(
            ids(yield* list({ portfolioCategory: category, activeOnly: false })),
            ids([iaas, paas])
          )
          assert.deepStrictEqual(ids(yield* list({ providerId, efa: true, activeOnly: false })), [saas.id])
          assert.deepStrictEqual(ids(yield* list({ providerId, efa: false, activeOnly: false })), ids([iaas, paas]))
          assert.strictEqual(
            (yield* list({ providerId, serviceType: "SaaS", activeOnly: false })).find((o) => o.id === paas.id)
              ?.version,
            2
          )
        })
      )

      it.effect("active-only lists skip offerings whose latest version is inactive", () =>
        Effect.gen(function* () {
          const providerId = yield* newProvider
          const retired = yield* sample({ providerId })
          const revived = yield* sample({ providerId, active: false })
          yield* insert(retired)
          yield* insert(next(retired, { active: false }))
          yield* insert(revived)
          yield* insert(next(revived, { active: true }))
          const active = yield* list({ providerId, activeOnly: true })
          assert.deepStrictEqual(
            active.map((o) => o.id),
            [revived.id]
          )
          assert.strictEqual((yield* list({ providerId, activeOnly: false })).length, 2)
        })
      )

      it.effect("lists are ordered by id and continue after a given id, up to the limit", () =>
        Effect.gen(function* () {
          const providerId = yield* newProvider
          const all: Array<Offering> = []
          for (let i = 0; i < 5; i++) all.push(yield* sample({ providerId }))
          for (const o of all) yield* insert(o)
          const ids = all.map((o) => o.id).sort()
          const first = yield* list({ providerId, activeOnly: true }, 2)
          assert.deepStrictEqual(
            first.map((o) => o.id),
            ids.slice(0, 2)
          )
          const rest = yield* list({ providerId, activeOnly: true }, 10, first.at(-1)!.id)
          assert.deepStrictEqual(
            rest.map((o) => o.id),
            ids.slice(2)
          )
        })
      )
    })
  })
