import { type Client, createClient, type InStatement, type Transaction } from "@libsql/client"
import { Effect, Layer } from "effect"
import { LibsqlDatabase, makeDatabase } from "../../src/LibsqlDatabase.ts"
import { layerStores } from "../../src/LibsqlStorage.ts"
import { migrate } from "../../src/Migrator.ts"

// What the query-plan tests share: the stores on a recorded database, and SQLite's plan of a recorded statement.

/** Every statement the stores send, with its arguments, so each can be explained exactly as it ran. */
const recording = (client: Client, sent: Array<InStatement>): Client => {
  const spy = <T extends Client | Transaction>(target: T): T =>
    new Proxy(target, {
      get(t, property) {
        if (property === "execute")
          return (statement: InStatement) => {
            sent.push(statement)
            return t.execute(statement)
          }
        if (property === "transaction")
          return async (mode: "write" | "read" | "deferred") => spy(await (t as Client).transaction(mode))
        const value = Reflect.get(t, property)
        return typeof value === "function" ? value.bind(t) : value
      }
    })
  return spy(client)
}

/** The stores on a migrated in-memory database whose statements are recorded; the plans are SQLite's either way. */
export const recorded = Effect.gen(function* () {
  const client = yield* Effect.acquireRelease(
    Effect.sync(() => createClient({ url: ":memory:" })),
    (c) => Effect.sync(() => c.close())
  )
  yield* migrate(client)
  const sent: Array<InStatement> = []
  const stores = layerStores.pipe(
    Layer.provideMerge(Layer.succeed(LibsqlDatabase)(makeDatabase(recording(client, sent), "memory")))
  )
  return { client, sent, stores }
})

export const plan = (client: Client, statement: InStatement) =>
  Effect.promise(() =>
    client.execute(
      typeof statement === "string"
        ? `EXPLAIN QUERY PLAN ${statement}`
        : { sql: `EXPLAIN QUERY PLAN ${statement.sql}`, args: statement.args ?? [] }
    )
  ).pipe(Effect.map((rs) => rs.rows.map((r) => String(r.detail))))
