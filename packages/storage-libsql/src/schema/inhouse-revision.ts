import { sql } from "drizzle-orm"
import { check, integer, sqliteTable, text } from "drizzle-orm/sqlite-core"

/**
 * The revision token of the declarations (one row): a random token written in the same transaction as every
 * declaration change, so a rolled-back write takes its token with it and no later write can repeat it.
 */
export const inhouseRevision = sqliteTable(
  "inhouse_revision",
  {
    id: integer("id").primaryKey(),
    token: text("token").notNull()
  },
  (t) => [check("inhouse_revision_single_row", sql`${t.id} = 1`)]
)
