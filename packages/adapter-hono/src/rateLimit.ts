import { normalizeEmail, type RateLimited, RateLimiter, UnitOfWork } from "@cloudportal/core"
import { Effect } from "effect"
import type { Context, MiddlewareHandler } from "hono"
import type { RateLimitRules, ResolvedOptions } from "./options.ts"
import type { Runner } from "./runtime.ts"

/**
 * The client a request comes from: the first hop of `X-Forwarded-For` when the app trusts its proxy, else
 * the connection's address from the configured hook, else "unknown".
 */
export const clientOf = (c: Context, options: ResolvedOptions): string => {
  if (options.trustProxy) {
    const first = c.req.header("x-forwarded-for")?.split(",")[0]?.trim()
    if (first) return first
  }
  return options.clientAddress?.(c)?.trim() || "unknown"
}

/** Reads the address an action mails to or signs in as from a JSON body; anything else counts as none. */
export type AddressOf = (body: Record<string, unknown>) => unknown

export const field =
  (...path: ReadonlyArray<string>): AddressOf =>
  (body) => {
    let value: unknown = body
    for (const key of path)
      value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined
    return value
  }

/**
 * Counts the request against the action's limits per client and per address, through core's `RateLimiter`
 * port so that the counters hold across instances. Runs before the body is checked: invalid attempts count.
 * The client's hit first, kept even when it is refused; the address's only after the client's passed. Both
 * counters are written in one transaction: one commit where two separate writes cost two, and on a file each
 * commit waits for the disk.
 */
export const rateLimit =
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
