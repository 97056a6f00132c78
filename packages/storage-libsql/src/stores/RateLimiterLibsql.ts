import { lte, sql } from "drizzle-orm"
import { DateTime, Duration, Effect, Layer } from "effect"
import { type RateLimit, RateLimited, RateLimiter } from "../internal/core.ts"
import { toMillis } from "../internal/time.ts"
import { LibsqlDatabase } from "../LibsqlDatabase.ts"
import { rateLimits } from "../schema/rate-limits.ts"

/** Windows ended this long ago are pruned; the bound keeps one hit from doing unbounded work. */
const prunePerHit = 100

/**
 * The window counter in `rate_limits`: one UPSERT starts a new window (`now` at or past the end of the stored
 * one, per the rule's window) or counts the hit in the current one, and returns the window. SQLite evaluates
 * every SET expression against the row as it was, so the two CASEs agree. Run under the write lock (or
 * inside the unit of work, which holds it), hits of every instance on the database count, one at a time, as
 * core's pure `hit` counts them.
 */
export const layer: Layer.Layer<RateLimiter, never, LibsqlDatabase> = Layer.effect(
  RateLimiter,
  Effect.gen(function* () {
    const { write } = yield* LibsqlDatabase
    const consume = (key: string, rule: RateLimit) =>
      Effect.gen(function* () {
        const now = toMillis(yield* DateTime.now)
        const window = Duration.toMillis(rule.window)
        const { startedAt, hits } = yield* write("RateLimiter.consume", async (db) => {
          const fresh = sql`${now} >= ${rateLimits.windowStartedAt} + ${window}`
          const [row] = await db
            .insert(rateLimits)
            .values({ key, windowStartedAt: now, hits: 1, expiresAt: now + window })
            .onConflictDoUpdate({
              target: rateLimits.key,
              set: {
                windowStartedAt: sql`CASE WHEN ${fresh} THEN ${now} ELSE ${rateLimits.windowStartedAt} END`,
                hits: sql`CASE WHEN ${fresh} THEN 1 ELSE ${rateLimits.hits} + 1 END`,
                expiresAt: sql`CASE WHEN ${fresh} THEN ${now + window} ELSE ${rateLimits.expiresAt} END`
              }
            })
            .returning({ startedAt: rateLimits.windowStartedAt, hits: rateLimits.hits })
          // A hit that opens a window also clears a few windows that ended: the table holds live keys only.
          if (row?.hits === 1)
            await db
              .delete(rateLimits)
              .where(
                sql`${rateLimits.key} IN (SELECT ${rateLimits.key} FROM ${rateLimits} WHERE ${lte(rateLimits.expiresAt, now)} LIMIT ${prunePerHit})`
              )
          return { startedAt: row?.startedAt ?? now, hits: row?.hits ?? 1 }
        })
        if (hits <= rule.limit) return
        return yield* new RateLimited({
          retryAfterSeconds: Math.max(1, Math.ceil((startedAt + window - now) / 1000))
        })
      })
    return RateLimiter.of({ consume })
  })
)
