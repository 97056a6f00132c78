import { assert, describe, it } from "@effect/vitest"
import { type Client, createClient, type InStatement, type Transaction } from "@libsql/client"
import { Effect, Layer } from "effect"
import { AccountStore, SessionStore } from "../src/internal/core.ts"
import { LibsqlDatabase, makeDatabase } from "../src/LibsqlDatabase.ts"
import type { Services } from "../src/LibsqlStorage.ts"
import { layerStores } from "../src/LibsqlStorage.ts"
import { migrate } from "../src/Migrator.ts"

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
        const value = Reflect.get(t, property)
        return typeof value === "function" ? value.bind(t) : value
      }
    })
  return spy(client)
}

/** The plan of the one statement `run` sends through the stores, on a migrated in-memory database. */
const planOf = <A, E>(run: Effect.Effect<A, E, Services>) =>
  Effect.gen(function* () {
    const client = yield* Effect.acquireRelease(
      Effect.sync(() => createClient({ url: ":memory:" })),
      (c) => Effect.sync(() => c.close())
    )
    yield* migrate(client)
    const sent: Array<InStatement> = []
    const stores = layerStores.pipe(
      Layer.provideMerge(Layer.succeed(LibsqlDatabase)(makeDatabase(recording(client, sent), "memory")))
    )
    yield* Effect.provide(run, stores)
    assert.strictEqual(sent.length, 1, "one statement")
    const statement = sent[0]!
    const explained = yield* Effect.promise(() =>
      client.execute(
        typeof statement === "string"
          ? `EXPLAIN QUERY PLAN ${statement}`
          : { sql: `EXPLAIN QUERY PLAN ${statement.sql}`, args: statement.args ?? [] }
      )
    )
    return explained.rows.map((r) => String(r.detail))
  })

describe("query plans: a signed-in request's reads cost the same at any table size", () => {
  it.effect("a members page is a range of the organization's index, in row order, never sorted", () =>
    Effect.gen(function* () {
      for (const after of [undefined, "0000000000000000042"]) {
        const plan = yield* planOf(AccountStore.use((s) => s.pageMembers("org_plan" as never, { limit: 51, after })))
        const onAccounts = plan.filter((d) => /\baccounts\b/u.test(d))
        assert.deepStrictEqual(onAccounts, [
          "SEARCH accounts USING INDEX accounts_organization_idx (organization_id=? AND rowid>?)"
        ])
        for (const d of plan) assert.notMatch(d, /TEMP B-TREE|^SCAN accounts/u, plan.join(" | "))
      }
    })
  )

  it.effect("a session is read with its holder in one statement, each table by its key", () =>
    Effect.gen(function* () {
      const plan = yield* planOf(SessionStore.use((s) => s.getWithHolder("ses_plan" as never)))
      const text = plan.join(" | ")
      assert.include(text, "SEARCH sessions USING INDEX sqlite_autoindex_sessions_1 (id=?)")
      assert.include(text, "SEARCH accounts USING INDEX sqlite_autoindex_accounts_1 (id=?)")
      assert.include(text, "SEARCH organizations USING INDEX sqlite_autoindex_organizations_1 (id=?)")
      assert.include(text, "SEARCH roles USING INDEX roles_name_per_organization_unique (organization_id=?)")
      for (const d of plan) assert.notMatch(d, /^SCAN (sessions|accounts|organizations|roles)\b/u, text)
    })
  )
})
