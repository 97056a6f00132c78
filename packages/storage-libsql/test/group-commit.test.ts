import { join } from "node:path"
import { sampleOrganization } from "@cloudportal/core/testing"
import { assert, describe, it } from "@effect/vitest"
import { type Client, createClient, type InStatement, type Transaction, type TransactionMode } from "@libsql/client"
import { sql } from "drizzle-orm"
import { Data, Deferred, Effect, Exit, Fiber, Layer, Option } from "effect"
import { TestClock } from "effect/testing"
import {
  AuditLog,
  Organization,
  OrganizationAlreadyRegistered,
  OrganizationStore,
  SecureRandom,
  StorageError
} from "../src/internal/core.ts"
import type { ExecuteNow } from "../src/internal/execute-now.ts"
import { LibsqlDatabase, layerDatabase } from "../src/LibsqlDatabase.ts"
import { layer } from "../src/LibsqlStorage.ts"
import { record, verifyChain } from "./support/core.ts"
import { tempDir } from "./support/databases.ts"
import { auditDraft } from "./support/fixtures.ts"
import { startSqld } from "./support/sqld.ts"

// Group commit: write transactions that queue while a group runs share the next group's one SQLite
// transaction and its one commit (savepoints only when a group runs again after a unit failed mid-way). These tests make the queue deterministic by
// holding a group open (`holdGroup`) while the units under test are forked with `startImmediately`, which
// queues each before the fork returns.

class UnitFailed extends Data.TaggedError("UnitFailed")<{ readonly unit: number }> {}

/** What the client was asked to do: write transactions opened, commits that succeeded, statements in them. */
interface Counts {
  transactions: number
  commits: number
  readonly statements: Array<string>
}

/** Counts the transactions, commits and statements of the database's client (a test's instrument). */
const counting = Effect.gen(function* () {
  const { client } = yield* LibsqlDatabase
  const counts: Counts = { transactions: 0, commits: 0, statements: [] }
  const open = client.transaction.bind(client)
  client.transaction = async (mode?: TransactionMode) => {
    const tx = await open(mode ?? "write")
    counts.transactions++
    const execute = tx.execute.bind(tx)
    const commit = tx.commit.bind(tx)
    const note = (statement: InStatement) =>
      counts.statements.push(typeof statement === "string" ? statement : statement.sql)
    tx.execute = (statement: InStatement) => {
      note(statement)
      return execute(statement)
    }
    // The local client's transactions also run statements synchronously (`ExecuteNow`).
    const now = tx as Transaction & Partial<ExecuteNow>
    const executeNow = now.executeNow?.bind(tx)
    if (executeNow !== undefined)
      (now as { executeNow: ExecuteNow["executeNow"] }).executeNow = (statement) => {
        note(statement)
        return executeNow(statement)
      }
    tx.commit = async () => {
      await commit()
      counts.commits++
    }
    return tx
  }
  return counts
})

const createTables = Effect.gen(function* () {
  const { client } = yield* LibsqlDatabase
  yield* Effect.promise(() =>
    client.executeMultiple(`
      CREATE TABLE gc_rows (id TEXT PRIMARY KEY NOT NULL, unit INTEGER NOT NULL);
      CREATE TABLE gc_parents (id TEXT PRIMARY KEY NOT NULL);
      CREATE TABLE gc_children (
        id TEXT PRIMARY KEY NOT NULL,
        parent TEXT NOT NULL REFERENCES gc_parents(id) DEFERRABLE INITIALLY DEFERRED
      );
    `)
  )
})

const insertRow = (unit: number, suffix = "a") =>
  LibsqlDatabase.use((db) =>
    db.write("gc.insert", (d) => d.run(sql`INSERT INTO gc_rows (id, unit) VALUES (${`${unit}${suffix}`}, ${unit})`))
  )

/** A child whose parent does not exist: accepted by the statement, refused by the deferred key at COMMIT. */
const insertOrphan = (unit: number) =>
  LibsqlDatabase.use((db) =>
    db.write("gc.orphan", (d) => d.run(sql`INSERT INTO gc_children (id, parent) VALUES (${`child${unit}`}, 'none')`))
  )

const rowsOf = (client: Client) =>
  Effect.promise(() => client.execute("SELECT unit FROM gc_rows ORDER BY unit, id")).pipe(
    Effect.map((r) => r.rows.map((row) => Number(row.unit)))
  )

/** Holds a group open until `release`: units forked meanwhile queue for the next group. */
const holdGroup = Effect.gen(function* () {
  const db = yield* LibsqlDatabase
  const inside = yield* Deferred.make<void>()
  const latch = yield* Deferred.make<void>()
  const holder = yield* Effect.forkChild(
    db.transaction(Effect.andThen(Deferred.succeed(inside, undefined), Deferred.await(latch))),
    { startImmediately: true }
  )
  yield* Deferred.await(inside)
  return Deferred.succeed(latch, undefined).pipe(Effect.andThen(Fiber.join(holder)))
})

/**
 * Forks one transaction per effect, each queued before the next is forked, and runs `acknowledged` with each
 * result as soon as its transaction returns; their exits in order.
 */
const queued = <A, E, R, R2 = never>(
  effects: ReadonlyArray<Effect.Effect<A, E, R>>,
  acknowledged: (a: A) => Effect.Effect<void, never, R2> = () => Effect.void
) =>
  Effect.gen(function* () {
    const db = yield* LibsqlDatabase
    const release = yield* holdGroup
    const fibers = yield* Effect.forEach(effects, (effect) =>
      Effect.forkChild(Effect.tap(db.transaction(effect), acknowledged), { startImmediately: true })
    )
    yield* release
    return yield* Effect.forEach(fibers, (fiber) => Fiber.await(fiber))
  })

/** An organization, and another whose name normalizes to the same (the unique index refuses the second). */
const namesakes = Effect.gen(function* () {
  const first = yield* sampleOrganization()
  return { first, twin: yield* sampleOrganization({ name: first.name.toUpperCase() }) }
})

const errorOf = <A, E>(exit: Exit.Exit<A, E>): E | undefined => Option.getOrUndefined(Exit.findErrorOption(exit))

const fileUrl = Effect.map(tempDir, (dir) => `file:${join(dir, "group.db")}`)

const urls = {
  file: fileUrl,
  memory: Effect.succeed(":memory:"),
  sqld: Effect.map(startSqld(), (sqld) => sqld.url)
} as const

/** Every port on a fresh database of the kind, with the test's tables. */
const withDatabase = <A, E, R>(kind: keyof typeof urls, body: Effect.Effect<A, E, R>) =>
  Effect.flatMap(urls[kind], (url) =>
    Effect.provide(Effect.andThen(createTables, body), Layer.merge(layer({ url }), SecureRandom.layerWebCrypto))
  )

for (const kind of ["file", "memory", "sqld"] as const) {
  describe(`group commit on libSQL (${kind})`, () => {
    it.effect("a group gives turns for a second at most: the units still waiting go first in the next group", () =>
      withDatabase(
        kind,
        Effect.gen(function* () {
          const counts = yield* counting
          const { client } = yield* LibsqlDatabase
          // The first unit takes two seconds (of the test clock): the group commits it alone.
          const slow = Effect.andThen(insertRow(0), TestClock.adjust("2 seconds"))
          const exits = yield* queued([slow, ...Array.from({ length: 7 }, (_, i) => insertRow(i + 1))])
          assert.isTrue(exits.every(Exit.isSuccess))
          // The group holding the queue open, the slow unit's group, and the rest together.
          assert.deepStrictEqual([counts.transactions, counts.commits], [3, 3])
          assert.deepStrictEqual(yield* rowsOf(client), [0, 1, 2, 3, 4, 5, 6, 7])
        })
      )
    )

    it.effect("a lone unit of work does not wait for company and needs no savepoint", () =>
      withDatabase(
        kind,
        Effect.gen(function* () {
          const counts = yield* counting
          const { client, transaction } = yield* LibsqlDatabase
          // Under the TestClock a timer would never fire: the unit finishing shows nothing waited for one.
          yield* transaction(insertRow(1))
          assert.deepStrictEqual([counts.transactions, counts.commits], [1, 1])
          assert.isFalse(counts.statements.some((s) => /SAVEPOINT|RELEASE/iu.test(s)))
          assert.deepStrictEqual(yield* rowsOf(client), [1])
        })
      )
    )

    it.effect(
      "units of work queued behind a running group commit together, in one transaction without savepoints",
      () =>
        withDatabase(
          kind,
          Effect.gen(function* () {
            const counts = yield* counting
            const { client } = yield* LibsqlDatabase
            const exits = yield* queued(
              Array.from({ length: 16 }, (_, i) => Effect.andThen(insertRow(i, "a"), insertRow(i, "b")))
            )
            assert.isTrue(exits.every(Exit.isSuccess))
            // The holder's group, then one group of the 16, one commit each.
            assert.deepStrictEqual([counts.transactions, counts.commits], [2, 2])
            assert.isFalse(counts.statements.some((s) => /SAVEPOINT|RELEASE/iu.test(s)))
            assert.strictEqual((yield* rowsOf(client)).length, 32)
          })
        )
    )

    it.effect("a unit that fails mid-way leaves none of its writes while its group mates commit", () =>
      withDatabase(
        kind,
        Effect.gen(function* () {
          const counts = yield* counting
          const { client } = yield* LibsqlDatabase
          const exits = yield* queued(
            Array.from({ length: 12 }, (_, i) =>
              Effect.gen(function* () {
                yield* insertRow(i)
                if (i % 3 === 1) return yield* new UnitFailed({ unit: i })
                if (i % 3 === 2) return yield* Effect.die(`unit ${i} dies`)
                yield* insertRow(i, "b")
                return i
              })
            )
          )
          exits.forEach((exit, i) => {
            if (i % 3 === 0) assert.deepStrictEqual(exit, Exit.succeed(i))
            else if (i % 3 === 1) assert.deepStrictEqual(errorOf(exit), new UnitFailed({ unit: i }))
            else assert.isTrue(Exit.hasDies(exit))
          })
          // The holder's group; the group rolled back at unit 1; the group again, a savepoint per unit.
          assert.deepStrictEqual([counts.transactions, counts.commits], [3, 2])
          assert.strictEqual(counts.statements.filter((s) => s === "SAVEPOINT unit").length, 12)
          assert.deepStrictEqual(yield* rowsOf(client), [0, 0, 3, 3, 6, 6, 9, 9])
        })
      )
    )

    it.effect("units of a group that write no reference data share one read of the reference token", () =>
      withDatabase(
        kind,
        Effect.gen(function* () {
          const counts = yield* counting
          const organizations = yield* OrganizationStore
          const organization = yield* sampleOrganization()
          yield* organizations.insert(organization)
          yield* organizations.get(organization.id)
          const exits = yield* queued(
            Array.from({ length: 8 }, (_, i) =>
              Effect.andThen(insertRow(i), Effect.andThen(organizations.get(organization.id), insertRow(i, "b")))
            )
          )
          assert.isTrue(exits.every(Exit.isSuccess))
          const tokenReads = counts.statements.filter((statement) => statement.includes("reference_revision"))
          assert.strictEqual(tokenReads.length, 1)
        })
      )
    )

    it.effect("a unit reads its group mates' reference writes, and the kept answer again after one rolls back", () =>
      withDatabase(
        kind,
        Effect.gen(function* () {
          const organizations = yield* OrganizationStore
          const organization = yield* sampleOrganization({ name: "Stadt Alt" })
          yield* organizations.insert(organization)
          const nameNow = Effect.map(organizations.get(organization.id), (o) => o?.name)
          assert.strictEqual(yield* nameNow, "Stadt Alt")
          const rename = (name: string) => organizations.update(new Organization({ ...organization, name }))
          const exits = yield* queued<string | undefined, unknown, never>([
            nameNow,
            Effect.andThen(rename("Stadt Zwischen"), new UnitFailed({ unit: 1 })),
            nameNow,
            Effect.andThen(rename("Stadt Neu"), nameNow),
            nameNow
          ])
          assert.deepStrictEqual(
            exits.map((exit) => (Exit.isSuccess(exit) ? exit.value : "failed")),
            ["Stadt Alt", "failed", "Stadt Alt", "Stadt Neu", "Stadt Neu"]
          )
          assert.strictEqual(yield* nameNow, "Stadt Neu")
        })
      )
    )

    it.effect("a constraint violation in one unit fails that unit alone, with the core error", () =>
      withDatabase(
        kind,
        Effect.gen(function* () {
          const counts = yield* counting
          const { client } = yield* LibsqlDatabase
          const organizations = yield* OrganizationStore
          // Unit 3 registers the name unit 0 registered earlier in the same group.
          const { first, twin } = yield* namesakes
          const others = yield* Effect.forEach(Array.from({ length: 5 }), () => sampleOrganization())
          const inserts = [first, others[0]!, others[1]!, twin, others[2]!, others[3]!]
          const exits = yield* queued(
            inserts.map((organization, i) => Effect.andThen(insertRow(i), organizations.insert(organization)))
          )
          exits.forEach((exit, i) => {
            if (i === 3) assert.instanceOf(errorOf(exit), OrganizationAlreadyRegistered)
            else assert.isTrue(Exit.isSuccess(exit), `unit ${i}`)
          })
          // Unit 3 wrote its row before the refused insert: its group runs again, with savepoints.
          assert.deepStrictEqual([counts.transactions, counts.commits], [3, 2])
          assert.deepStrictEqual(yield* rowsOf(client), [0, 1, 2, 4, 5])
          for (const [i, organization] of inserts.entries())
            assert.strictEqual((yield* organizations.get(organization.id)) !== undefined, i !== 3)
        })
      )
    )

    it.effect("a failing commit fails every unit of its group with a StorageError and none of their writes exist", () =>
      withDatabase(
        kind,
        Effect.gen(function* () {
          const counts = yield* counting
          const { client, transaction } = yield* LibsqlDatabase
          const exits = yield* queued(
            Array.from({ length: 8 }, (_, i) =>
              Effect.gen(function* () {
                yield* insertRow(i)
                if (i === 4) yield* insertOrphan(i)
                // A unit that failed on its own decided on its group mates' writes, which are gone too.
                if (i === 6) return yield* new UnitFailed({ unit: i })
                return i
              })
            )
          )
          for (const exit of exits) {
            const error = errorOf(exit)
            assert.instanceOf(error, StorageError)
            assert.strictEqual((error as StorageError).operation, "transaction.commit")
          }
          // Unit 6 failed after its write: the group ran again (with savepoints), and its commit failed.
          assert.deepStrictEqual([counts.transactions, counts.commits], [3, 1])
          assert.deepStrictEqual(yield* rowsOf(client), [])
          const children = yield* Effect.promise(() => client.execute("SELECT count(*) AS n FROM gc_children"))
          assert.strictEqual(Number(children.rows[0]?.n), 0)
          // The database goes on: the next unit commits.
          yield* transaction(insertRow(9))
          assert.deepStrictEqual(yield* rowsOf(client), [9])
        })
      )
    )

    it.effect("units that fail before they change a row leave their group's one transaction as it is", () =>
      withDatabase(
        kind,
        Effect.gen(function* () {
          const counts = yield* counting
          const { client } = yield* LibsqlDatabase
          const organizations = yield* OrganizationStore
          const { first, twin } = yield* namesakes
          const exits = yield* queued<unknown, unknown, LibsqlDatabase>([
            Effect.andThen(organizations.insert(first), insertRow(0)),
            new UnitFailed({ unit: 1 }),
            // Refused at its first write: the statement changed nothing.
            Effect.andThen(organizations.insert(twin), insertRow(2)),
            insertRow(3)
          ])
          assert.deepStrictEqual(exits.map(Exit.isSuccess), [true, false, false, true])
          assert.instanceOf(errorOf(exits[2]!), OrganizationAlreadyRegistered)
          assert.deepStrictEqual([counts.transactions, counts.commits], [2, 2])
          assert.isFalse(counts.statements.some((s) => /SAVEPOINT|ROLLBACK/iu.test(s)))
          assert.deepStrictEqual(yield* rowsOf(client), [0, 3])
        })
      )
    )

    it.effect("a group rolled back for a unit that failed after writing runs each unit at most twice", () =>
      withDatabase(
        kind,
        Effect.gen(function* () {
          const { client } = yield* LibsqlDatabase
          const runs = [0, 0, 0, 0, 0, 0]
          const exits = yield* queued(
            runs.map((_, i) =>
              Effect.gen(function* () {
                runs[i]!++
                yield* insertRow(i)
                // Units 2 and 4 fail after their write every time they run.
                if (i === 2 || i === 4) return yield* new UnitFailed({ unit: i })
                return i
              })
            )
          )
          assert.deepStrictEqual(exits.map(Exit.isSuccess), [true, true, false, true, false, true])
          // The first group stopped at unit 2; the second (savepoints) ran all six and rolled back 2 and 4 alone.
          assert.deepStrictEqual(runs, [2, 2, 2, 1, 1, 1])
          assert.deepStrictEqual(yield* rowsOf(client), [0, 1, 3, 5])
        })
      )
    )

    it.effect("a unit that fails after a change no row count shows (DDL) is rolled back with its group too", () =>
      withDatabase(
        kind,
        Effect.gen(function* () {
          const { client } = yield* LibsqlDatabase
          const runs = [0, 0, 0]
          const createTable = LibsqlDatabase.use((db) =>
            db.write("gc.ddl", (d) => d.run(sql`CREATE TABLE gc_extra (id TEXT PRIMARY KEY NOT NULL)`))
          )
          const exits = yield* queued([
            Effect.sync(() => runs[0]!++).pipe(Effect.andThen(insertRow(0))),
            Effect.sync(() => runs[1]!++).pipe(
              Effect.andThen(createTable),
              Effect.andThen(Effect.fail(new UnitFailed({ unit: 1 })))
            ),
            Effect.sync(() => runs[2]!++).pipe(Effect.andThen(insertRow(2)))
          ])
          assert.deepStrictEqual(exits.map(Exit.isSuccess), [true, false, true])
          assert.deepStrictEqual(runs, [2, 2, 1])
          assert.deepStrictEqual(yield* rowsOf(client), [0, 2])
          const tables = yield* Effect.promise(() =>
            client.execute("SELECT count(*) AS n FROM sqlite_master WHERE name = 'gc_extra'")
          )
          assert.strictEqual(Number(tables.rows[0]?.n), 0)
        })
      )
    )

    it.effect("a unit that fails after a batch of writes is rolled back with its group too", () =>
      withDatabase(
        kind,
        Effect.gen(function* () {
          const { client } = yield* LibsqlDatabase
          const runs = [0, 0, 0]
          const insertBatch = (unit: number) =>
            LibsqlDatabase.use((db) =>
              db.write("gc.batch", (d) =>
                d.batch([
                  d.run(sql`INSERT INTO gc_rows (id, unit) VALUES (${`${unit}a`}, ${unit})`),
                  d.run(sql`INSERT INTO gc_rows (id, unit) VALUES (${`${unit}b`}, ${unit})`)
                ])
              )
            ).pipe(Effect.asVoid)
          const exits = yield* queued([
            Effect.sync(() => runs[0]!++).pipe(Effect.andThen(insertRow(0))),
            Effect.sync(() => runs[1]!++).pipe(
              Effect.andThen(insertBatch(1)),
              Effect.andThen(Effect.fail(new UnitFailed({ unit: 1 })))
            ),
            Effect.sync(() => runs[2]!++).pipe(Effect.andThen(insertBatch(2)))
          ])
          assert.deepStrictEqual(exits.map(Exit.isSuccess), [true, false, true])
          assert.deepStrictEqual(runs, [2, 2, 1])
          assert.deepStrictEqual(yield* rowsOf(client), [0, 2, 2])
        })
      )
    )

    it.effect("a unit interrupted after its work, whose group then rolls back, does not run again", () =>
      withDatabase(
        kind,
        Effect.gen(function* () {
          const db = yield* LibsqlDatabase
          const inside = yield* Deferred.make<void>()
          const latch = yield* Deferred.make<void>()
          const runs = [0, 0, 0]
          const units = [
            Effect.sync(() => runs[0]!++).pipe(Effect.andThen(insertRow(0))),
            Effect.gen(function* () {
              runs[1]!++
              yield* insertRow(1)
              yield* Deferred.succeed(inside, undefined)
              yield* Deferred.await(latch)
              return yield* new UnitFailed({ unit: 1 })
            }),
            Effect.sync(() => runs[2]!++).pipe(Effect.andThen(insertRow(2)))
          ]
          const release = yield* holdGroup
          const fibers = yield* Effect.forEach(units, (unit) =>
            Effect.forkChild(db.transaction(unit), { startImmediately: true })
          )
          yield* release
          // Unit 0 has finished and waits for the commit; unit 1 is inside the group's transaction.
          yield* Deferred.await(inside)
          yield* Fiber.interrupt(fibers[0]!)
          yield* Deferred.succeed(latch, undefined)
          const exits = yield* Effect.forEach(fibers, (fiber) => Fiber.await(fiber))
          assert.isTrue(Exit.hasInterrupts(exits[0]!))
          assert.deepStrictEqual(errorOf(exits[1]!), new UnitFailed({ unit: 1 }))
          assert.isTrue(Exit.isSuccess(exits[2]!))
          assert.deepStrictEqual(runs, [1, 2, 1])
          assert.deepStrictEqual(yield* rowsOf(db.client), [2])
        })
      )
    )

    it.effect("a unit interrupted while it waits for its turn writes nothing and its group goes on", () =>
      withDatabase(
        kind,
        Effect.gen(function* () {
          const db = yield* LibsqlDatabase
          const release = yield* holdGroup
          const fibers = yield* Effect.forEach([0, 1, 2], (i) =>
            Effect.forkChild(db.transaction(insertRow(i)), { startImmediately: true })
          )
          yield* Fiber.interrupt(fibers[1]!)
          yield* release
          const exits = yield* Effect.forEach(fibers, (fiber) => Fiber.await(fiber))
          assert.isTrue(Exit.isSuccess(exits[0]!))
          assert.isTrue(Exit.hasInterrupts(exits[1]!))
          assert.isTrue(Exit.isSuccess(exits[2]!))
          assert.deepStrictEqual(yield* rowsOf(db.client), [0, 2])
        })
      )
    )

    it.effect(
      "clients a commit answered that come back within a few turns share one group, none goes alone first",
      () =>
        withDatabase(
          kind,
          Effect.gen(function* () {
            const counts = yield* counting
            const { client, transaction } = yield* LibsqlDatabase
            const clients = 8
            const rounds = 5
            // All queue behind the held group; after each answer a client reads for one to three turns of the
            // scheduler before its next unit of work (as a use case reads before its transaction), so the clients
            // come back one after another.
            const runClient = (c: number) =>
              Effect.gen(function* () {
                for (let round = 0; round < rounds; round++) {
                  yield* transaction(insertRow(c, `r${round}`))
                  for (let turn = 0; turn <= c % 3; turn++) yield* Effect.yieldNow
                }
              })
            const release = yield* holdGroup
            const fibers = yield* Effect.forEach(
              Array.from({ length: clients }, (_, c) => c),
              (c) => Effect.forkChild(runClient(c), { startImmediately: true })
            )
            yield* release
            yield* Effect.forEach(fibers, (fiber) => Fiber.join(fiber))
            // The holder's group, then one group of all eight clients per round.
            assert.deepStrictEqual([counts.transactions, counts.commits], [1 + rounds, 1 + rounds])
            assert.strictEqual((yield* rowsOf(client)).length, clients * rounds)
          })
        )
    )

    it.effect("a group holds at most 32 units", () =>
      withDatabase(
        kind,
        Effect.gen(function* () {
          const counts = yield* counting
          const { client } = yield* LibsqlDatabase
          const exits = yield* queued(Array.from({ length: 40 }, (_, i) => insertRow(i)))
          assert.isTrue(exits.every(Exit.isSuccess))
          // The holder's group, 32 units, the remaining 8.
          assert.deepStrictEqual([counts.transactions, counts.commits], [3, 3])
          assert.strictEqual((yield* rowsOf(client)).length, 40)
        })
      )
    )

    it.effect("the audit chain stays linked when a unit rolls back to its savepoint or its group's commit fails", () =>
      withDatabase(
        kind,
        Effect.gen(function* () {
          const chain = "org_group_commit"
          const draft = (n: number) => auditDraft(chain, n)
          // Group 1: units 1 and 3 append, then fail; the others link past them.
          const first = yield* queued(
            Array.from({ length: 5 }, (_, i) =>
              Effect.andThen(record(draft(i)), i % 2 === 1 ? Effect.fail(new UnitFailed({ unit: i })) : Effect.void)
            )
          )
          assert.deepStrictEqual(first.map(Exit.isSuccess), [true, false, true, false, true])
          // Group 2: every unit appends, one leaves an orphan, the commit fails and takes all appends with it.
          const second = yield* queued(
            Array.from({ length: 3 }, (_, i) =>
              Effect.andThen(record(draft(10 + i)), i === 1 ? insertOrphan(i) : Effect.void)
            )
          )
          assert.isTrue(second.every(Exit.isFailure))
          const { transaction } = yield* LibsqlDatabase
          const last = yield* transaction(record(draft(20)))
          const events = yield* AuditLog.use((log) => log.list(chain, { afterSequence: 0, limit: 50 }))
          assert.deepStrictEqual(
            events.map((e) => e.action),
            ["test.step0", "test.step2", "test.step4", "test.step20"]
          )
          assert.strictEqual(last.sequence, 4)
          assert.deepStrictEqual(yield* verifyChain(events), { ok: true })
        })
      )
    )
  })
}

describe("group commit on libSQL (file), durability", () => {
  it.effect("every unit of a group is acknowledged only once its commit is durable, and is there after reopening", () =>
    Effect.gen(function* () {
      const url = yield* fileUrl
      // Another connection sees only what is committed.
      const outside = yield* Effect.acquireRelease(
        Effect.sync(() => createClient({ url })),
        (c) => Effect.sync(() => c.close())
      )
      yield* Effect.gen(function* () {
        yield* createTables
        const counts = yield* counting
        const exits = yield* queued(
          Array.from({ length: 16 }, (_, i) => Effect.as(Effect.andThen(insertRow(i), insertRow(i, "b")), i)),
          (i) =>
            Effect.promise(() =>
              outside.execute({ sql: "SELECT count(*) AS n FROM gc_rows WHERE unit = ?", args: [i] })
            ).pipe(
              Effect.map((r) => assert.strictEqual(Number(r.rows[0]?.n), 2, `unit ${i} acknowledged before its commit`))
            )
        )
        assert.isTrue(exits.every(Exit.isSuccess))
        assert.deepStrictEqual([counts.transactions, counts.commits], [2, 2])
      }).pipe(Effect.provide(layerDatabase({ url })))
      // Reopened: every unit's rows, and a sound file.
      yield* Effect.gen(function* () {
        const { client } = yield* LibsqlDatabase
        assert.deepStrictEqual(
          yield* rowsOf(client),
          Array.from({ length: 32 }, (_, i) => Math.floor(i / 2))
        )
        const integrity = yield* Effect.promise(() => client.execute("PRAGMA integrity_check"))
        assert.strictEqual(integrity.rows[0]?.[0], "ok")
      }).pipe(Effect.provide(layerDatabase({ url })))
    })
  )
})

describe("group commit on libSQL, configured off", () => {
  it.effect("maxGroupUnits 1 runs every unit of work in a transaction of its own", () =>
    Effect.gen(function* () {
      const url = yield* fileUrl
      yield* Effect.gen(function* () {
        yield* createTables
        const counts = yield* counting
        const exits = yield* queued(Array.from({ length: 8 }, (_, i) => insertRow(i)))
        assert.isTrue(exits.every(Exit.isSuccess))
        assert.deepStrictEqual([counts.transactions, counts.commits], [9, 9])
      }).pipe(Effect.provide(layerDatabase({ url, maxGroupUnits: 1 })))
    })
  )
})
