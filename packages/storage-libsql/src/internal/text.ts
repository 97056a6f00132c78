import { getTableColumns, is, type Table } from "drizzle-orm"
import { SQLiteText } from "drizzle-orm/sqlite-core"

/**
 * Text a plain column cannot hold as given: SQLite stores UTF-8, so an unpaired surrogate would come back as
 * U+FFFD, and the native driver cuts a string at its first NUL. Both checks are native scans (a pattern over
 * the same text costs fifty times more). JSON columns (`jsonText`) are not scanned: `JSON.stringify` escapes
 * both, and they hold the bulk of an order's kilobytes of text.
 */
const unstorable = (text: string): boolean =>
  !(text as string & WellFormedCheck).isWellFormed() || text.includes("\u0000")

/** ES2024's `String.prototype.isWellFormed` (Node 20, workerd); the project's library types stop at ES2023. */
interface WellFormedCheck {
  isWellFormed(): boolean
}

export class UnstorableText extends Error {
  constructor(readonly column: string) {
    super(`column ${column}: text with NUL or an unpaired surrogate would not read back as written`)
  }
}

/** The fields of each table that are plain text columns (not `jsonText`), found once per table. */
const textFields = new WeakMap<Table, ReadonlyArray<string>>()
const textFieldsOf = (table: Table): ReadonlyArray<string> => {
  let fields = textFields.get(table)
  if (fields === undefined) {
    fields = Object.entries(getTableColumns(table) as Record<string, unknown>)
      .filter(([, column]) => is(column, SQLiteText))
      .map(([field]) => field)
    textFields.set(table, fields)
  }
  return fields
}

/** The row, if every value of a text column reads back as written; throws `UnstorableText` otherwise. */
export const storable = <T extends Table, Row extends object>(table: T, row: Row): Row => {
  for (const field of textFieldsOf(table)) {
    const value = (row as Record<string, unknown>)[field]
    if (typeof value === "string" && unstorable(value)) throw new UnstorableText(field)
  }
  return row
}
