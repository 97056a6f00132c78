import { assert, describe, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { Account, AccountStore, SecureRandom } from "../src/internal/core.ts"
import { LibsqlDatabase } from "../src/LibsqlDatabase.ts"
import { sampleWorld } from "./support/core.ts"
import { freshDatabase } from "./support/databases.ts"
import { seedWorld } from "./support/fixtures.ts"

/**
 * Creation order on SQLite is the row id: members pages are keyed by it, and the lists in creation order sort
 * by it. SQLite documents that VACUUM "may change the ROWIDs" of tables without an INTEGER PRIMARY KEY; the
 * engine this adapter ships keeps them. This pins that down, so an engine upgrade that renumbers fails here
 * instead of skipping or repeating members on the page after a VACUUM.
 */
const run = (sql: string, args: Array<string> = []) =>
  Effect.gen(function* () {
    const { client } = yield* LibsqlDatabase
    return yield* Effect.promise(() => client.execute({ sql, args }))
  })

for (const target of ["memory", "file"] as const)
  describe(`libSQL ${target}: VACUUM keeps creation order`, () => {
    layer(Layer.merge(freshDatabase(target), SecureRandom.layerWebCrypto))((it) => {
      it.effect("a members cursor from before a VACUUM continues with the next member, none skipped or repeated", () =>
        Effect.gen(function* () {
          const w = yield* sampleWorld
          yield* seedWorld(w)
          const members = [w.account]
          for (let i = 0; i < 7; i++) {
            const other = (yield* sampleWorld).account
            const member = new Account({ ...other, organizationId: w.organization.id, isMainAdmin: false, roleIds: [] })
            yield* AccountStore.use((s) => s.insert(member))
            members.push(member)
          }
          // Gaps in the row ids, as a purge leaves them: a renumbering VACUUM would close them.
          for (const gone of [members[1]!, members[4]!]) yield* run("DELETE FROM accounts WHERE id = ?", [gone.id])
          const remaining = members.filter((_, i) => i !== 1 && i !== 4).map((m) => m.id)

          const first = yield* AccountStore.use((s) => s.pageMembers(w.organization.id, { limit: 2 }))
          const listed = yield* AccountStore.use((s) => s.listByOrganization(w.organization.id))
          yield* run("VACUUM")
          const rest = yield* AccountStore.use((s) =>
            s.pageMembers(w.organization.id, { limit: 50, after: first.at(-1)!.key })
          )

          assert.deepStrictEqual(
            [...first, ...rest].map((k) => k.account.id),
            remaining
          )
          const relisted = yield* AccountStore.use((s) => s.listByOrganization(w.organization.id))
          assert.deepStrictEqual(
            relisted.map((a) => a.id),
            listed.map((a) => a.id)
          )
        })
      )
    })
  })
