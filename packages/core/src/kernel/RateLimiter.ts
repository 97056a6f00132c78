import { Context, DateTime, type Duration, Effect, Layer, Schema } from "effect"
import type { StorageError } from "./Errors.ts"
import { MemoryTable } from "./UnitOfWork.ts"

/** Too many attempts for one key (an address or a client) in the window; retry after the given seconds. */
export class RateLimited extends Schema.TaggedError<RateLimited>()("RateLimited", {
  retryAfterSeconds: Schema.Int
}) {}

/** A fixed-window limit: at most `limit` hits per `window`. */
export interface RateLimit {
  readonly limit: number
  readonly window: Duration.Duration
}

/** The counter of one key in its current window. */
export interface RateWindow {
  readonly startedAt: DateTime.Utc
  readonly count: number
}

/** Pure: the window after one more hit at `now`, and whether the hit is allowed. */
export const hit = (
  current: RateWindow | undefined,
  rule: RateLimit,
  now: DateTime.Utc
): { readonly window: RateWindow; readonly allowed: boolean; readonly retryAfterSeconds: number } => {
  const fresh = !current || !DateTime.isLessThan(now, DateTime.addDuration(current.startedAt, rule.window))
  const window = fresh ? { startedAt: now, count: 1 } : { startedAt: current.startedAt, count: current.count + 1 }
  const endsAt = DateTime.addDuration(window.startedAt, rule.window)
  return {
    window,
    allowed: window.count <= rule.limit,
    retryAfterSeconds: Math.max(1, Math.ceil((DateTime.toEpochMillis(endsAt) - DateTime.toEpochMillis(now)) / 1000))
  }
}

/** Pure: the keys whose window has ended at `now`; their counters may go. */
export const endedKeys = (
  windows: Iterable<readonly [string, { readonly endsAt: DateTime.Utc }]>,
  now: DateTime.Utc
): Array<string> => {
  const ended: Array<string> = []
  for (const [key, w] of windows) if (!DateTime.isLessThan(now, w.endsAt)) ended.push(key)
  return ended
}

/**
 * Counts hits per key. A port so that limits hold across instances when the counters live in the
 * shared database (DOMAIN §11: anything that sends email is rate-limited per address and per client).
 */
export class RateLimiter extends Context.Service<
  RateLimiter,
  {
    /** Records a hit; fails with `RateLimited` once the key is over its limit in the current window. */
    readonly consume: (key: string, rule: RateLimit) => Effect.Effect<void, RateLimited | StorageError>
  }
>()("@cloudportal/core/RateLimiter") {
  static readonly layerMemory = Layer.sync(RateLimiter)(() => {
    const windows = new MemoryTable<string, { readonly window: RateWindow; readonly endsAt: DateTime.Utc }>()
    // Every key makes a window (captcha challenges, addresses, clients): drop the ended ones now and then,
    // so a long-running process does not keep them all.
    const pruneEvery = 1_000
    let hitsSincePrune = 0
    const prune = (now: DateTime.Utc) =>
      Effect.forEach(endedKeys(windows.entries(), now), windows.delete, { discard: true })
    return {
      consume: (key, rule) =>
        Effect.gen(function* () {
          const now = yield* DateTime.now
          if (++hitsSincePrune >= pruneEvery) {
            hitsSincePrune = 0
            yield* prune(now)
          }
          const result = hit(windows.get(key)?.window, rule, now)
          yield* windows.set(key, {
            window: result.window,
            endsAt: DateTime.addDuration(result.window.startedAt, rule.window)
          })
          if (!result.allowed) return yield* new RateLimited({ retryAfterSeconds: result.retryAfterSeconds })
        })
    }
  })
}
