import type { Client } from "@libsql/client"

/**
 * Every write to the portal's tables, counted by triggers the test adds to its own database: a refused request
 * must leave the count where it was. Two kinds of write are bookkeeping, not state, and are not counted: the
 * rate limiter's counters (an attempt counts whether or not it succeeds) and a session's `last_seen_at`.
 */
export interface ChangeLog {
  /** Rows written so far, per table. */
  readonly snapshot: () => Promise<ReadonlyMap<string, number>>
}

const bookkeepingTables = new Set(["rate_limits", "__drizzle_migrations", "_system_test_writes"])
const bookkeepingColumns: Readonly<Record<string, ReadonlySet<string>>> = { sessions: new Set(["last_seen_at"]) }

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`

export const installChangeLog = async (client: Client): Promise<ChangeLog> => {
  await client.execute(
    "CREATE TABLE IF NOT EXISTS _system_test_writes (tbl TEXT PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0)"
  )
  const tables = await client.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
  )
  for (const row of tables.rows) {
    const table = String(row.name)
    if (bookkeepingTables.has(table)) continue
    const count = `INSERT INTO _system_test_writes (tbl, n) VALUES ('${table}', 1) ON CONFLICT(tbl) DO UPDATE SET n = n + 1;`
    const columns = (await client.execute(`PRAGMA table_info(${quote(table)})`)).rows.map((c) => String(c.name))
    const watched = columns.filter((c) => !bookkeepingColumns[table]?.has(c))
    for (const [event, what] of [
      ["INSERT", "INSERT"],
      ["DELETE", "DELETE"],
      ["UPDATE", `UPDATE OF ${watched.map(quote).join(", ")}`]
    ] as const)
      await client.execute(
        `CREATE TRIGGER IF NOT EXISTS ${quote(`_system_test_${table}_${event.toLowerCase()}`)} AFTER ${what} ON ${quote(table)} BEGIN ${count} END`
      )
  }
  return {
    snapshot: async () => {
      const rows = await client.execute("SELECT tbl, n FROM _system_test_writes")
      return new Map(rows.rows.map((r) => [String(r.tbl), Number(r.n)]))
    }
  }
}

/** The tables written between two snapshots, with how many rows. */
export const writesBetween = (
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>
): ReadonlyArray<string> =>
  [...after].flatMap(([table, n]) =>
    n !== (before.get(table) ?? 0) ? [`${table} +${n - (before.get(table) ?? 0)}`] : []
  )
