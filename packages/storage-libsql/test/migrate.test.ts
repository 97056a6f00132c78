import { readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { type Client, createClient } from "@libsql/client"
import { generateSQLiteDrizzleJson, generateSQLiteMigration } from "drizzle-kit/api"
import { drizzle } from "drizzle-orm/libsql"
import { migrate as drizzleMigrate } from "drizzle-orm/libsql/migrator"
import { Effect, Layer } from "effect"
import { readMigrations } from "../scripts/embed.ts"
import { LibsqlDatabase, layerDatabase } from "../src/LibsqlDatabase.ts"
import { type EmbeddedMigration, migrate, migrations, migrationsTable } from "../src/Migrator.ts"
import * as schema from "../src/schema/index.ts"
import { runScript } from "./support/child.ts"
import { tempDir } from "./support/databases.ts"
import { startSqld } from "./support/sqld.ts"

const drizzleFolder = fileURLToPath(new URL("../drizzle", import.meta.url))

/** A client on a fresh, empty database of the kind, closed with the scope. */
const emptyDatabase = (kind: "memory" | "file" | "sqld") =>
  Effect.gen(function* () {
    const url =
      kind === "memory"
        ? ":memory:"
        : kind === "file"
          ? `file:${join(yield* tempDir, "migrate.db")}`
          : (yield* startSqld()).url
    return yield* Effect.acquireRelease(
      Effect.sync(() => createClient({ url, timeout: 5000 })),
      (client) => Effect.sync(() => client.close())
    )
  })

const tables = (client: Client) =>
  Effect.promise(() =>
    client.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
  ).pipe(Effect.map((rs) => rs.rows.map((r) => String(r.name))))

const recorded = (client: Client) =>
  Effect.promise(() => client.execute(`SELECT hash, created_at FROM "${migrationsTable}" ORDER BY created_at`)).pipe(
    Effect.map((rs) => rs.rows.map((r) => ({ hash: String(r.hash), createdAt: Number(r.created_at) })))
  )

const expectedTables = [
  migrationsTable,
  "accounts",
  "addresses",
  "audit_events",
  "contract_folders",
  "dev_mails",
  "inhouse_declarations",
  "link_tokens",
  "offering_versions",
  "offerings",
  "orders",
  "organizations",
  "outbox_messages",
  "rate_limits",
  "reference_revision",
  "registrations",
  "roles",
  "sessions",
  "terms_versions",
  "threshold_table",
  "thresholds"
].sort()

describe("migrations", () => {
  it("the embedded migrations are exactly the committed drizzle-kit migrations (run pnpm db:generate)", () => {
    assert.deepStrictEqual(
      readMigrations(drizzleFolder, (path) => readFileSync(path, "utf8")),
      migrations
    )
  })

  it.effect("the committed migrations match the schema: drizzle-kit has nothing left to generate", () =>
    Effect.gen(function* () {
      const journal = JSON.parse(readFileSync(join(drizzleFolder, "meta/_journal.json"), "utf8")) as {
        entries: ReadonlyArray<{ idx: number }>
      }
      const last = journal.entries.at(-1)!.idx
      const snapshot = JSON.parse(
        readFileSync(join(drizzleFolder, `meta/${String(last).padStart(4, "0")}_snapshot.json`), "utf8")
      )
      const current = yield* Effect.promise(() => generateSQLiteDrizzleJson(schema))
      const pending = yield* Effect.promise(() => generateSQLiteMigration(snapshot, current))
      assert.deepStrictEqual(pending, [])
    })
  )

  for (const kind of ["memory", "file", "sqld"] as const)
    it.effect(`migrate applies every migration once and nothing the second time (${kind})`, () =>
      Effect.gen(function* () {
        const client = yield* emptyDatabase(kind)
        assert.deepStrictEqual(
          yield* migrate(client),
          migrations.map((m) => m.tag)
        )
        assert.deepStrictEqual(yield* migrate(client), [])
        assert.deepStrictEqual(yield* tables(client), expectedTables)
        assert.deepStrictEqual(
          yield* recorded(client),
          migrations.map((m) => ({ hash: m.hash, createdAt: m.when }))
        )
      })
    )

  it.effect("server processes starting at once on one file apply each migration exactly once", () =>
    Effect.gen(function* () {
      const url = `file:${join(yield* tempDir, "shared.db")}`
      const outputs = yield* Effect.forEach([1, 2, 3], () => runScript("test/support/migrate-child.ts", [url]), {
        concurrency: "unbounded"
      })
      assert.deepStrictEqual(
        outputs.flatMap((out) => JSON.parse(out) as Array<string>),
        migrations.map((m) => m.tag)
      )
      const client = yield* Effect.acquireRelease(
        Effect.sync(() => createClient({ url })),
        (c) => Effect.sync(() => c.close())
      )
      assert.strictEqual((yield* recorded(client)).length, migrations.length)
    })
  )

  it.effect("servers starting at once on one sqld apply each migration exactly once", () =>
    Effect.gen(function* () {
      const { url } = yield* startSqld()
      const clients = yield* Effect.forEach([1, 2, 3], () =>
        Effect.acquireRelease(
          Effect.sync(() => createClient({ url })),
          (c) => Effect.sync(() => c.close())
        )
      )
      const applied = yield* Effect.forEach(clients, (c) => migrate(c), { concurrency: "unbounded" })
      assert.deepStrictEqual(
        applied.flat(),
        migrations.map((m) => m.tag)
      )
      assert.strictEqual((yield* recorded(clients[0]!)).length, migrations.length)
    })
  )

  it.effect("drizzle's own migrator and this one agree on what is applied", () =>
    Effect.gen(function* () {
      const ours = yield* emptyDatabase("file")
      yield* migrate(ours)
      yield* Effect.promise(() => drizzleMigrate(drizzle({ client: ours }), { migrationsFolder: drizzleFolder }))
      assert.strictEqual((yield* recorded(ours)).length, migrations.length)

      const theirs = yield* emptyDatabase("file")
      yield* Effect.promise(() => drizzleMigrate(drizzle({ client: theirs }), { migrationsFolder: drizzleFolder }))
      assert.deepStrictEqual(yield* migrate(theirs), [])
      assert.deepStrictEqual(yield* tables(theirs), expectedTables)
    })
  )

  it.effect("a database of an earlier release upgrades in place and keeps its data", () =>
    Effect.gen(function* () {
      const client = yield* emptyDatabase("file")
      const [first, ...later] = migrations
      assert.deepStrictEqual(yield* migrate(client, [first!]), [first!.tag])
      yield* Effect.promise(() =>
        client.execute({
          sql: "INSERT INTO terms_versions (id, version, effective_from, url, text) VALUES (?, ?, ?, NULL, ?)",
          args: ["terms_old", "CSP-AGB 1.0", 0, "Bestand"]
        })
      )
      assert.deepStrictEqual(
        yield* migrate(client),
        later.map((m) => m.tag)
      )
      assert.deepStrictEqual(yield* tables(client), expectedTables)
      const kept = yield* Effect.promise(() => client.execute("SELECT id, text FROM terms_versions"))
      assert.deepStrictEqual(
        kept.rows.map((r) => [r.id, r.text]),
        [["terms_old", "Bestand"]]
      )
    })
  )

  it.effect("a failing migration leaves the schema as it was", () =>
    Effect.gen(function* () {
      const client = yield* emptyDatabase("file")
      const broken: EmbeddedMigration = {
        tag: "9999_broken",
        when: Number.MAX_SAFE_INTEGER,
        hash: "broken",
        statements: ["CREATE TABLE half_done (id text)", "THIS IS NOT SQL"]
      }
      const error = yield* Effect.flip(migrate(client, [...migrations, broken]))
      assert.strictEqual(error._tag, "StorageError")
      assert.deepStrictEqual(yield* tables(client), [])
      assert.deepStrictEqual(
        yield* migrate(client),
        migrations.map((m) => m.tag)
      )
    })
  )

  it.effect("the layer migrates on start unless told not to", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const url = `file:${join(dir, "layer.db")}`
      const tablesThroughLayer = (migrateOnStart: boolean) =>
        Effect.gen(function* () {
          const { client } = yield* LibsqlDatabase
          return yield* tables(client)
        }).pipe(Effect.provide(Layer.fresh(layerDatabase({ url, migrate: migrateOnStart }))))
      assert.deepStrictEqual(yield* tablesThroughLayer(false), [])
      assert.deepStrictEqual(yield* tablesThroughLayer(true), expectedTables)
    })
  )
})
