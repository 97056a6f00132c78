import { Dispatcher, Ordering, Registrations } from "@cloudportal/core"
import { type Duration, Effect, Queue, Schedule } from "effect"

/**
 * The outbox dispatcher as a loop: one message per step, each step uninterruptible, so a shutdown lets
 * the mail in flight finish and record its outcome before the loop stops. When nothing is due it waits
 * `interval`, or less when `wake` is signalled (after a request that may have queued mail).
 */
export const dispatchLoop = (interval: Duration.Duration, wake: Queue.Dequeue<void>) =>
  Effect.gen(function* () {
    const dispatcher = yield* Dispatcher
    const step = Effect.uninterruptible(dispatcher.runOnce(1)).pipe(
      Effect.map((r) => r.sent + r.retrying + r.failed > 0),
      Effect.catch((error) => Effect.logError("outbox dispatch failed", error).pipe(Effect.as(false)))
    )
    while (true) {
      while (yield* step) {}
      yield* Effect.raceFirst(Effect.sleep(interval), Queue.take(wake))
    }
  })

export interface SweepReport {
  readonly expiredOrders: number
  readonly remindedOrders: number
  readonly expiredRegistrations: number
}

/** The deadline sweep: orders past their decision deadline expire, reminders go out, dead registrations expire. */
export const sweepOnce = Effect.gen(function* () {
  const ordering = yield* Ordering
  const expiredOrders = yield* ordering.expireOverdue()
  const remindedOrders = yield* ordering.remindUpcomingDeadlines()
  const { expired: expiredRegistrations } = yield* Registrations.use((r) => r.expireOverdue())
  return { expiredOrders, remindedOrders, expiredRegistrations } satisfies SweepReport
})

/** `sweepOnce` now and then every `interval`; each run finishes before a shutdown stops the loop. */
export const sweepLoop = (interval: Duration.Duration) =>
  Effect.uninterruptible(sweepOnce).pipe(
    Effect.tap((r) =>
      r.expiredOrders + r.remindedOrders + r.expiredRegistrations > 0
        ? Effect.logInfo("deadline sweep", r)
        : Effect.void
    ),
    Effect.catch((error) => Effect.logError("deadline sweep failed", error)),
    Effect.repeat(Schedule.spaced(interval))
  )
