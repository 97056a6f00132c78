import type { InArgs, ResultSet } from "@libsql/client"
import { getTableColumns, is, Param, Placeholder, SQL, sql, type Table } from "drizzle-orm"
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core"
import type { Db } from "../LibsqlDatabase.ts"
import { executeOn } from "./execute-now.ts"

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

/** A statement built once: a query or INSERT of placeholders, or raw SQL drizzle cannot prepare. */
type Statement = SQL | { readonly toSQL: () => { readonly sql: string; readonly params: ReadonlyArray<unknown> } }

const dialect = new SQLiteAsyncDialect()

/**
 * A statement whose SQL is built once and whose values are bound by name, run on the handle's client, now
 * where the client can (`executeOn`). drizzle's own prepared run looks up the kind of every parameter again
 * on each call (for an order's 23 columns a measurable share beside SQLite's own work on a local database)
 * and always answers with a promise; here each parameter's binding is found once. A placeholder of a column
 * goes through the column's encoder, as drizzle's would; one in raw SQL is bound as given. The answer is the
 * driver's result set (rows as arrays by column index): for the statements of hot paths, which map it
 * themselves.
 */
export const preparedStatement = (build: (db: Db) => Statement) => {
  let compiled:
    | { readonly sql: string; readonly bind: ReadonlyArray<(values: Record<string, unknown>) => unknown> }
    | undefined
  const compile = (db: Db) => {
    const statement = build(db)
    const query = is(statement, SQL) ? dialect.sqlToQuery(statement) : statement.toSQL()
    return {
      sql: query.sql,
      bind: query.params.map((p): ((values: Record<string, unknown>) => unknown) => {
        if (is(p, Param) && is(p.value, Placeholder)) {
          const { encoder } = p
          const name = p.value.name
          return (values) => encoder.mapToDriverValue(values[name])
        }
        if (is(p, Placeholder)) {
          const name = p.name
          return (values) => values[name]
        }
        return () => p
      })
    }
  }
  return (db: Db) => ({
    run: (values: Record<string, unknown>): ResultSet | Promise<ResultSet> => {
      compiled ??= compile(db)
      return executeOn(db.$client, { sql: compiled.sql, args: compiled.bind.map((b) => b(values)) as InArgs })
    }
  })
}
