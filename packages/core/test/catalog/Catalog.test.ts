import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Catalog } from "../../src/catalog/Catalog.ts"
import { OfferingStore } from "../../src/catalog/OfferingStore.ts"
import { AuditLog } from "../../src/kernel/Audit.ts"
import type { InvalidInput } from "../../src/kernel/Errors.ts"
import { draft, organization } from "./fixtures.ts"
import { addMember, addOperator, addOrganization, worldLayer } from "./world.ts"

/** A provider with a catalog manager, govdigital as intermediary, and a customer member. */
const setup = Effect.gen(function* () {
  const provider = yield* addOrganization(organization("org_provider", { capabilities: ["provider"] }))
  yield* addOrganization(organization("org_govdigital", { capabilities: ["intermediary"] }))
  const customerOrg = yield* addOrganization(organization("org_customer"))
  return {
    provider,
    manager: yield* addMember(provider, ["catalog.manage"]),
    customer: yield* addMember(customerOrg, [])
  }
})

const catalog = Catalog
const paths = (e: InvalidInput) => e.issues.map((i) => i.path).sort()
const allOfferings = OfferingStore.use((s) => s.list({ activeOnly: false }, { limit: 1000 }))

describe("catalog", () => {
  it.effect("a provider's catalog manager publishes an offering as its first version, audited", () =>
    Effect.gen(function* () {
      const { provider, manager } = yield* setup
      const o = yield* catalog.use((c) => c.create(manager, draft()))
      assert.strictEqual(o.version, 1)
      assert.strictEqual(o.providerId, provider.id)
      const events = yield* AuditLog.use((l) => l.list(provider.id, { afterSequence: 0, limit: 10 }))
      assert.deepStrictEqual(
        events.map((e) => e.action),
        ["offering.created"]
      )
    }).pipe(Effect.provide(worldLayer()))
  )

  it.effect("publishing an offering needs catalog.manage", () =>
    Effect.gen(function* () {
      const { provider } = yield* setup
      const member = yield* addMember(provider, ["organization.profile.edit"])
      const error = yield* Effect.flip(catalog.use((c) => c.create(member, draft())))
      assert.strictEqual(error._tag, "PermissionDenied")
      assert.deepStrictEqual(yield* allOfferings, [])
    }).pipe(Effect.provide(worldLayer()))
  )

  it.effect("only provider organizations publish offerings", () =>
    Effect.gen(function* () {
      yield* setup
      const town = yield* addOrganization(organization("org_town"))
      const manager = yield* addMember(town, ["catalog.manage"])
      const error = yield* Effect.flip(catalog.use((c) => c.create(manager, draft())))
      assert.strictEqual(error._tag, "NotAProvider")
      assert.deepStrictEqual(yield* allOfferings, [])
    }).pipe(Effect.provide(worldLayer()))
  )

  it.effect("bad catalog input names every field and writes nothing", () =>
    Effect.gen(function* () {
      const { provider, manager } = yield* setup
      const bad = draft({
        name: { de: "", en: "Storage" },
        serviceType: "XaaS" as never,
        pricePlans: [{ _tag: "OneTime", id: "p", name: { de: "a", en: "a" }, amountCents: -1 }],
        properties: [
          { key: "1bad", label: { de: "x", en: "x" }, required: true, type: { _tag: "Integer", min: 1, max: 2 } },
          {
            key: "ok",
            label: { de: "x", en: "x" },
            required: true,
            type: { _tag: "Text", maxLength: 5, pattern: "[unclosed" }
          }
        ],
        supportedContractModels: []
      })
      const error = yield* Effect.flip(catalog.use((c) => c.create(manager, bad)))
      assert.strictEqual(error._tag, "InvalidInput")
      if (error._tag === "InvalidInput")
        assert.deepStrictEqual(paths(error), [
          "name.de",
          "pricePlans.0.amountCents",
          "properties.0.key",
          "properties.1.type.pattern",
          "serviceType",
          "supportedContractModels"
        ])
      assert.deepStrictEqual(yield* allOfferings, [])
      assert.deepStrictEqual(yield* AuditLog.use((l) => l.list(provider.id, { afterSequence: 0, limit: 10 })), [])
    }).pipe(Effect.provide(worldLayer()))
  )

  it.effect(
    "price plan ids and property keys are unique, and flip contracts and EfA services need an intermediary",
    () =>
      Effect.gen(function* () {
        const { manager } = yield* setup
        const plan = { _tag: "Free", id: "same", name: { de: "a", en: "a" } } as const
        const prop = { key: "k", label: { de: "x", en: "x" }, required: false, type: { _tag: "Boolean" } } as const
        const error = yield* Effect.flip(
          catalog.use((c) =>
            c.create(manager, draft({ pricePlans: [plan, plan], properties: [prop, prop], intermediaryId: null }))
          )
        )
        assert.strictEqual(error._tag, "InvalidInput")
        if (error._tag === "InvalidInput")
          assert.deepStrictEqual(paths(error), ["intermediaryId", "pricePlans.1.id", "properties.1.key"])
        const efa = yield* Effect.flip(
          catalog.use((c) =>
            c.create(manager, draft({ supportedContractModels: ["DV"], efa: true, intermediaryId: null }))
          )
        )
        assert.strictEqual(efa._tag, "InvalidInput")
        yield* catalog.use((c) => c.create(manager, draft({ supportedContractModels: ["DV"], intermediaryId: null })))
      }).pipe(Effect.provide(worldLayer()))
  )

  it.effect("the intermediary must be an intermediary organization", () =>
    Effect.gen(function* () {
      const { manager } = yield* setup
      const error = yield* Effect.flip(catalog.use((c) => c.create(manager, draft({ intermediaryId: "org_customer" }))))
      assert.strictEqual(error._tag, "InvalidInput")
      if (error._tag === "InvalidInput") assert.deepStrictEqual(paths(error), ["intermediaryId"])
      assert.deepStrictEqual(yield* allOfferings, [])
    }).pipe(Effect.provide(worldLayer()))
  )

  it.effect("an update is a new version, and the version an order was placed on stays as it was", () =>
    Effect.gen(function* () {
      const { manager, customer } = yield* setup
      const v1 = yield* catalog.use((c) => c.create(manager, draft()))
      const v2 = yield* catalog.use((c) =>
        c.update(manager, v1.id, { name: { de: "Speicher Plus", en: "Storage plus" } })
      )
      assert.strictEqual(v2.version, 2)
      assert.strictEqual(v2.portfolioCategory, v1.portfolioCategory, "fields not in the patch are kept")
      assert.deepStrictEqual((yield* catalog.use((c) => c.get(customer, v1.id))).name.de, "Speicher Plus")
      const old = yield* catalog.use((c) => c.getVersion(customer, v1.id, 1))
      assert.deepStrictEqual(old.name, v1.name)
      const missing = yield* Effect.flip(catalog.use((c) => c.getVersion(customer, v1.id, 3)))
      assert.strictEqual(missing._tag, "OfferingNotFound")
    }).pipe(Effect.provide(worldLayer()))
  )

  it.effect("a patch is checked with the fields it keeps, and a bad patch writes nothing", () =>
    Effect.gen(function* () {
      const { manager } = yield* setup
      const v1 = yield* catalog.use((c) =>
        c.create(manager, draft({ supportedContractModels: ["DV"], intermediaryId: null }))
      )
      const error = yield* Effect.flip(
        catalog.use((c) => c.update(manager, v1.id, { supportedContractModels: ["UV"] }))
      )
      assert.strictEqual(error._tag, "InvalidInput")
      if (error._tag === "InvalidInput") assert.deepStrictEqual(paths(error), ["intermediaryId"])
      const bad = yield* Effect.flip(catalog.use((c) => c.update(manager, v1.id, { serviceType: "XaaS", efa: "ja" })))
      if (bad._tag === "InvalidInput") assert.deepStrictEqual(paths(bad), ["efa", "serviceType"])
      else assert.fail(bad._tag)
      assert.strictEqual((yield* OfferingStore.use((s) => s.getLatest(v1.id)))?.version, 1)
    }).pipe(Effect.provide(worldLayer()))
  )

  it.effect("another organization cannot edit an offering", () =>
    Effect.gen(function* () {
      const { manager } = yield* setup
      const rival = yield* addOrganization(organization("org_rival", { capabilities: ["provider"] }))
      const rivalManager = yield* addMember(rival, ["catalog.manage"])
      const active = yield* catalog.use((c) => c.create(manager, draft()))
      const hidden = yield* catalog.use((c) => c.create(manager, draft({ active: false })))
      const denied = yield* Effect.flip(catalog.use((c) => c.update(rivalManager, active.id, { active: false })))
      assert.strictEqual(denied._tag, "PermissionDenied")
      const unseen = yield* Effect.flip(catalog.use((c) => c.update(rivalManager, hidden.id, { active: true })))
      assert.strictEqual(unseen._tag, "OfferingNotFound")
    }).pipe(Effect.provide(worldLayer()))
  )

  it.effect("customers see only active offerings; the provider and the operator also see inactive ones", () =>
    Effect.gen(function* () {
      const { provider, manager, customer } = yield* setup
      const operator = yield* addOperator
      const shown = yield* catalog.use((c) => c.create(manager, draft()))
      const hidden = yield* catalog.use((c) => c.create(manager, draft({ active: false })))
      const ids = (page: { items: ReadonlyArray<{ id: string }> }) => page.items.map((o) => o.id).sort()
      assert.deepStrictEqual(ids(yield* catalog.use((c) => c.list(customer, { providerId: provider.id }))), [shown.id])
      assert.deepStrictEqual(
        ids(yield* catalog.use((c) => c.list(manager, { providerId: provider.id }))),
        [shown.id, hidden.id].sort()
      )
      assert.deepStrictEqual(ids(yield* catalog.use((c) => c.list(operator))), [shown.id, hidden.id].sort())
      assert.strictEqual((yield* Effect.flip(catalog.use((c) => c.get(customer, hidden.id))))._tag, "OfferingNotFound")
      assert.strictEqual((yield* catalog.use((c) => c.get(manager, hidden.id))).id, hidden.id)
      // Its versions are hidden the same way: a withdrawn offering does not leak through its version history.
      assert.strictEqual(
        (yield* Effect.flip(catalog.use((c) => c.getVersion(customer, hidden.id, 1))))._tag,
        "OfferingNotFound"
      )
      assert.strictEqual((yield* catalog.use((c) => c.getVersion(manager, hidden.id, 1))).id, hidden.id)
      assert.strictEqual((yield* catalog.use((c) => c.getVersion(operator, hidden.id, 1))).id, hidden.id)
    }).pipe(Effect.provide(worldLayer()))
  )

  it.effect("the catalog filters by service type, category, provider and EfA, and pages with an opaque cursor", () =>
    Effect.gen(function* () {
      const { manager, customer } = yield* setup
      const iaas = yield* catalog.use((c) => c.create(manager, draft()))
      const saas = yield* catalog.use((c) =>
        c.create(manager, draft({ serviceType: "SaaS", efa: true, portfolioCategory: "Fachverfahren" }))
      )
      const paas = yield* catalog.use((c) => c.create(manager, draft({ serviceType: "PaaS" })))
      const ids = (page: { items: ReadonlyArray<{ id: string }> }) => page.items.map((o) => o.id).sort()
      assert.deepStrictEqual(ids(yield* catalog.use((c) => c.list(customer, { serviceType: "SaaS" }))), [saas.id])
      assert.deepStrictEqual(ids(yield* catalog.use((c) => c.list(customer, { efa: true }))), [saas.id])
      assert.deepStrictEqual(
        ids(yield* catalog.use((c) => c.list(customer, { portfolioCategory: "Speicher" }))),
        [iaas.id, paas.id].sort()
      )
      const first = yield* catalog.use((c) => c.list(customer, { limit: 2 }))
      assert.strictEqual(first.items.length, 2)
      assert.isString(first.nextCursor)
      const second = yield* catalog.use((c) => c.list(customer, { limit: 2, cursor: first.nextCursor! }))
      assert.strictEqual(second.items.length, 1)
      assert.isNull(second.nextCursor)
      assert.deepStrictEqual([...ids(first), ...ids(second)].sort(), [iaas.id, saas.id, paas.id].sort())
      const bad = yield* Effect.flip(catalog.use((c) => c.list(customer, { cursor: "???", limit: 0 })))
      if (bad._tag === "InvalidInput") assert.deepStrictEqual(paths(bad), ["cursor", "limit"])
      else assert.fail(bad._tag)
    }).pipe(Effect.provide(worldLayer()))
  )
})
