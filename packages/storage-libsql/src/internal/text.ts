import { getTableColumns, is, type Table } from "drizzle-orm"
import { SQLiteText } from "drizzle-orm/sqlite-core"

/**
 * Text a plain column cannot hold as given: SQLite stores UTF-8, so an unpaired surrogate would come
 * back as U+FFFD, and the native driver cuts a string at its first NUL. JSON columns are safe (JSON
 * escapes both), so only plain text columns are checked.
 */
const loneSurrogate = /[\ud800-\udfff]/u
const unstorable = (text: string) => text.includes("\u0000") || loneSurrogate.test(text)

export class UnstorableText extends Error {
  constructor(readonly column: string) {
    super(`column ${column}: text with NUL or an unpaired surrogate would not read back as written`)
  }
}

/** The row, if every value of a plain text column reads back as written; throws `UnstorableText` otherwise. */
export const storable = <T extends Table, Row extends object>(table: T, row: Row): Row => {
  const columns = getTableColumns(table) as Record<string, unknown>
  for (const [key, value] of Object.entries(row))
    if (typeof value === "string" && is(columns[key], SQLiteText) && unstorable(value)) throw new UnstorableText(key)
  return row
}
