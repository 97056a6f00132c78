import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { type InvalidInput, PermissionDenied } from "../../src/kernel/Errors.ts"
import { checkDigits } from "../../src/kernel/LeitwegId.ts"
import {
  AddressNotFound,
  DefaultAddressNotDeletable,
  DefaultAddressRequired
} from "../../src/organization/AddressBook.ts"
import { Addresses } from "../../src/organization/Addresses.ts"
import { AddressStore } from "../../src/organization/OrganizationStore.ts"
import { actorFor, auditOf, everything, makeAccount, makeRole, makeWorld, TestLayer } from "../members/fixtures.ts"

const validLeitwegId = `991-33333TEST-${checkDigits("991-33333TEST")}`

const billing = {
  kind: "billing",
  street: "Kämmereigasse 3",
  postalCode: "80331",
  city: "München",
  phone: "+49 89 233-1",
  leitwegId: validLeitwegId
}

const world = Effect.gen(function* () {
  const w = yield* makeWorld()
  const keeperRole = yield* makeRole(w.organization, ["organization.addresses.manage"])
  const keeper = yield* makeAccount(w.organization, { roleIds: [keeperRole.id] })
  const employee = yield* makeAccount(w.organization)
  return { ...w, keeper, employee }
})

const defaults = (organizationId: Parameters<typeof everything>[0]) =>
  AddressStore.use((s) => s.listByOrganization(organizationId)).pipe(
    Effect.map((as) => as.filter((a) => a.isDefault).map((a) => a.id))
  )

describe("addresses („Adressen“)", () => {
  it.effect("addresses are created with a phone number, and billing addresses with a Leitweg-ID", () =>
    Effect.gen(function* () {
      const addresses = yield* Addresses
      const w = yield* world
      const created = yield* addresses.create(yield* actorFor(w.keeper), billing)
      assert.deepStrictEqual(
        [created.kind, created.phone, created.leitwegId, created.isDefault],
        ["billing", "+49 89 233-1", validLeitwegId, false]
      )
      assert.deepStrictEqual(yield* AddressStore.use((s) => s.get(created.id)), created)
      const event = (yield* auditOf(w.organization.id)).at(-1)!
      assert.deepStrictEqual([event.action, event.subject.id, event.before], ["address.created", created.id, null])
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("a Leitweg-ID is accepted only with valid check digits, and only on a billing address", () =>
    Effect.gen(function* () {
      const addresses = yield* Addresses
      const w = yield* world
      const keeper = yield* actorFor(w.keeper)
      const before = yield* everything(w.organization.id)
      const wrongDigits = `991-33333TEST-${String((Number(checkDigits("991-33333TEST")) + 1) % 100).padStart(2, "0")}`
      const bad = yield* Effect.flip(addresses.create(keeper, { ...billing, leitwegId: wrongDigits }))
      assert.deepStrictEqual(
        (bad as InvalidInput).issues.map((i) => i.path),
        ["leitwegId"]
      )
      const onLocation = yield* Effect.flip(addresses.create(keeper, { ...billing, kind: "location" }))
      assert.deepStrictEqual(
        (onLocation as InvalidInput).issues.map((i) => i.path),
        ["leitwegId"]
      )
      assert.deepStrictEqual(yield* everything(w.organization.id), before)
      // Turning a billing address into a location keeps no Leitweg-ID behind.
      const created = yield* addresses.create(keeper, billing)
      const refused = yield* Effect.flip(addresses.edit(keeper, created.id, { kind: "location" }))
      assert.deepStrictEqual(
        (refused as InvalidInput).issues.map((i) => i.path),
        ["leitwegId"]
      )
      const moved = yield* addresses.edit(keeper, created.id, { kind: "location", leitwegId: null })
      assert.deepStrictEqual([moved.kind, moved.leitwegId], ["location", null])
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("bad address input names every offending field and changes nothing", () =>
    Effect.gen(function* () {
      const addresses = yield* Addresses
      const w = yield* world
      const keeper = yield* actorFor(w.keeper)
      const before = yield* everything(w.organization.id)
      const bad = yield* Effect.flip(
        addresses.create(keeper, {
          kind: "zweitwohnsitz",
          street: "",
          postalCode: "8033",
          city: "",
          phone: "ruf mich an",
          leitwegId: "04011000-1234512345-07",
          isDefault: "ja"
        })
      )
      assert.deepStrictEqual(
        (bad as InvalidInput).issues.map((i) => i.path),
        ["kind", "street", "postalCode", "city", "phone", "leitwegId", "isDefault"]
      )
      const badEdit = yield* Effect.flip(addresses.edit(keeper, w.defaultAddress.id, { postalCode: 80331, phone: "x" }))
      assert.deepStrictEqual(
        (badEdit as InvalidInput).issues.map((i) => i.path),
        ["postalCode", "phone"]
      )
      assert.deepStrictEqual(yield* everything(w.organization.id), before)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("the default address cannot be deleted", () =>
    Effect.gen(function* () {
      const addresses = yield* Addresses
      const w = yield* world
      const before = yield* everything(w.organization.id)
      const refused = yield* Effect.flip(addresses.delete(yield* actorFor(w.mainAdmin), w.defaultAddress.id))
      assert.deepStrictEqual(refused, new DefaultAddressNotDeletable({ addressId: w.defaultAddress.id }))
      assert.deepStrictEqual(yield* everything(w.organization.id), before)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("any other address can be deleted", () =>
    Effect.gen(function* () {
      const addresses = yield* Addresses
      const w = yield* world
      const keeper = yield* actorFor(w.keeper)
      const created = yield* addresses.create(keeper, billing)
      yield* addresses.delete(keeper, created.id)
      assert.strictEqual(yield* AddressStore.use((s) => s.get(created.id)), undefined)
      const event = (yield* auditOf(w.organization.id)).at(-1)!
      assert.deepStrictEqual([event.action, event.after], ["address.deleted", null])
      assert.deepStrictEqual(
        yield* Effect.flip(addresses.delete(keeper, created.id)),
        new AddressNotFound({ addressId: created.id })
      )
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("making another address the default moves the flag in one unit of work", () =>
    Effect.gen(function* () {
      const addresses = yield* Addresses
      const w = yield* world
      const keeper = yield* actorFor(w.keeper)
      const other = yield* addresses.create(keeper, billing)
      const made = yield* addresses.makeDefault(keeper, other.id)
      assert.isTrue(made.isDefault)
      assert.deepStrictEqual(yield* defaults(w.organization.id), [other.id])
      const events = (yield* auditOf(w.organization.id)).slice(-2)
      assert.deepStrictEqual(
        events.map((e) => [e.action, e.subject.id]),
        [
          ["address.defaultMoved", w.defaultAddress.id],
          ["address.madeDefault", other.id]
        ]
      )
      // Making the default the default again changes nothing.
      const head = (yield* everything(w.organization.id)).audit
      yield* addresses.makeDefault(keeper, other.id)
      assert.deepStrictEqual((yield* everything(w.organization.id)).audit, head)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("creating or editing an address as the default moves the flag", () =>
    Effect.gen(function* () {
      const addresses = yield* Addresses
      const w = yield* world
      const keeper = yield* actorFor(w.keeper)
      const created = yield* addresses.create(keeper, { ...billing, isDefault: true })
      assert.deepStrictEqual(yield* defaults(w.organization.id), [created.id])
      yield* addresses.edit(keeper, w.defaultAddress.id, { isDefault: true, phone: null })
      assert.deepStrictEqual(yield* defaults(w.organization.id), [w.defaultAddress.id])
      assert.isNull((yield* AddressStore.use((s) => s.get(w.defaultAddress.id)))!.phone)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("the default flag cannot simply be taken away: exactly one address stays the default", () =>
    Effect.gen(function* () {
      const addresses = yield* Addresses
      const w = yield* world
      const refused = yield* Effect.flip(
        addresses.edit(yield* actorFor(w.keeper), w.defaultAddress.id, { isDefault: false })
      )
      assert.deepStrictEqual(refused, new DefaultAddressRequired({ addressId: w.defaultAddress.id }))
      assert.deepStrictEqual(yield* defaults(w.organization.id), [w.defaultAddress.id])
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("an organization's first address becomes its default", () =>
    Effect.gen(function* () {
      const addresses = yield* Addresses
      const w = yield* world
      // A migrated organization may come without any address.
      yield* AddressStore.use((s) => s.delete(w.defaultAddress.id))
      const first = yield* addresses.create(yield* actorFor(w.keeper), { ...billing, isDefault: false })
      assert.isTrue(first.isDefault)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("everyone sees the addresses; changing them needs organization.addresses.manage", () =>
    Effect.gen(function* () {
      const addresses = yield* Addresses
      const w = yield* world
      const employee = yield* actorFor(w.employee)
      const keeper = yield* actorFor(w.keeper)
      const second = yield* addresses.create(keeper, billing)
      const listed = yield* addresses.list(employee)
      assert.deepStrictEqual(
        listed.items.map((a) => a.id),
        [w.defaultAddress.id, second.id]
      )
      const before = yield* everything(w.organization.id)
      const denied = new PermissionDenied({ permission: "organization.addresses.manage" })
      for (const attempt of <Array<Effect.Effect<unknown, unknown>>>[
        addresses.create(employee, billing),
        addresses.edit(employee, second.id, { city: "Augsburg" }),
        addresses.delete(employee, second.id),
        addresses.makeDefault(employee, second.id)
      ])
        assert.deepStrictEqual(yield* Effect.flip(attempt), denied)
      assert.deepStrictEqual(yield* everything(w.organization.id), before)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("an admin of one organization cannot touch an address of another: not found, never forbidden", () =>
    Effect.gen(function* () {
      const addresses = yield* Addresses
      const mine = yield* world
      const theirs = yield* world
      const admin = yield* actorFor(mine.mainAdmin)
      const before = yield* everything(theirs.organization.id)
      const target = theirs.defaultAddress.id
      const notFound = new AddressNotFound({ addressId: target })
      for (const attempt of <Array<Effect.Effect<unknown, unknown>>>[
        addresses.edit(admin, target, { city: "Augsburg" }),
        addresses.delete(admin, target),
        addresses.makeDefault(admin, target)
      ])
        assert.deepStrictEqual(yield* Effect.flip(attempt), notFound)
      assert.notInclude(
        (yield* addresses.list(admin)).items.map((a) => a.id),
        target
      )
      assert.deepStrictEqual(yield* everything(theirs.organization.id), before)
    }).pipe(Effect.provide(TestLayer))
  )
})
