import { getTableColumns, type Placeholder, sql, type Table } from "drizzle-orm"
import type { Db } from "../LibsqlDatabase.ts"

/**
 * A query built and prepared once per drizzle handle, then run with new values each time. Building a query's
 * SQL costs drizzle about as much as running it on a local database, and a unit of work such as placing an
 * order runs twenty of them. A database has two handles (on the client, and on whichever transaction is
 * open), so each query is prepared at most twice.
 */
export const prepared = <Q>(build: (db: Db) => Q): ((db: Db) => Q) => {
  const cache = new WeakMap<Db, Q>()
  return (db) => {
    let query = cache.get(db)
    if (query === undefined) {
      query = build(db)
      cache.set(db, query)
    }
    return query
  }
}

/** A placeholder for every column of the table, named after its field: what a prepared INSERT takes. */
export const placeholders = <T extends Table>(table: T): Record<keyof T["_"]["columns"], Placeholder> =>
  Object.fromEntries(Object.keys(getTableColumns(table)).map((field) => [field, sql.placeholder(field)])) as Record<
    keyof T["_"]["columns"],
    Placeholder
  >
