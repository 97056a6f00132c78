import type { Client, Transaction } from "@libsql/client"
import { Effect, Exit } from "effect"
import { StorageError } from "./internal/core.ts"
import { migrations as embedded } from "./migrations.generated.ts"

/** One drizzle-kit migration as drizzle's own migrator reads it: the same statements, hash and timestamp. */
export interface EmbeddedMigration {
  readonly tag: string
  readonly when: number
  readonly hash: string
  readonly statements: ReadonlyArray<string>
}

/** drizzle's bookkeeping table, created exactly as drizzle does, so drizzle-kit and this migrator agree. */
export const migrationsTable = "__drizzle_migrations"

/** The committed migrations, in order. */
export const migrations: ReadonlyArray<EmbeddedMigration> = embedded

const run = async (tx: Transaction, list: ReadonlyArray<EmbeddedMigration>): Promise<ReadonlyArray<string>> => {
  await tx.execute(
    `CREATE TABLE IF NOT EXISTS "${migrationsTable}" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)`
  )
  const last = await tx.execute(`SELECT created_at FROM "${migrationsTable}" ORDER BY created_at DESC LIMIT 1`)
  const lastApplied = Number(last.rows[0]?.created_at ?? Number.NEGATIVE_INFINITY)
  // A migration that rebuilds a table drops it; deferring the foreign-key check to the commit keeps
  // the references to it valid (PRAGMA foreign_keys cannot change inside a transaction).
  await tx.execute("PRAGMA defer_foreign_keys = ON")
  const applied: Array<string> = []
  for (const migration of list) {
    if (migration.when <= lastApplied) continue
    for (const statement of migration.statements) await tx.execute(statement)
    await tx.execute({
      sql: `INSERT INTO "${migrationsTable}" ("hash", "created_at") VALUES (?, ?)`,
      args: [migration.hash, migration.when]
    })
    applied.push(migration.tag)
  }
  await tx.commit()
  return applied
}

/**
 * Brings the schema up to date and returns the tags it applied; applying twice applies nothing.
 * Runs in one write transaction, so servers starting at once apply each migration exactly once and a
 * failed migration leaves the schema as it was. Reads no files: the SQL is embedded at build time.
 */
export const migrate = (
  client: Client,
  list: ReadonlyArray<EmbeddedMigration> = migrations
): Effect.Effect<ReadonlyArray<string>, StorageError> =>
  Effect.acquireUseRelease(
    Effect.tryPromise({
      try: () => client.transaction("write"),
      catch: (cause) => new StorageError({ operation: "migrate", cause })
    }),
    (tx) =>
      Effect.tryPromise({
        try: () => run(tx, list),
        catch: (cause) => new StorageError({ operation: "migrate", cause })
      }),
    (tx, exit) =>
      Exit.isSuccess(exit)
        ? Effect.sync(() => tx.close())
        : Effect.promise(() => tx.rollback().catch(() => undefined)).pipe(
            Effect.ensuring(Effect.sync(() => tx.close()))
          )
  )
