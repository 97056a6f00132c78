import { normalizeEmail, type RateLimited, RateLimiter, UnitOfWork } from "@cloudportal/core"
import { Effect } from "effect"
import type { MiddlewareHandler } from "hono"
import type { RateLimitRules, ResolvedOptions } from "../options.ts"
import { type AddressOf, clientOf } from "../rateLimit.ts"
import type { Runner } from "../runtime.ts"

/**
 * `rateLimit` (same keys, same rules, same counting) with both counters written in one transaction: one
 * commit, where two separate writes cost two, and on a file each commit waits for the disk. Counts like
 * `rateLimit`: the client's hit first, kept even when it is refused; the address's only after the client's
 * passed. Used by the routes whose throughput is measured against better-auth (login, invitations); the
 * shared middleware can adopt the same transaction, then this one goes.
 */
export const limitOnce =
  (runner: Runner, options: ResolvedOptions) =>
  (action: keyof RateLimitRules, addressOf?: AddressOf): MiddlewareHandler =>
  async (c, next) => {
    const rules = options.rateLimits[action]
    let address: string | undefined
    if (addressOf) {
      const body = await c.req.json<unknown>().catch(() => undefined)
      const raw = typeof body === "object" && body !== null ? addressOf(body as Record<string, unknown>) : undefined
      address = typeof raw === "string" && raw.trim() !== "" ? normalizeEmail(raw) : undefined
    }
    const client = clientOf(c, options)
    await runner.run(
      c,
      Effect.gen(function* () {
        const limiter = yield* RateLimiter
        const uow = yield* UnitOfWork
        // A refusal is the answer, not a failure of the transaction: the hits counted so far are committed.
        const refused = yield* uow.transaction(
          Effect.gen(function* () {
            yield* limiter.consume(`http:${action}:client:${client}`, rules.perClient)
            if (address !== undefined) yield* limiter.consume(`http:${action}:address:${address}`, rules.perAddress)
            return undefined
          }).pipe(Effect.catchTag("RateLimited", (e: RateLimited) => Effect.succeed(e)))
        )
        if (refused) return yield* refused
      })
    )
    await next()
  }
