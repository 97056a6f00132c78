import { assert, describe, it } from "@effect/vitest"
import { type Client, createClient, type InStatement } from "@libsql/client"
import { Effect, Layer } from "effect"
import { AuditLog, SecureRandom, StorageError, UnitOfWork } from "../src/internal/core.ts"
import { LibsqlDatabase, makeDatabase } from "../src/LibsqlDatabase.ts"
import { layerStores } from "../src/LibsqlStorage.ts"
import { migrate } from "../src/Migrator.ts"
import { record, verifyChain } from "./support/core.ts"
import { auditDraft } from "./support/fixtures.ts"

/** The stores on a migrated in-memory database, counting the statements sent to `audit_events`. */
const counted = Effect.gen(function* () {
  const client = yield* Effect.acquireRelease(
    Effect.sync(() => createClient({ url: ":memory:" })),
    (c) => Effect.sync(() => c.close())
  )
  yield* migrate(client)
  const sent: Array<string> = []
  const spy = <T extends Client>(target: T): T =>
    new Proxy(target, {
      get(t, property) {
        if (property === "execute")
          return (statement: InStatement) => {
            sent.push(typeof statement === "string" ? statement : statement.sql)
            return t.execute(statement)
          }
        if (property === "transaction") return async (mode: "write") => spy((await t.transaction(mode)) as unknown as T)
        const value = Reflect.get(t, property)
        return typeof value === "function" ? value.bind(t) : value
      }
    })
  const stores = layerStores.pipe(
    Layer.provideMerge(Layer.succeed(LibsqlDatabase)(makeDatabase(spy(client), "memory"))),
    Layer.merge(SecureRandom.layerWebCrypto)
  )
  return { sent, stores }
})

describe("the audit chain on libSQL: one statement per event once the head is known", () => {
  it.effect("appending to a chain whose head this process knows sends one INSERT … SELECT, no read", () =>
    Effect.gen(function* () {
      const { sent, stores } = yield* counted
      yield* Effect.gen(function* () {
        yield* record(auditDraft("org_one", 1))
        const before = sent.length
        yield* record(auditDraft("org_one", 2))
        const statements = sent.slice(before).filter((s) => /audit_events/iu.test(s))
        assert.strictEqual(statements.length, 1)
        assert.match(statements[0]!, /^INSERT INTO "audit_events" .* SELECT .* WHERE \(SELECT/su)
      }).pipe(Effect.provide(stores))
    })
  )

  it.effect("an append rolled back with its unit of work leaves the chain linked to what was committed", () =>
    Effect.gen(function* () {
      const { stores } = yield* counted
      yield* Effect.gen(function* () {
        const uow = yield* UnitOfWork
        const first = yield* record(auditDraft("org_two", 1))
        const failed = yield* uow
          .transaction(
            Effect.gen(function* () {
              yield* record(auditDraft("org_two", 2))
              return yield* new StorageError({ operation: "test", cause: "rolled back on purpose" })
            })
          )
          .pipe(Effect.flip)
        assert.strictEqual(failed._tag, "StorageError")
        const next = yield* uow.transaction(record(auditDraft("org_two", 3)))
        assert.strictEqual(next.sequence, 2)
        assert.strictEqual(next.previousHash, first.hash)
        const events = yield* AuditLog.use((l) => l.list("org_two", { afterSequence: 0, limit: 10 }))
        assert.deepStrictEqual(yield* verifyChain(events), { ok: true })
        assert.strictEqual(events.length, 2)
      }).pipe(Effect.provide(stores))
    })
  )
})
