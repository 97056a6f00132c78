import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Context, Duration, Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { type RateLimit, RateLimiter } from "../src/internal/core.ts"
import { LibsqlDatabase } from "../src/LibsqlDatabase.ts"
import { layer } from "../src/LibsqlStorage.ts"
import { tempDir } from "./support/databases.ts"
import { startSqld } from "./support/sqld.ts"

const rule: RateLimit = { limit: 3, window: Duration.minutes(1) }

/** One application instance: its own client (and write permit) on the shared database. */
const instance = (url: string) => Layer.build(Layer.fresh(layer({ url })))

const hit = (on: Context.Context<RateLimiter>, key: string, r: RateLimit = rule) =>
  Context.get(on, RateLimiter)
    .consume(key, r)
    .pipe(
      Effect.as("ok" as const),
      Effect.catchTag("RateLimited", (e) => Effect.succeed(e.retryAfterSeconds))
    )

const shared = {
  file: Effect.map(tempDir, (dir) => `file:${join(dir, "limits.db")}`),
  sqld: Effect.map(startSqld(), (s) => s.url)
}

describe("rate limits on libSQL", () => {
  for (const [kind, database] of Object.entries(shared))
    it.effect(`limits hold across instances sharing one database (${kind})`, () =>
      Effect.gen(function* () {
        const url = yield* database
        const a = yield* instance(url)
        const b = yield* instance(url)
        const key = `mail:invitation:${kind}@instances.test`
        assert.deepStrictEqual(
          [yield* hit(a, key), yield* hit(b, key), yield* hit(a, key), yield* hit(b, key)],
          ["ok", "ok", "ok", 60]
        )
        // Hits racing from both instances at once count one by one as well.
        const racing = `mail:invitation:racing-${kind}@instances.test`
        const wide: RateLimit = { limit: 7, window: Duration.minutes(5) }
        const answers = yield* Effect.forEach(Array.from({ length: 40 }), (_, i) => hit(i % 2 ? a : b, racing, wide), {
          concurrency: "unbounded"
        })
        assert.strictEqual(answers.filter((x) => x === "ok").length, 7)
      })
    )

  it.effect("windows that have ended are pruned when a new window opens", () =>
    Effect.gen(function* () {
      const db = yield* instance(":memory:")
      for (let i = 0; i < 5; i++) yield* hit(db, `mail:old-${i}@prune.test`)
      yield* TestClock.adjust("2 minutes")
      // A window still running is kept.
      yield* hit(db, "mail:long@prune.test", { limit: 1, window: Duration.hours(1) })
      yield* TestClock.adjust("1 second")
      yield* hit(db, "mail:new@prune.test")
      const { client } = Context.get(db, LibsqlDatabase)
      const rows = yield* Effect.promise(() => client.execute("SELECT key FROM rate_limits ORDER BY key"))
      assert.deepStrictEqual(
        rows.rows.map((r) => r.key),
        ["mail:long@prune.test", "mail:new@prune.test"]
      )
    })
  )
})
