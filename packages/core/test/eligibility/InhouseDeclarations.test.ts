import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect } from "effect"
import { TestClock } from "effect/testing"
import { InhouseDeclarationStore } from "../../src/eligibility/InhouseDeclarationStore.ts"
import { hasInhouseDeclarationInForce, InhouseDeclarations } from "../../src/eligibility/InhouseDeclarations.ts"
import { InhouseGraphs } from "../../src/eligibility/InhouseGraph.ts"
import { AuditLog } from "../../src/kernel/Audit.ts"
import type { InvalidInput } from "../../src/kernel/Errors.ts"
import { InhouseDeclarationCount } from "../../src/organization/InhouseDeclarationCount.ts"
import { at, organization } from "../catalog/fixtures.ts"
import { addMember, addOrganization, worldLayer } from "../catalog/world.ts"

const now = "2025-06-01T08:00:00Z"

/** A town with a profile editor, its IT service provider and govdigital; the clock at `now`. */
const setup = Effect.gen(function* () {
  yield* TestClock.setTime(DateTime.toEpochMillis(at(now)))
  const town = yield* addOrganization(organization("org_town", { name: "Stadt Musterhausen" }))
  const itdl = yield* addOrganization(organization("org_itdl", { level: "other", capabilities: ["provider"] }))
  const govdigital = yield* addOrganization(organization("org_gd", { level: "other", capabilities: ["intermediary"] }))
  return { town, itdl, govdigital, editor: yield* addMember(town, ["organization.profile.edit"]) }
})

const body = (fields: Record<string, unknown> = {}) => ({
  controls: "org_itdl",
  joint: true,
  evidence: "Verbandssatzung § 5: gemeinsame Beherrschung durch die Verbandsmitglieder",
  validFrom: "2024-01-01T00:00:00Z",
  ...fields
})

const declarations = InhouseDeclarations
const paths = (e: InvalidInput) => e.issues.map((i) => i.path).sort()

describe("in-house declarations („Inhousefähigkeit“)", () => {
  it.effect("an organization declares that it controls another, with evidence and validity, and it is audited", () =>
    Effect.gen(function* () {
      const { town, itdl, editor } = yield* setup
      const d = yield* declarations.use((s) => s.declare(editor, body()))
      assert.strictEqual(d.controller, town.id)
      assert.strictEqual(d.controlled, itdl.id)
      assert.isTrue(d.joint)
      assert.isNull(d.validUntil)
      assert.deepStrictEqual(d.declaredBy, { organizationId: town.id, accountId: editor.accountId })
      assert.strictEqual(DateTime.formatIso(d.declaredAt), "2025-06-01T08:00:00.000Z")
      const events = yield* AuditLog.use((l) => l.list(town.id, { afterSequence: 0, limit: 10 }))
      assert.deepStrictEqual(
        events.map((e) => e.action),
        ["inhouseDeclaration.declared"]
      )
    }).pipe(Effect.provide(worldLayer()))
  )

  it.effect("declaring that another organization controls one's own makes that one the controller", () =>
    Effect.gen(function* () {
      const { town, editor } = yield* setup
      const parent = yield* addOrganization(organization("org_kreis", { level: "municipal" }))
      const d = yield* declarations.use((s) =>
        s.declare(editor, { ...body(), controls: undefined, controlledBy: parent.id })
      )
      assert.strictEqual(d.controller, parent.id)
      assert.strictEqual(d.controlled, town.id)
    }).pipe(Effect.provide(worldLayer()))
  )

  it.effect("a declaration names exactly one of controls and controlledBy", () =>
    Effect.gen(function* () {
      const { editor } = yield* setup
      const both = yield* Effect.flip(declarations.use((s) => s.declare(editor, body({ controlledBy: "org_gd" }))))
      if (both._tag === "InvalidInput") assert.deepStrictEqual(paths(both), ["controlledBy"])
      else assert.fail(both._tag)
      const neither = yield* Effect.flip(declarations.use((s) => s.declare(editor, body({ controls: undefined }))))
      if (neither._tag === "InvalidInput") assert.deepStrictEqual(paths(neither), ["controls"])
      else assert.fail(neither._tag)
    }).pipe(Effect.provide(worldLayer()))
  )

  it.effect("bad declaration input names every field at once and writes nothing", () =>
    Effect.gen(function* () {
      const { town, editor } = yield* setup
      const error = yield* Effect.flip(
        declarations.use((s) =>
          s.declare(editor, { controls: "org_itdl", controlledBy: "org_gd", evidence: "   ", validFrom: "bald" })
        )
      )
      if (error._tag === "InvalidInput")
        assert.deepStrictEqual(paths(error), ["controlledBy", "evidence", "joint", "validFrom"])
      else assert.fail(error._tag)
      const backwards = yield* Effect.flip(
        declarations.use((s) => s.declare(editor, body({ validUntil: "2023-12-31T00:00:00Z" })))
      )
      if (backwards._tag === "InvalidInput") assert.deepStrictEqual(paths(backwards), ["validUntil"])
      else assert.fail(backwards._tag)
      assert.deepStrictEqual(yield* InhouseDeclarationStore.use((s) => s.listByDeclarant(town.id)), [])
      assert.deepStrictEqual(yield* AuditLog.use((l) => l.list(town.id, { afterSequence: 0, limit: 10 })), [])
    }).pipe(Effect.provide(worldLayer()))
  )

  it.effect("declaring needs organization.profile.edit", () =>
    Effect.gen(function* () {
      const { town } = yield* setup
      const employee = yield* addMember(town, [])
      const error = yield* Effect.flip(declarations.use((s) => s.declare(employee, body())))
      assert.strictEqual(error._tag, "PermissionDenied")
    }).pipe(Effect.provide(worldLayer()))
  )

  it.effect("an organization cannot declare control over itself or over an unknown organization", () =>
    Effect.gen(function* () {
      const { editor } = yield* setup
      for (const target of ["org_town", "org_nobody"]) {
        const error = yield* Effect.flip(declarations.use((s) => s.declare(editor, body({ controls: target }))))
        if (error._tag === "InvalidInput") assert.deepStrictEqual(paths(error), ["controls"])
        else assert.fail(error._tag)
      }
    }).pipe(Effect.provide(worldLayer()))
  )

  it.effect("the same control edge cannot be declared twice for overlapping periods", () =>
    Effect.gen(function* () {
      const { editor } = yield* setup
      const first = yield* declarations.use((s) => s.declare(editor, body({ validUntil: "2026-01-01T00:00:00Z" })))
      const again = yield* Effect.flip(
        declarations.use((s) => s.declare(editor, body({ validFrom: "2025-12-01T00:00:00Z" })))
      )
      if (again._tag === "DuplicateInhouseDeclaration") assert.strictEqual(again.existingDeclarationId, first.id)
      else assert.fail(again._tag)
      yield* declarations.use((s) => s.declare(editor, body({ validFrom: "2026-01-01T00:00:00Z" })))
    }).pipe(Effect.provide(worldLayer()))
  )

  it.effect("ending a declaration keeps it and closes its validity now; ending it again changes nothing", () =>
    Effect.gen(function* () {
      const { town, editor } = yield* setup
      const d = yield* declarations.use((s) => s.declare(editor, body()))
      yield* TestClock.adjust("1 hour")
      const ended = yield* declarations.use((s) => s.end(editor, d.id))
      assert.strictEqual(DateTime.formatIso(ended.validUntil!), "2025-06-01T09:00:00.000Z")
      assert.deepStrictEqual(ended.ended?.accountId, editor.accountId)
      yield* TestClock.adjust("1 hour")
      const again = yield* declarations.use((s) => s.end(editor, d.id))
      assert.deepStrictEqual(again.validUntil, ended.validUntil)
      assert.strictEqual((yield* InhouseDeclarationStore.use((s) => s.get(d.id)))?.evidence, d.evidence)
      const actions = (yield* AuditLog.use((l) => l.list(town.id, { afterSequence: 0, limit: 10 }))).map(
        (e) => e.action
      )
      assert.deepStrictEqual(actions, ["inhouseDeclaration.declared", "inhouseDeclaration.ended"])
    }).pipe(Effect.provide(worldLayer()))
  )

  it.effect("ending a declaration that starts in the future keeps it from ever counting", () =>
    Effect.gen(function* () {
      const { town, itdl, editor } = yield* setup
      const d = yield* declarations.use((s) => s.declare(editor, body({ validFrom: "2026-01-01T00:00:00Z" })))
      const ended = yield* declarations.use((s) => s.end(editor, d.id))
      assert.deepStrictEqual(ended.validUntil, d.validFrom)
      const graph = yield* InhouseGraphs.use((g) => g.current)
      assert.isUndefined(graph.relationship(town.id, itdl.id, at("2026-06-01T00:00:00Z")))
    }).pipe(Effect.provide(worldLayer()))
  )

  it.effect("another organization's declaration does not exist for the caller", () =>
    Effect.gen(function* () {
      const { itdl, editor } = yield* setup
      const itdlEditor = yield* addMember(itdl, ["organization.profile.edit"])
      const d = yield* declarations.use((s) => s.declare(editor, body()))
      const error = yield* Effect.flip(declarations.use((s) => s.end(itdlEditor, d.id)))
      assert.strictEqual(error._tag, "InhouseDeclarationNotFound")
      assert.deepStrictEqual((yield* declarations.use((s) => s.list(itdlEditor))).items, [])
    }).pipe(Effect.provide(worldLayer()))
  )

  it.effect("an organization lists its own declarations, oldest first, page by page", () =>
    Effect.gen(function* () {
      const { town, editor } = yield* setup
      const employee = yield* addMember(town, [])
      const first = yield* declarations.use((s) => s.declare(editor, body()))
      yield* TestClock.adjust("1 minute")
      const second = yield* declarations.use((s) => s.declare(editor, body({ controls: "org_gd" })))
      const page1 = yield* declarations.use((s) => s.list(employee, { limit: 1 }))
      assert.deepStrictEqual(
        page1.items.map((d) => d.id),
        [first.id]
      )
      const page2 = yield* declarations.use((s) => s.list(employee, { limit: 1, cursor: page1.nextCursor! }))
      assert.deepStrictEqual(
        page2.items.map((d) => d.id),
        [second.id]
      )
      assert.isNull(page2.nextCursor)
    }).pipe(Effect.provide(worldLayer()))
  )

  it.effect("declarations make the in-house graph, and an ended one leaves it", () =>
    Effect.gen(function* () {
      const { town, itdl, govdigital, editor } = yield* setup
      const itdlEditor = yield* addMember(itdl, ["organization.profile.edit"])
      yield* declarations.use((s) => s.declare(editor, body()))
      const membership = yield* declarations.use((s) => s.declare(itdlEditor, body({ controls: govdigital.id })))
      const graph = yield* InhouseGraphs.use((g) => g.current)
      const nowUtc = at(now)
      assert.deepStrictEqual(graph.relationship(town.id, govdigital.id, nowUtc)?.chain, [
        town.id,
        itdl.id,
        govdigital.id
      ])
      yield* declarations.use((s) => s.end(itdlEditor, membership.id))
      yield* TestClock.adjust("1 second")
      const later = DateTime.add(nowUtc, { seconds: 1 })
      assert.isUndefined((yield* InhouseGraphs.use((g) => g.current)).relationship(town.id, govdigital.id, later))
      assert.isDefined(
        (yield* InhouseGraphs.use((g) => g.current)).relationship(
          town.id,
          govdigital.id,
          DateTime.subtract(nowUtc, { days: 1 })
        ),
        "orders that relied on it earlier can still be proved"
      )
    }).pipe(Effect.provide(worldLayer()))
  )

  it.effect("master-data completeness counts the declarations an organization has in force", () =>
    Effect.gen(function* () {
      const { town, itdl, editor } = yield* setup
      const count = (id: typeof town.id, iso: string) => InhouseDeclarationCount.use((c) => c.inForce(id, at(iso)))
      assert.strictEqual(yield* count(town.id, now), 0)
      assert.isFalse(yield* hasInhouseDeclarationInForce(town.id, at(now)))
      yield* declarations.use((s) => s.declare(editor, body()))
      yield* declarations.use((s) => s.declare(editor, body({ controls: "org_gd", validFrom: "2026-01-01T00:00:00Z" })))
      assert.strictEqual(yield* count(town.id, now), 1)
      assert.strictEqual(yield* count(town.id, "2026-02-01T00:00:00Z"), 2)
      assert.strictEqual(yield* count(itdl.id, now), 0, "a declaration counts for its declarant only")
      assert.isTrue(yield* hasInhouseDeclarationInForce(town.id, at(now)))
    }).pipe(Effect.provide(worldLayer()))
  )
})
