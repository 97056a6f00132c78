import { sql } from "drizzle-orm"
import { check, integer, sqliteTable, text } from "drizzle-orm/sqlite-core"

/**
 * The revision token of the reference data (one row): the tables a unit of work reads but placing or
 * deciding an order never writes. A trigger on each of them writes a fresh random token with every insert,
 * update and delete, whoever makes it (this process, another one, a migration, a hand-made fix in a SQL
 * shell); a rolled-back change takes its token with it. Reads outside a unit of work are remembered against
 * the token (`LibsqlDatabase.readReference`). Migration 0003 creates the triggers for `referenceTables`.
 */
export const referenceRevision = sqliteTable(
  "reference_revision",
  {
    id: integer("id").primaryKey(),
    token: text("token").notNull()
  },
  (t) => [check("reference_revision_single_row", sql`${t.id} = 1`)]
)

/** The tables whose every change writes a new reference token; a test holds the migration to this list. */
export const referenceTables = [
  "organizations",
  "addresses",
  "accounts",
  "roles",
  "offerings",
  "offering_versions",
  "inhouse_declarations",
  "terms_versions",
  "threshold_table",
  "thresholds"
] as const
