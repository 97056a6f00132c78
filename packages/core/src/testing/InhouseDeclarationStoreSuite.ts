import { assert, describe, layer } from "@effect/vitest"
import { DateTime, Effect, Layer, Schema } from "effect"
import { InhouseDeclaration } from "../eligibility/InhouseDeclaration.ts"
import { InhouseDeclarationStore } from "../eligibility/InhouseDeclarationStore.ts"
import type { AccountId, DeclarationId, OrganizationId } from "../kernel/Ids.ts"
import { newId, SecureRandom } from "../kernel/SecureRandom.ts"
import { UnitOfWork } from "../kernel/UnitOfWork.ts"

const DeclarationJson = Schema.toCodecJson(InhouseDeclaration)
/** Declarations as plain JSON, so comparisons see every field and nothing of how a store caches values. */
const json = (ds: ReadonlyArray<InhouseDeclaration | undefined>) =>
  ds.map((d) => (d === undefined ? undefined : Schema.encodeSync(DeclarationJson)(d)))

const at = (iso: string) => DateTime.makeUnsafe(iso)

const sample = Effect.fnUntraced(function* (
  declarant: OrganizationId,
  fields: Partial<ConstructorParameters<typeof InhouseDeclaration>[0]> = {}
) {
  return new InhouseDeclaration({
    id: yield* newId<DeclarationId>("inh"),
    controller: declarant,
    controlled: yield* newId<OrganizationId>("org"),
    joint: true,
    evidence: "Satzung des Zweckverbands, § 4 Abs. 2 „Beherrschung“",
    validFrom: at("2024-01-01T00:00:00Z"),
    validUntil: at("2030-01-01T00:00:00.500Z"),
    declaredBy: { organizationId: declarant, accountId: "acc_declarant" as AccountId },
    declaredAt: at("2025-02-03T04:05:06.789Z"),
    ended: null,
    ...fields
  })
})

const newOrganization = newId<OrganizationId>("org")

/**
 * The contract of every `InhouseDeclarationStore`: declarations are written once and read back unchanged;
 * ending is a compare-and-set that succeeds once; an organization lists what it declared, oldest first;
 * the revision token changes with every write (never with a read) and a rolled-back write does not leave a
 * token that a later write repeats. Each test makes its own organizations.
 */
export const inhouseDeclarationStoreSuite = <E>(
  name: string,
  store: Layer.Layer<InhouseDeclarationStore | UnitOfWork, E>
) =>
  describe(`InhouseDeclarationStore conformance: ${name}`, () => {
    layer(Layer.merge(store, SecureRandom.layerWebCrypto))((it) => {
      const s = InhouseDeclarationStore

      it.effect("a declaration reads back unchanged, every field of it", () =>
        Effect.gen(function* () {
          const d = yield* sample(yield* newOrganization)
          const open = yield* sample(yield* newOrganization, { validUntil: null, joint: false })
          yield* s.use((x) => x.insert(d))
          yield* s.use((x) => x.insert(open))
          assert.deepStrictEqual(json([yield* s.use((x) => x.get(d.id))]), json([d]))
          assert.deepStrictEqual(json([yield* s.use((x) => x.get(open.id))]), json([open]))
          const all = yield* s.use((x) => x.listAll())
          assert.deepStrictEqual(
            json(all.filter((x) => x.id === d.id || x.id === open.id).sort((a, b) => (a.id < b.id ? -1 : 1))),
            json([d, open].sort((a, b) => (a.id < b.id ? -1 : 1)))
          )
        })
      )

      it.effect("a declaration id is written once", () =>
        Effect.gen(function* () {
          const d = yield* sample(yield* newOrganization)
          yield* s.use((x) => x.insert(d))
          const error = yield* Effect.flip(s.use((x) => x.insert(new InhouseDeclaration({ ...d, evidence: "anders" }))))
          assert.strictEqual(error._tag, "DeclarationIdTaken")
          assert.strictEqual((yield* s.use((x) => x.get(d.id)))?.evidence, d.evidence)
        })
      )

      it.effect("ending succeeds once and records who ended it and the new end of validity", () =>
        Effect.gen(function* () {
          const d = yield* sample(yield* newOrganization)
          yield* s.use((x) => x.insert(d))
          const ended = { at: at("2026-05-05T05:05:05Z"), accountId: "acc_ender" as AccountId }
          assert.isTrue(yield* s.use((x) => x.end(d.id, ended, ended.at)))
          assert.isFalse(
            yield* s.use((x) =>
              x.end(d.id, { ...ended, accountId: "acc_late" as AccountId }, at("2027-01-01T00:00:00Z"))
            )
          )
          const stored = yield* s.use((x) => x.get(d.id))
          assert.deepStrictEqual(json([stored]), json([new InhouseDeclaration({ ...d, ended, validUntil: ended.at })]))
        })
      )

      it.effect("ending an unknown declaration changes nothing", () =>
        Effect.gen(function* () {
          const id = yield* newId<DeclarationId>("inh")
          const ended = { at: at("2026-01-01T00:00:00Z"), accountId: "acc_x" as AccountId }
          assert.isFalse(yield* s.use((x) => x.end(id, ended, ended.at)))
          assert.isUndefined(yield* s.use((x) => x.get(id)))
        })
      )

      it.effect("an organization lists exactly the declarations it made, oldest first", () =>
        Effect.gen(function* () {
          const declarant = yield* newOrganization
          const newer = yield* sample(declarant, { declaredAt: at("2025-03-01T00:00:00Z") })
          const older = yield* sample(declarant, { declaredAt: at("2025-01-01T00:00:00Z") })
          // Declared by someone else although it names the declarant: not in the declarant's list.
          const aboutIt = yield* sample(yield* newOrganization, { controlled: declarant })
          for (const d of [newer, older, aboutIt]) yield* s.use((x) => x.insert(d))
          const listed = yield* s.use((x) => x.listByDeclarant(declarant))
          assert.deepStrictEqual(
            listed.map((d) => d.id),
            [older.id, newer.id]
          )
        })
      )

      it.effect("the revision changes with every write and never with a read", () =>
        Effect.gen(function* () {
          const revision = s.use((x) => x.revision())
          const d = yield* sample(yield* newOrganization)
          const r0 = yield* revision
          yield* s.use((x) => x.listAll())
          yield* s.use((x) => x.get(d.id))
          assert.strictEqual(yield* revision, r0)
          yield* s.use((x) => x.insert(d))
          const r1 = yield* revision
          assert.notStrictEqual(r1, r0)
          yield* s.use((x) =>
            x.end(d.id, { at: at("2026-01-01T00:00:00Z"), accountId: "acc" as AccountId }, d.validFrom)
          )
          assert.notStrictEqual(yield* revision, r1)
        })
      )

      it.effect("a failed unit of work leaves no declaration behind and no revision a later write repeats", () =>
        Effect.gen(function* () {
          const uow = yield* UnitOfWork
          const revision = s.use((x) => x.revision())
          const d = yield* sample(yield* newOrganization)
          const before = yield* revision
          let inside = ""
          yield* Effect.flip(
            uow.transaction(
              Effect.gen(function* () {
                yield* s.use((x) => x.insert(d))
                inside = yield* revision
                return yield* Effect.fail("boom" as const)
              })
            )
          )
          assert.isUndefined(yield* s.use((x) => x.get(d.id)))
          assert.strictEqual(yield* revision, before)
          const other = yield* sample(yield* newOrganization)
          yield* s.use((x) => x.insert(other))
          const after = yield* revision
          assert.notStrictEqual(after, before)
          assert.notStrictEqual(after, inside)
        })
      )
    })
  })
