import { assert, describe, it } from "@effect/vitest"
import { type Client, createClient, type InStatement } from "@libsql/client"
import { sql } from "drizzle-orm"
import { Effect } from "effect"
import * as fc from "fast-check"
import { type Organization, OrganizationStore, UnitOfWork } from "../src/internal/core.ts"
import { LibsqlDatabase, makeDatabase, mayWriteReference } from "../src/LibsqlDatabase.ts"
import { layer } from "../src/LibsqlStorage.ts"
import { migrate } from "../src/Migrator.ts"
import { referenceTables } from "../src/schema/reference-revision.ts"
import { freshDatabase, type Target, tempDir } from "./support/databases.ts"
import { organizationFixture } from "./support/fixtures.ts"

/**
 * Reads of reference data (organizations, members, roles, offerings, terms, thresholds, declarations) are
 * remembered against a token that a trigger on each of those tables rewrites with every change. These tests
 * hold the rule that makes that safe: a remembered read answers what a read of the database would.
 */

const orgId = "org_reference" as Organization["id"]

const organization = (name: string) => organizationFixture(orgId, name)

const token = (client: Client) =>
  Effect.promise(() => client.execute("SELECT token FROM reference_revision WHERE id = 1")).pipe(
    Effect.map((r) => String(r.rows[0]?.[0]))
  )

/** The organization's name as the database holds it, read past every cache. */
const storedName = (client: Client) =>
  Effect.promise(() => client.execute({ sql: "SELECT name FROM organizations WHERE id = ?", args: [orgId] })).pipe(
    Effect.map((r) => (r.rows[0] === undefined ? undefined : String(r.rows[0][0])))
  )

const cachedName = OrganizationStore.use((s) => s.get(orgId)).pipe(Effect.map((o) => o?.name))

/** The body with the adapter on a fresh file, and the file's URL for a second client: another process, as far as this adapter can tell. */
const onFile = <A, E, R>(body: (url: string) => Effect.Effect<A, E, R>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const url = `file:${yield* tempDir}/reference.db`
      return yield* body(url).pipe(Effect.provide(layer({ url })))
    })
  )

const otherClient = (url: string) =>
  Effect.acquireRelease(
    Effect.sync(() => createClient({ url })),
    (c) => Effect.sync(() => c.close())
  )

describe("reference data read through the reference token", () => {
  it.effect("every reference table has a trigger for insert, update and delete that writes a new token", () =>
    Effect.gen(function* () {
      const client = createClient({ url: ":memory:" })
      yield* migrate(client)
      const { rows } = yield* Effect.promise(() =>
        client.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
      )
      const triggers = new Map(rows.map((r) => [String(r[0]), { table: String(r[1]), sql: String(r[2]) }]))
      for (const table of referenceTables)
        for (const event of ["insert", "update", "delete"]) {
          const trigger = triggers.get(`${table}_${event}_reference_revision`)
          assert.isDefined(trigger, `${table} ${event}`)
          assert.strictEqual(trigger?.table, table)
          assert.match(trigger?.sql ?? "", new RegExp(`AFTER ${event} ON \`${table}\``, "iu"))
          assert.match(trigger?.sql ?? "", /UPDATE `reference_revision` SET `token` = hex\(randomblob\(16\)\)/u)
        }
      assert.strictEqual(triggers.size, referenceTables.length * 3)
      client.close()
    })
  )

  it.effect("a change made by another connection is read at once (the trigger writes the token)", () =>
    onFile((url) =>
      Effect.gen(function* () {
        yield* OrganizationStore.use((s) => s.insert(organization("Stadt Alt")))
        assert.strictEqual(yield* cachedName, "Stadt Alt")
        assert.strictEqual(yield* cachedName, "Stadt Alt")
        const other = yield* otherClient(url)
        yield* Effect.promise(() =>
          other.execute({ sql: "UPDATE organizations SET name = 'Stadt Neu' WHERE id = ?", args: [orgId] })
        )
        assert.strictEqual(yield* cachedName, "Stadt Neu")
        yield* Effect.promise(() => other.execute({ sql: "DELETE FROM organizations WHERE id = ?", args: [orgId] }))
        assert.isUndefined(yield* cachedName)
      })
    )
  )

  it.effect("inside a unit of work a reference read sees the unit's own writes; a rollback leaves the token", () =>
    onFile(() =>
      Effect.gen(function* () {
        const { client } = yield* LibsqlDatabase
        const uow = yield* UnitOfWork
        const store = yield* OrganizationStore
        yield* store.insert(organization("Stadt Alt"))
        assert.strictEqual(yield* cachedName, "Stadt Alt")
        const before = yield* token(client)
        const seenInside = yield* uow
          .transaction(
            Effect.gen(function* () {
              yield* store.update(organization("Stadt Zwischenstand"))
              const inside = yield* cachedName
              return yield* Effect.fail({ inside })
            })
          )
          .pipe(Effect.flip)
        assert.deepStrictEqual(seenInside, { inside: "Stadt Zwischenstand" })
        assert.strictEqual(yield* token(client), before)
        assert.strictEqual(yield* cachedName, "Stadt Alt")
        yield* uow.transaction(store.update(organization("Stadt Neu")))
        assert.notStrictEqual(yield* token(client), before)
        assert.strictEqual(yield* cachedName, "Stadt Neu")
      })
    )
  )

  it.effect("inside a unit of work a kept value answers while the unit's token is the one it was kept under", () =>
    Effect.gen(function* () {
      const { readReference, transaction } = yield* LibsqlDatabase
      const store = yield* OrganizationStore
      let runs = 0
      const value = readReference("test.value", "k", async () => ++runs)
      assert.strictEqual(yield* value, 1)
      assert.strictEqual(yield* transaction(value), 1)
      assert.strictEqual(runs, 1)
      // The unit's own reference write moves its token: it reads for itself, and what it reads is not kept.
      const inUnit = yield* transaction(Effect.andThen(store.insert(organization("Stadt Neu")), value))
      assert.strictEqual(inUnit, 2)
      assert.strictEqual(yield* value, 3)
      assert.strictEqual(yield* transaction(value), 3)
      assert.strictEqual(runs, 3)
    }).pipe(Effect.provide(freshDatabase("file")))
  )

  it("reads, savepoints and writes to tables without the token's trigger leave the token; anything else may not", () => {
    const leave = [
      'select "id" from "organizations" where "id" = ?',
      "SELECT token FROM reference_revision WHERE id = 1",
      "SAVEPOINT unit",
      "RELEASE unit",
      'insert into "orders" ("id") values (?)',
      'INSERT INTO "audit_events" ("id") SELECT ? WHERE 1',
      "update `sessions` set last_seen_at = ?",
      "DELETE FROM outbox_messages WHERE id = ?"
    ]
    const change = [
      ...referenceTables.flatMap((table) => [
        `insert into "${table}" ("id") values (?)`,
        `UPDATE OR REPLACE ${table} SET id = id`,
        `delete from \`${table}\``
      ]),
      "UPDATE reference_revision SET token = 'x'",
      'insert into main."orders" ("id") values (?)',
      "WITH x AS (SELECT 1) INSERT INTO orders SELECT * FROM x",
      "ROLLBACK TO unit",
      "PRAGMA foreign_keys = ON",
      "-- a comment\ninsert into orders values (?)"
    ]
    for (const statement of leave) assert.isFalse(mayWriteReference(statement), statement)
    for (const statement of change) assert.isTrue(mayWriteReference(statement), statement)
  })

  it.effect("a remembered list comes back frozen: no caller can change what the next one is given", () =>
    Effect.gen(function* () {
      const { readReference } = yield* LibsqlDatabase
      const list = yield* readReference("test.list", "", async () => [1, 2, 3])
      assert.isTrue(Object.isFrozen(list))
      assert.strictEqual(yield* readReference("test.list", "", async () => [4]), list)
    }).pipe(Effect.provide(freshDatabase("memory")))
  )

  it.effect("what is kept is bounded by the items it holds: a list counts each item, one too big is not kept", () =>
    Effect.gen(function* () {
      const { readReference } = yield* LibsqlDatabase
      const runs = new Map<string, number>()
      const list = (key: string, length: number) =>
        readReference("test.members", key, async () => {
          runs.set(key, (runs.get(key) ?? 0) + 1)
          return Array.from({ length }, (_, i) => i)
        })
      yield* list("a", 10_000)
      yield* list("a", 10_000)
      assert.strictEqual(runs.get("a"), 1)
      // Together past the bound: what was kept goes, the newcomer stays.
      yield* list("b", 10_000)
      yield* list("b", 10_000)
      yield* list("a", 10_000)
      assert.deepStrictEqual([runs.get("a"), runs.get("b")], [2, 1])
      // Larger than the bound alone: read every time, and what is kept stays.
      yield* list("c", 20_000)
      yield* list("c", 20_000)
      yield* list("a", 10_000)
      assert.deepStrictEqual([runs.get("c"), runs.get("a")], [2, 2])
    }).pipe(Effect.provide(freshDatabase("memory")))
  )

  it.effect("reference reads that start together share one read of the token", () =>
    Effect.gen(function* () {
      const client = createClient({ url: ":memory:" })
      yield* migrate(client)
      const statements: Array<string> = []
      const execute = client.execute.bind(client) as (s: InStatement) => ReturnType<Client["execute"]>
      client.execute = ((s: InStatement) => {
        statements.push(typeof s === "string" ? s : s.sql)
        return execute(s)
      }) as Client["execute"]
      const { readReference } = makeDatabase(client, "memory")
      const reads = Array.from({ length: 8 }, (_, i) => readReference("test.value", `${i}`, async () => i))
      assert.deepStrictEqual(yield* Effect.all(reads, { concurrency: "unbounded" }), [0, 1, 2, 3, 4, 5, 6, 7])
      assert.strictEqual(statements.filter((s) => s.includes("reference_revision")).length, 1)
      // Asked again one after the other, each asks the token itself, and the values are remembered.
      statements.length = 0
      for (const read of reads) yield* read
      assert.strictEqual(statements.filter((s) => s.includes("reference_revision")).length, reads.length)
      client.close()
    })
  )

  const databases: ReadonlyArray<Target> = ["memory", "file"]
  for (const target of databases)
    it.effect(`remembered reads answer what the database holds, whatever the writes in between (${target})`, () =>
      Effect.gen(function* () {
        const { client, read, write } = yield* LibsqlDatabase
        const uow = yield* UnitOfWork
        const store = yield* OrganizationStore
        yield* store.insert(organization("Name 0"))
        type Step = {
          readonly kind: "store" | "failed unit" | "raw sql" | "read" | "read in unit" | "write and read in unit"
          readonly name: number
        }
        const step: fc.Arbitrary<Step> = fc.record({
          kind: fc.constantFrom("store", "failed unit", "raw sql", "read", "read in unit", "write and read in unit"),
          name: fc.integer({ min: 0, max: 3 })
        })
        const apply = (s: Step) => {
          const name = `Name ${s.name}`
          switch (s.kind) {
            case "store":
              return store.update(organization(name))
            case "failed unit":
              return uow
                .transaction(Effect.andThen(store.update(organization(name)), Effect.fail("rolled back")))
                .pipe(Effect.ignore)
            case "raw sql":
              return Effect.promise(() =>
                client.execute({ sql: "UPDATE organizations SET name = ? WHERE id = ?", args: [name, orgId] })
              )
            case "read":
              return Effect.void
            case "read in unit":
            case "write and read in unit": {
              // Inside the unit, the store answers what the unit's own transaction holds, before and after the
              // unit's own write (through the store, or as raw SQL through the adapter).
              const storedInUnit = Effect.map(
                read("test.stored", (db) =>
                  db.values<[string]>(sql`SELECT name FROM organizations WHERE id = ${orgId}`)
                ),
                ([row]) => row?.[0]
              )
              return uow.transaction(
                Effect.gen(function* () {
                  assert.strictEqual(yield* cachedName, yield* storedInUnit)
                  if (s.kind === "write and read in unit") {
                    if (s.name % 2 === 0) yield* store.update(organization(name))
                    else
                      yield* write("test.rename", (db) =>
                        db.run(sql`UPDATE organizations SET name = ${name} WHERE id = ${orgId}`)
                      )
                  }
                  assert.strictEqual(yield* cachedName, yield* storedInUnit)
                })
              )
            }
          }
        }
        yield* Effect.promise(() =>
          fc.assert(
            fc.asyncProperty(fc.array(step, { maxLength: 12 }), (steps) =>
              Effect.runPromise(
                Effect.gen(function* () {
                  for (const s of steps) {
                    yield* apply(s)
                    assert.strictEqual(yield* cachedName, yield* storedName(client))
                  }
                }).pipe(Effect.provideService(OrganizationStore, store))
              )
            ),
            { numRuns: 60 }
          )
        )
      }).pipe(Effect.provide(freshDatabase(target)))
    )
})
