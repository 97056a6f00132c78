import { sql } from "drizzle-orm"
import { check, integer, sqliteTable } from "drizzle-orm/sqlite-core"

/** One row once the operator has set the thresholds table; before that, the shipped defaults apply. */
export const thresholdTable = sqliteTable(
  "threshold_table",
  {
    id: integer("id").primaryKey(),
    /** How often the table was replaced. */
    replacements: integer("replacements").notNull()
  },
  (t) => [check("threshold_table_single_row", sql`${t.id} = 1`)]
)
