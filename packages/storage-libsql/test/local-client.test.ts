import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { type Client, createClient, type InStatement, type ResultSet } from "@libsql/client"
import * as fc from "fast-check"
import type { ExecuteNow } from "../src/internal/execute-now.ts"
import { createLocalClient } from "../src/internal/local-client.ts"
import { localPath } from "../src/LibsqlDatabase.ts"

const dir = mkdtempSync(join(tmpdir(), "cloudportal-local-client-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let files = 0

/** The local client and @libsql/client, each on a fresh file of its own. */
const pair = (): { local: Client; stock: Client } => {
  const n = files++
  return {
    local: createLocalClient!({
      path: join(dir, `local-${n}.db`),
      busyTimeoutMs: 5000,
      connectionPragmas: ["PRAGMA secure_delete = ON"]
    }),
    stock: createClient({ url: `file:${join(dir, `stock-${n}.db`)}` })
  }
}

const rejects = async (promise: Promise<unknown>, message: RegExp) => {
  const outcome = await promise.then(
    () => "resolved",
    (e: unknown) => String(e)
  )
  assert.match(outcome, message)
}

/** Everything of a result a caller can see: rows by index and by name, columns, counts. */
const visible = (rs: ResultSet) => ({
  columns: rs.columns,
  columnTypes: rs.columnTypes,
  rows: rs.rows.map((r) => ({ byIndex: Array.from(r), byName: { ...r }, length: r.length })),
  rowsAffected: rs.rowsAffected,
  lastInsertRowid: rs.lastInsertRowid,
  json: rs.toJSON()
})

type DriverError = { name?: string; code?: string; extendedCode?: string; rawCode?: number }
const failed = (e: DriverError) => ({
  error: { name: e.name, code: e.code, extendedCode: e.extendedCode, rawCode: e.rawCode }
})

const both = async (clients: { local: Client; stock: Client }, statement: InStatement) => {
  const answer = async (c: Client) => c.execute(statement).then(visible, failed)
  return { local: await answer(clients.local), stock: await answer(clients.stock) }
}

/** The local client's synchronous answer (`executeNow`), a result or the error it throws. */
const now = (client: Client, statement: InStatement) => {
  try {
    return visible((client as Client & ExecuteNow).executeNow(statement))
  } catch (e) {
    return failed(e as DriverError)
  }
}

describe("the local client (file databases: each statement prepared once per connection)", () => {
  it("answers every statement exactly as @libsql/client does, also synchronously: rows, types, counts and errors", async () => {
    const clients = pair()
    const statements: Array<InStatement> = [
      "CREATE TABLE t (id text PRIMARY KEY NOT NULL, i integer, r real, b blob, n text, x)",
      {
        sql: "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)",
        args: ["a", 1, 1.5, new Uint8Array([0, 1, 255]).buffer, null, true]
      },
      { sql: "INSERT INTO t (id, i) VALUES (:id, :i)", args: { id: "b", i: 9007199254740991n } },
      { sql: "INSERT INTO t (id, i) VALUES (?, ?)", args: ["a", 2] },
      { sql: "INSERT INTO t (id, i) VALUES (?, ?)", args: [null, 2] },
      "SELECT * FROM t ORDER BY id",
      "SELECT id, i AS id FROM t ORDER BY id",
      { sql: "SELECT count(*) AS n, sum(i) FROM t WHERE id <> ?", args: ["z"] },
      { sql: "UPDATE t SET n = ? WHERE id = ?", args: ["x", "a"] },
      "SELECT * FROM t WHERE 0",
      "SELECT * FROM missing",
      "SELEKT 1"
    ]
    // The same statements run synchronously (`executeNow`) on a third database answer the same.
    const synchronous = pair().local
    for (const s of statements) {
      const { local, stock } = await both(clients, s)
      assert.deepStrictEqual(local, stock, typeof s === "string" ? s : s.sql)
      assert.deepStrictEqual(now(synchronous, s), stock, typeof s === "string" ? s : s.sql)
    }
    synchronous.close()
    // Integers beyond 2^53 are refused on reading, not rounded.
    await clients.local.execute({ sql: "INSERT INTO t (id, i) VALUES ('big', ?)", args: [2n ** 60n] })
    await clients.stock.execute({ sql: "INSERT INTO t (id, i) VALUES ('big', ?)", args: [2n ** 60n] })
    const { local, stock } = await both(clients, "SELECT i FROM t WHERE id = 'big'")
    assert.deepStrictEqual(local, stock)
    clients.local.close()
    clients.stock.close()
  })

  it("reads back any stored text and number as @libsql/client does (property)", async () => {
    const clients = pair()
    for (const c of [clients.local, clients.stock])
      await c.execute("CREATE TABLE v (k integer PRIMARY KEY, s text, f real)")
    let key = 0
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: "grapheme" }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        async (s, f) => {
          const k = key++
          for (const c of [clients.local, clients.stock])
            await c.execute({ sql: "INSERT INTO v VALUES (?, ?, ?)", args: [k, s, f] })
          const { local, stock } = await both(clients, { sql: "SELECT s, f FROM v WHERE k = ?", args: [k] })
          assert.deepStrictEqual(local, stock)
        }
      ),
      { numRuns: 100 }
    )
    clients.local.close()
    clients.stock.close()
  })

  it("a cached statement sees a changed table: SELECT * after ALTER TABLE has the new column", async () => {
    const { local, stock } = pair()
    stock.close()
    await local.execute("CREATE TABLE s (a text)")
    await local.execute("INSERT INTO s VALUES ('1')")
    assert.deepStrictEqual((await local.execute("SELECT * FROM s")).columns, ["a"])
    await local.execute("ALTER TABLE s ADD COLUMN b text DEFAULT 'x'")
    const after = await local.execute("SELECT * FROM s")
    assert.deepStrictEqual(after.columns, ["a", "b"])
    assert.deepStrictEqual({ ...after.rows[0] }, { a: "1", b: "x" })
    local.close()
  })

  it("a cached statement sees a table changed by another connection (another process)", async () => {
    const path = join(dir, `shared-${files++}.db`)
    const one = createLocalClient!({ path, busyTimeoutMs: 5000 })
    const other = createLocalClient!({ path, busyTimeoutMs: 5000 })
    await one.execute("CREATE TABLE s (a text)")
    await one.execute("INSERT INTO s VALUES ('1')")
    assert.deepStrictEqual((await one.execute("SELECT * FROM s")).columns, ["a"])
    await other.execute("ALTER TABLE s ADD COLUMN b text DEFAULT 'x'")
    const after = await one.execute("SELECT * FROM s")
    assert.deepStrictEqual({ ...after.rows[0] }, { a: "1", b: "x" })
    one.close()
    other.close()
  })

  it("a transaction commits or rolls back as a whole, and reads beside it see only what is committed", async () => {
    const { local, stock } = pair()
    stock.close()
    await local.execute("CREATE TABLE w (k text PRIMARY KEY)")
    const tx = await local.transaction("write")
    await tx.execute({ sql: "INSERT INTO w VALUES (?)", args: ["in-tx"] })
    assert.strictEqual((await tx.execute("SELECT count(*) AS n FROM w")).rows[0]?.n, 1)
    assert.strictEqual((await local.execute("SELECT count(*) AS n FROM w")).rows[0]?.n, 0)
    await tx.rollback()
    assert.isTrue(tx.closed)
    assert.strictEqual((await local.execute("SELECT count(*) AS n FROM w")).rows[0]?.n, 0)
    const second = await local.transaction("write")
    await second.batch([
      { sql: "INSERT INTO w VALUES (?)", args: ["a"] },
      { sql: "INSERT INTO w VALUES (?)", args: ["b"] }
    ])
    await second.commit()
    assert.strictEqual((await local.execute("SELECT count(*) AS n FROM w")).rows[0]?.n, 2)
    await rejects(second.execute("SELECT 1"), /closed/u)
    local.close()
  })

  it("reads leave no lock behind: the write-ahead log can be truncated right after them", async () => {
    const { local, stock } = pair()
    stock.close()
    await local.execute("PRAGMA journal_mode = WAL")
    await local.execute("CREATE TABLE r (k integer PRIMARY KEY, v text)")
    for (let i = 0; i < 20; i++) await local.execute({ sql: "INSERT INTO r (v) VALUES (?)", args: ["x".repeat(500)] })
    for (let i = 0; i < 5; i++) await local.execute({ sql: "SELECT * FROM r WHERE k > ?", args: [i] })
    const tx = await local.transaction("write")
    await tx.execute("SELECT v FROM r LIMIT 1")
    await tx.commit()
    const [busy, log, checkpointed] = Array.from((await local.execute("PRAGMA wal_checkpoint(TRUNCATE)")).rows[0]!)
    assert.deepStrictEqual([busy, log, checkpointed], [0, 0, 0])
    local.close()
  })

  it("commits as durably as @libsql/client: WAL with synchronous FULL on every connection", async () => {
    const clients = pair()
    for (const c of [clients.local, clients.stock]) await c.execute("PRAGMA journal_mode = WAL")
    const settings = async (c: Client) => {
      const tx = await c.transaction("write")
      const inTransaction = (await tx.execute("PRAGMA synchronous")).rows[0]?.[0]
      await tx.commit()
      return {
        inTransaction,
        beside: (await c.execute("PRAGMA synchronous")).rows[0]?.[0],
        journal: (await c.execute("PRAGMA journal_mode")).rows[0]?.[0]
      }
    }
    const local = await settings(clients.local)
    assert.deepStrictEqual(local, await settings(clients.stock))
    assert.deepStrictEqual(local, { inTransaction: 2, beside: 2, journal: "wal" })
    clients.local.close()
    clients.stock.close()
  })

  it("every connection has secure_delete on and foreign keys on", async () => {
    const { local, stock } = pair()
    stock.close()
    const tx = await local.transaction("write")
    assert.strictEqual((await tx.execute("PRAGMA secure_delete")).rows[0]?.[0], 1)
    assert.strictEqual((await local.execute("PRAGMA secure_delete")).rows[0]?.[0], 1)
    assert.strictEqual((await local.execute("PRAGMA foreign_keys")).rows[0]?.[0], 1)
    await tx.commit()
    local.close()
    await rejects(local.execute("SELECT 1"), /closed/u)
  })

  it("file URLs naming a plain path go to the local client; others to @libsql/client", () => {
    assert.strictEqual(localPath("file:data/cloudportal.db"), "data/cloudportal.db")
    assert.strictEqual(localPath("file:/var/lib/x.db"), "/var/lib/x.db")
    assert.strictEqual(localPath("file:///var/lib/x.db"), "/var/lib/x.db")
    assert.strictEqual(localPath("file://localhost/var/lib/x.db"), "/var/lib/x.db")
    assert.strictEqual(localPath("file:/tmp/with%20space.db"), "/tmp/with space.db")
    assert.strictEqual(localPath("file:x.db?mode=ro"), undefined)
    assert.strictEqual(localPath("file://otherhost/x.db"), undefined)
    assert.strictEqual(localPath(":memory:"), undefined)
    assert.strictEqual(localPath("http://127.0.0.1:8080"), undefined)
  })
})
