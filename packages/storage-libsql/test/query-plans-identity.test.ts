import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { AccountStore, SessionStore } from "../src/internal/core.ts"
import type { Services } from "../src/LibsqlStorage.ts"
import { plan, recorded } from "./support/queryPlans.ts"

/** The plan of the one statement `run` sends through the stores, on a migrated in-memory database. */
const planOf = <A, E>(run: Effect.Effect<A, E, Services>) =>
  Effect.gen(function* () {
    const { client, sent, stores } = yield* recorded
    yield* Effect.provide(run, stores)
    assert.strictEqual(sent.length, 1, "one statement")
    return yield* plan(client, sent[0]!)
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
