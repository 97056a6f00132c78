import { customType } from "drizzle-orm/sqlite-core"

/**
 * A `text` column holding JSON that `JSON.stringify` wrote (through `jsonColumn` or `toJson`). Such text
 * always reads back as written, since JSON escapes NUL and unpaired surrogates, so `storable` leaves it out
 * of its scan, which is for text that may come straight from input. In SQL and in the migrations it is an
 * ordinary `text` column.
 */
export const jsonText = customType<{ data: string; driverData: string }>({ dataType: () => "text" })
