import { assert, describe, layer } from "@effect/vitest"
import { DateTime, Effect, Layer, Schema } from "effect"
import { type Actor, system } from "../kernel/Actor.ts"
import { AuditEvent, AuditLog, eventHash, genesisHash, record, sealEvent, verifyChain } from "../kernel/Audit.ts"
import type { AccountId, AuditEventId, OrganizationId } from "../kernel/Ids.ts"
import { newId, SecureRandom } from "../kernel/SecureRandom.ts"

const AuditEventJson = Schema.toCodecJson(AuditEvent)
/** Events as plain JSON, so comparisons see every field and nothing of how a store caches values. */
const json = (events: ReadonlyArray<AuditEvent>) => events.map((e) => Schema.encodeSync(AuditEventJson)(e))

const freshChain = newId<OrganizationId>("org")

const member: Actor = {
  _tag: "Member",
  accountId: "acc_suite" as AccountId,
  organizationId: "org_suite" as OrganizationId,
  isAdmin: true,
  isMainAdmin: true,
  permissions: new Set()
}

const draft = (chain: string, n: number, before: Schema.Json | null, after: Schema.Json | null) => ({
  chain,
  actor: n % 2 === 0 ? system : member,
  action: `suite.step${n}`,
  subject: { type: "suite", id: `subject-${n}` },
  before,
  after
})

/** Shapes an audit payload may take: nested objects, arrays, unicode, numbers, booleans and nulls. */
const payloads: ReadonlyArray<Schema.Json | null> = [
  null,
  { status: "active", roles: ["r1", "r2"], nested: { ok: true, count: 3, ratio: 0.25, none: null } },
  ["ä", "ß", "€", "\u{1F600}", 'quote " and \\ backslash'],
  "plain string",
  0,
  -12.5,
  false
]

/**
 * The contract of every `AuditLog`: events of a chain are kept in sequence, read back exactly as
 * appended (so their hashes still verify), and chains do not mix.
 */
export const auditLogSuite = <E>(name: string, auditLog: Layer.Layer<AuditLog, E>) =>
  describe(`AuditLog conformance: ${name}`, () => {
    layer(Layer.merge(auditLog, SecureRandom.layerWebCrypto))((it) => {
      it.effect("a chain without events has no head", () =>
        Effect.gen(function* () {
          const chain = yield* freshChain
          assert.strictEqual(yield* AuditLog.use((l) => l.head(chain)), undefined)
          assert.deepStrictEqual(yield* AuditLog.use((l) => l.list(chain, { afterSequence: 0, limit: 10 })), [])
        })
      )

      it.effect("every audit event reads back exactly as it was recorded, and the chain verifies", () =>
        Effect.gen(function* () {
          const chain = yield* freshChain
          const recorded: Array<AuditEvent> = []
          for (const [n, after] of payloads.entries())
            recorded.push(yield* record(draft(chain, n, payloads[(n + 1) % payloads.length] ?? null, after)))
          const listed = yield* AuditLog.use((l) => l.list(chain, { afterSequence: 0, limit: 100 }))
          assert.deepStrictEqual(json(listed), json(recorded))
          assert.deepStrictEqual(yield* verifyChain(listed), { ok: true })
          for (const e of listed) assert.strictEqual(yield* eventHash(e), e.hash)
        })
      )

      it.effect("each event links to the hash of the one before it in its chain", () =>
        Effect.gen(function* () {
          const chain = yield* freshChain
          const first = yield* record(draft(chain, 1, null, { a: 1 }))
          const second = yield* record(draft(chain, 2, { a: 1 }, { a: 2 }))
          assert.strictEqual(first.sequence, 1)
          assert.strictEqual(first.previousHash, genesisHash)
          assert.strictEqual(second.sequence, 2)
          assert.strictEqual(second.previousHash, first.hash)
        })
      )

      it.effect("an event follows the chain's newest event even when another writer appended meanwhile", () =>
        Effect.gen(function* () {
          const chain = yield* freshChain
          const first = yield* record(draft(chain, 1, null, { a: 1 }))
          // Another writer (another process, or a path around the store's memory) appends the second event.
          const second = sealEvent(
            draft(chain, 2, null, { a: 2 }),
            yield* newId<AuditEventId>("evt"),
            yield* DateTime.now,
            { sequence: first.sequence, hash: first.hash }
          )
          yield* AuditLog.use((l) => l.append(second))
          const third = yield* record(draft(chain, 3, null, { a: 3 }))
          assert.strictEqual(third.sequence, 3)
          assert.strictEqual(third.previousHash, second.hash)
          const listed = yield* AuditLog.use((l) => l.list(chain, { afterSequence: 0, limit: 10 }))
          assert.deepStrictEqual(
            listed.map((e) => e.id),
            [first.id, second.id, third.id]
          )
          assert.deepStrictEqual(yield* verifyChain(listed), { ok: true })
        })
      )

      it.effect("appendNext seals on the head it hands over, and stores exactly the sealed event", () =>
        Effect.gen(function* () {
          const chain = yield* freshChain
          const first = yield* record(draft(chain, 1, null, null))
          const seen: Array<unknown> = []
          const id = yield* newId<AuditEventId>("evt")
          const at = yield* DateTime.now
          const appended = yield* AuditLog.use((l) =>
            l.appendNext(chain, (head) =>
              Effect.sync(() => {
                seen.push(head)
                return sealEvent(draft(chain, 2, null, null), id, at, head)
              })
            )
          )
          assert.deepStrictEqual(seen.at(-1), { sequence: first.sequence, hash: first.hash })
          const [stored] = yield* AuditLog.use((l) => l.list(chain, { afterSequence: 1, limit: 1 }))
          assert.deepStrictEqual(json(stored ? [stored] : []), json([appended]))
        })
      )

      it.effect("the head of a chain is its newest event's sequence and hash", () =>
        Effect.gen(function* () {
          const chain = yield* freshChain
          yield* record(draft(chain, 1, null, null))
          yield* record(draft(chain, 2, null, null))
          const third = yield* record(draft(chain, 3, null, null))
          assert.deepStrictEqual(yield* AuditLog.use((l) => l.head(chain)), { sequence: 3, hash: third.hash })
        })
      )

      it.effect("list pages through a chain in sequence order: after a sequence, up to a limit", () =>
        Effect.gen(function* () {
          const chain = yield* freshChain
          for (let n = 1; n <= 7; n++) yield* record(draft(chain, n, null, { n }))
          const page = (afterSequence: number, limit: number) =>
            AuditLog.use((l) => l.list(chain, { afterSequence, limit })).pipe(
              Effect.map((events) => events.map((e) => e.sequence))
            )
          assert.deepStrictEqual(yield* page(0, 3), [1, 2, 3])
          assert.deepStrictEqual(yield* page(3, 3), [4, 5, 6])
          assert.deepStrictEqual(yield* page(6, 3), [7])
          assert.deepStrictEqual(yield* page(7, 3), [])
          assert.deepStrictEqual(yield* page(2, 100), [3, 4, 5, 6, 7])
        })
      )

      it.effect("chains do not mix: each has its own sequence and head", () =>
        Effect.gen(function* () {
          const a = yield* freshChain
          const b = yield* freshChain
          const a1 = yield* record(draft(a, 1, null, null))
          const b1 = yield* record(draft(b, 1, null, null))
          const a2 = yield* record(draft(a, 2, null, null))
          assert.strictEqual(b1.sequence, 1)
          assert.strictEqual(b1.previousHash, genesisHash)
          assert.strictEqual(a2.previousHash, a1.hash)
          const ids = (chain: string) =>
            AuditLog.use((l) => l.list(chain, { afterSequence: 0, limit: 10 })).pipe(
              Effect.map((events) => events.map((e) => e.id))
            )
          assert.deepStrictEqual(yield* ids(a), [a1.id, a2.id])
          assert.deepStrictEqual(yield* ids(b), [b1.id])
        })
      )

      it.effect("an appended event is stored as given, fields and all", () =>
        Effect.gen(function* () {
          const chain = yield* freshChain
          const unsealed = {
            id: yield* newId<AuditEventId>("evt"),
            chain,
            sequence: 1,
            actor: { kind: "Operator", accountId: "acc_operator" },
            action: "organization.renamed",
            subject: { type: "organization", id: chain },
            before: { name: "Stadt Alt" },
            after: { name: "Stadt Neu", reason: "Fusion" },
            at: DateTime.makeUnsafe("2025-06-30T23:59:59.999Z"),
            previousHash: genesisHash
          }
          const event = new AuditEvent({ ...unsealed, hash: yield* eventHash(unsealed) })
          yield* AuditLog.use((l) => l.append(event))
          const [stored] = yield* AuditLog.use((l) => l.list(chain, { afterSequence: 0, limit: 1 }))
          assert.deepStrictEqual(json(stored ? [stored] : []), json([event]))
        })
      )
    })
  })
