import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect } from "effect"
import { type InvalidInput, PermissionDenied } from "../../src/kernel/Errors.ts"
import type { OrganizationId } from "../../src/kernel/Ids.ts"
import { Address, Organization } from "../../src/organization/Organization.ts"
import { OrganizationProfile } from "../../src/organization/OrganizationProfile.ts"
import {
  AddressStore,
  OrganizationAlreadyRegistered,
  OrganizationStore
} from "../../src/organization/OrganizationStore.ts"
import { missingMasterData, OperatorOnly, OrganizationNotFound } from "../../src/organization/Profile.ts"
import {
  actorFor,
  auditOf,
  Declared,
  everything,
  makeAccount,
  makeOperator,
  makeRole,
  makeWorld,
  TestLayer
} from "../members/fixtures.ts"

const world = Effect.gen(function* () {
  const w = yield* makeWorld()
  const editorRole = yield* makeRole(w.organization, ["organization.profile.edit"])
  const editor = yield* makeAccount(w.organization, { roleIds: [editorRole.id] })
  const employee = yield* makeAccount(w.organization)
  return { ...w, editor, employee }
})

const stored = (id: OrganizationId) => OrganizationStore.use((s) => s.get(id)).pipe(Effect.map((o) => o!))
const declare = (id: OrganizationId) => Effect.map(Declared, (set) => void set.add(id))

describe("organization profile („Persönliches Profil“)", () => {
  it.effect("every member sees the profile with its supplementary information and flags", () =>
    Effect.gen(function* () {
      const profile = yield* OrganizationProfile
      const w = yield* world
      const view = yield* profile.get(yield* actorFor(w.employee))
      assert.strictEqual(view.organization.id, w.organization.id)
      assert.deepStrictEqual(view.organization.supplementary, { website: null, contactEmail: null, note: null })
      assert.strictEqual(view.defaultAddress?.id, w.defaultAddress.id)
      assert.deepStrictEqual(view.flags, {
        masterDataReviewRequired: false,
        masterDataComplete: false,
        inhouseDeclared: false
      })
      assert.deepStrictEqual(view.missing, ["inhouseDeclaration"])
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("members with organization.profile.edit edit the supplementary information", () =>
    Effect.gen(function* () {
      const profile = yield* OrganizationProfile
      const w = yield* world
      const editor = yield* actorFor(w.editor)
      const view = yield* profile.update(editor, {
        supplementary: {
          website: "https://www.musterhausen.de",
          contactEmail: "Poststelle@Musterhausen.DE",
          note: " Bürgerbüro "
        },
        administrativeLevel: "municipal"
      })
      assert.deepStrictEqual(view.organization.supplementary, {
        website: "https://www.musterhausen.de",
        contactEmail: "poststelle@musterhausen.de",
        note: "Bürgerbüro"
      })
      assert.deepStrictEqual((yield* stored(w.organization.id)).supplementary, view.organization.supplementary)
      const event = (yield* auditOf(w.organization.id)).at(-1)!
      assert.strictEqual(event.action, "organization.profileUpdated")
      assert.deepStrictEqual((event.before as { supplementary: unknown }).supplementary, {
        website: null,
        contactEmail: null,
        note: null
      })
      // A key left out keeps its value; null clears it.
      const cleared = yield* profile.update(editor, { supplementary: { note: null } })
      assert.deepStrictEqual(cleared.organization.supplementary, {
        website: "https://www.musterhausen.de",
        contactEmail: "poststelle@musterhausen.de",
        note: null
      })
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("editing the profile needs organization.profile.edit", () =>
    Effect.gen(function* () {
      const profile = yield* OrganizationProfile
      const w = yield* world
      const before = yield* everything(w.organization.id)
      const refused = yield* Effect.flip(
        profile.update(yield* actorFor(w.employee), { supplementary: { note: "Hallo" } })
      )
      assert.deepStrictEqual(refused, new PermissionDenied({ permission: "organization.profile.edit" }))
      assert.deepStrictEqual(yield* everything(w.organization.id), before)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("name and legal form can be changed only by the operator", () =>
    Effect.gen(function* () {
      const profile = yield* OrganizationProfile
      const w = yield* world
      const admin = yield* actorFor(w.mainAdmin)
      const before = yield* everything(w.organization.id)
      const refused = yield* Effect.flip(
        profile.update(admin, {
          name: "Große Kreisstadt Musterhausen",
          legalForm: "Anstalt des öffentlichen Rechts",
          capabilities: ["customer", "provider"],
          supplementary: { note: "x" }
        })
      )
      assert.deepStrictEqual(refused, new OperatorOnly({ fields: ["name", "legalForm", "capabilities"] }))
      assert.deepStrictEqual(yield* everything(w.organization.id), before)
      // Sending them back unchanged, as a form would, is no attempt to change them.
      const view = yield* profile.update(admin, {
        name: w.organization.name,
        legalForm: w.organization.legalForm,
        capabilities: ["customer"],
        supplementary: { note: "x" }
      })
      assert.strictEqual(view.organization.supplementary.note, "x")
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("the Land is required unless the organization is federal", () =>
    Effect.gen(function* () {
      const profile = yield* OrganizationProfile
      const w = yield* world
      const admin = yield* actorFor(w.mainAdmin)
      const before = yield* everything(w.organization.id)
      const refused = yield* Effect.flip(profile.update(admin, { federalState: null }))
      assert.deepStrictEqual(
        (refused as InvalidInput).issues.map((i) => i.path),
        ["federalState"]
      )
      assert.deepStrictEqual(yield* everything(w.organization.id), before)
      const federal = yield* profile.update(admin, { administrativeLevel: "federal", federalState: null })
      assert.deepStrictEqual(
        [federal.organization.administrativeLevel, federal.organization.federalState],
        ["federal", null]
      )
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("bad profile input names every offending field and changes nothing", () =>
    Effect.gen(function* () {
      const profile = yield* OrganizationProfile
      const w = yield* world
      const before = yield* everything(w.organization.id)
      const refused = yield* Effect.flip(
        profile.update(yield* actorFor(w.mainAdmin), {
          name: "",
          administrativeLevel: "galaktisch",
          federalState: "DE-XX",
          supplementary: { website: "ftp://alt.example", contactEmail: "keine-adresse", note: 5 }
        })
      )
      assert.deepStrictEqual(
        (refused as InvalidInput).issues.map((i) => i.path),
        [
          "name",
          "administrativeLevel",
          "federalState",
          "supplementary.website",
          "supplementary.contactEmail",
          "supplementary.note"
        ]
      )
      assert.deepStrictEqual(yield* everything(w.organization.id), before)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("an edit that changes nothing writes nothing", () =>
    Effect.gen(function* () {
      const profile = yield* OrganizationProfile
      const w = yield* world
      const before = yield* everything(w.organization.id)
      yield* profile.update(yield* actorFor(w.editor), { administrativeLevel: "municipal", supplementary: {} })
      assert.deepStrictEqual(yield* everything(w.organization.id), before)
    }).pipe(Effect.provide(TestLayer))
  )
})

describe("operator edits", () => {
  it.effect("the operator changes name, legal form and capabilities, with the reason recorded", () =>
    Effect.gen(function* () {
      const profile = yield* OrganizationProfile
      const w = yield* world
      const operator = yield* makeOperator
      const view = yield* profile.updateAsOperator(operator, w.organization.id, {
        name: "Große Kreisstadt Musterhausen",
        legalForm: "Gebietskörperschaft (Große Kreisstadt)",
        capabilities: ["provider", "customer", "provider"],
        reason: "Erhebung zur Großen Kreisstadt, Bescheid vom 1.4."
      })
      assert.deepStrictEqual(
        [view.organization.name, view.organization.legalForm, view.organization.capabilities],
        ["Große Kreisstadt Musterhausen", "Gebietskörperschaft (Große Kreisstadt)", ["customer", "provider"]]
      )
      const event = (yield* auditOf(w.organization.id)).at(-1)!
      assert.strictEqual(event.action, "organization.updatedByOperator")
      assert.deepStrictEqual(event.actor, { kind: "Operator", accountId: operator.accountId })
      assert.strictEqual(
        (event.after as { reason: string }).reason,
        "Erhebung zur Großen Kreisstadt, Bescheid vom 1.4."
      )
      assert.strictEqual((event.before as { name: string }).name, w.organization.name)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("the operator's edit needs a reason, and is the operator's alone", () =>
    Effect.gen(function* () {
      const profile = yield* OrganizationProfile
      const w = yield* world
      const operator = yield* makeOperator
      const before = yield* everything(w.organization.id)
      const noReason = yield* Effect.flip(
        profile.updateAsOperator(operator, w.organization.id, { name: "X", reason: "  " })
      )
      assert.deepStrictEqual(
        (noReason as InvalidInput).issues.map((i) => i.path),
        ["reason"]
      )
      const byAdmin = yield* Effect.flip(
        profile.updateAsOperator(yield* actorFor(w.mainAdmin), w.organization.id, { name: "X", reason: "weil" })
      )
      assert.deepStrictEqual(byAdmin, new PermissionDenied({ permission: "operator" }))
      assert.deepStrictEqual(yield* everything(w.organization.id), before)
      assert.deepStrictEqual(
        yield* Effect.flip(profile.updateAsOperator(operator, "org_unbekannt", { name: "X", reason: "weil" })),
        new OrganizationNotFound({ organizationId: "org_unbekannt" })
      )
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("the operator cannot give an organization another organization's name", () =>
    Effect.gen(function* () {
      const profile = yield* OrganizationProfile
      const w = yield* world
      const other = yield* makeWorld()
      const operator = yield* makeOperator
      const before = yield* everything(w.organization.id)
      const refused = yield* Effect.flip(
        profile.updateAsOperator(operator, w.organization.id, {
          name: other.organization.name.toUpperCase(),
          reason: "Test"
        })
      )
      assert.instanceOf(refused, OrganizationAlreadyRegistered)
      assert.deepStrictEqual(yield* everything(w.organization.id), before)
    }).pipe(Effect.provide(TestLayer))
  )
})

describe("master data", () => {
  it.effect("completeness names what is missing: a phone on the default address, an in-house declaration", () =>
    Effect.gen(function* () {
      const profile = yield* OrganizationProfile
      const w = yield* world
      const employee = yield* actorFor(w.employee)
      yield* AddressStore.use((s) => s.update(new Address({ ...w.defaultAddress, phone: null })))
      assert.deepStrictEqual(yield* profile.completeness(employee), {
        missing: ["defaultAddressPhone", "inhouseDeclaration"]
      })
      yield* declare(w.organization.id)
      yield* AddressStore.use((s) => s.update(w.defaultAddress))
      assert.deepStrictEqual(yield* profile.completeness(employee), { missing: [] })
      assert.isTrue((yield* profile.get(employee)).flags.masterDataComplete)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("confirming the master-data review clears the flag; only admins confirm", () =>
    Effect.gen(function* () {
      const profile = yield* OrganizationProfile
      const w = yield* world
      yield* OrganizationStore.use((s) =>
        s.update(new Organization({ ...w.organization, masterDataReviewRequired: true }))
      )
      yield* declare(w.organization.id)
      const editor = yield* actorFor(w.editor)
      assert.deepStrictEqual((yield* profile.completeness(editor)).missing, ["masterDataReview"])
      assert.deepStrictEqual(
        yield* Effect.flip(profile.confirmMasterDataReview(editor)),
        new PermissionDenied({ permission: "organizationAdmin" })
      )
      assert.isTrue((yield* stored(w.organization.id)).masterDataReviewRequired)
      yield* profile.confirmMasterDataReview(yield* actorFor(w.mainAdmin))
      assert.isFalse((yield* stored(w.organization.id)).masterDataReviewRequired)
      const event = (yield* auditOf(w.organization.id)).at(-1)!
      assert.strictEqual(event.action, "organization.masterDataReviewConfirmed")
      // Confirming again is harmless and writes nothing.
      const before = yield* everything(w.organization.id)
      yield* profile.confirmMasterDataReview(yield* actorFor(w.mainAdmin))
      assert.deepStrictEqual(yield* everything(w.organization.id), before)
    }).pipe(Effect.provide(TestLayer))
  )

  it("master data lists each missing item once, in a fixed order", () => {
    const now = DateTime.makeUnsafe("2025-01-01T00:00:00Z")
    const organization = new Organization({
      id: "org_a" as OrganizationId,
      name: "Zweckverband",
      legalForm: " ",
      administrativeLevel: "other",
      federalState: null,
      capabilities: ["customer", "provider"],
      supplementary: { website: null, contactEmail: null, note: null },
      masterDataReviewRequired: true,
      createdAt: now,
      updatedAt: now
    })
    assert.deepStrictEqual(missingMasterData({ organization, addresses: [], hasInhouseDeclaration: false }), [
      "legalForm",
      "federalState",
      "defaultAddress",
      "inhouseDeclaration",
      "masterDataReview"
    ])
    // Only customers order, so only customers are asked for an in-house declaration.
    const providerOnly = new Organization({
      ...organization,
      legalForm: "eG",
      federalState: "DE-NW",
      capabilities: ["provider"],
      masterDataReviewRequired: false
    })
    const address = new Address({
      id: "adr_a" as never,
      organizationId: providerOnly.id,
      kind: "location",
      street: "Hafenstraße 1",
      postalCode: "40213",
      city: "Düsseldorf",
      phone: null,
      leitwegId: null,
      isDefault: true
    })
    assert.deepStrictEqual(
      missingMasterData({ organization: providerOnly, addresses: [address], hasInhouseDeclaration: false }),
      ["defaultAddressPhone"]
    )
    // Another organization's default address does not count.
    assert.deepStrictEqual(
      missingMasterData({
        organization: providerOnly,
        addresses: [new Address({ ...address, organizationId: "org_b" as OrganizationId })],
        hasInhouseDeclaration: false
      }),
      ["defaultAddress"]
    )
  })
})
