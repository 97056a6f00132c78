import { Context, DateTime, Duration, Effect, Layer, Schedule } from "effect"
import type { StorageError } from "../kernel/Errors.ts"
import { redact } from "../kernel/Notification.ts"
import { Outbox, OutboxMessage } from "../kernel/Outbox.ts"
import { Mailer } from "./Mailer.ts"

/** How often and how patiently a retryable delivery failure is tried again. */
export interface RetryPolicy {
  /** Attempts in all, the first included; a retryable failure on the last one is final. */
  readonly maxAttempts: number
  /** The wait after the first failed attempt; it doubles with each further failure. */
  readonly baseDelay: Duration.Input
  /** No wait is longer than this. */
  readonly maxDelay: Duration.Input
}

/**
 * 1, 2, 4, … 128 minutes, then every 4 hours: 15 attempts span about 28 hours, so a mail service that is
 * down for a day loses nothing (DOMAIN §10) while a dead address is given up within a bit more than a day.
 */
export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 15, baseDelay: "1 minute", maxDelay: "4 hours" }

/** The wait before the next attempt after `failedAttempts` failures in a row: base·2^(n−1), capped. */
export const backoffDelay = (failedAttempts: number, policy: RetryPolicy): Duration.Duration => {
  const base = Duration.toMillis(Duration.fromInputUnsafe(policy.baseDelay))
  const max = Duration.toMillis(Duration.fromInputUnsafe(policy.maxDelay))
  // The exponent is bounded so the product stays a finite number before the cap applies.
  return Duration.millis(Math.min(base * 2 ** Math.min(Math.max(failedAttempts - 1, 0), 60), max))
}

/** What one call of `Mailer.send` came to. */
export type DeliveryOutcome =
  | { readonly _tag: "Delivered" }
  | { readonly _tag: "Failed"; readonly retryable: boolean; readonly reason: string }

/**
 * The message after one delivery attempt: sent; pending again after the backoff; or failed for good
 * (permanent failure, or the last allowed attempt). A message that leaves `pending` loses its link
 * secret: sent, nobody needs it at rest; failed, it will never be mailed.
 */
export const afterAttempt = (
  message: OutboxMessage,
  outcome: DeliveryOutcome,
  now: DateTime.Utc,
  policy: RetryPolicy
): OutboxMessage => {
  const attempts = message.attempts + 1
  if (outcome._tag === "Delivered")
    return new OutboxMessage({
      ...message,
      notification: redact(message.notification),
      status: "sent",
      attempts,
      lastError: null
    })
  if (outcome.retryable && attempts < policy.maxAttempts)
    return new OutboxMessage({
      ...message,
      attempts,
      nextAttemptAt: DateTime.addDuration(now, backoffDelay(attempts, policy)),
      lastError: outcome.reason
    })
  return new OutboxMessage({
    ...message,
    notification: redact(message.notification),
    status: "failed",
    attempts,
    lastError: outcome.retryable
      ? `gave up after ${attempts} attempts: ${outcome.reason}`
      : `permanent failure: ${outcome.reason}`
  })
}

export interface DispatchReport {
  readonly sent: number
  /** Failed retryably; pending again with a later `nextAttemptAt`. */
  readonly retrying: number
  readonly failed: number
}

export interface DispatcherOptions {
  readonly retry?: RetryPolicy
  /** Messages per `runOnce` in the `run` loop. */
  readonly batchSize?: number
  /** The pause of the `run` loop once the outbox holds nothing due. */
  readonly pollInterval?: Duration.Input
}

/**
 * Moves the outbox to the mail service. At least once, and thanks to the idempotency key (the message id)
 * effectively once: a crash between sending and marking leaves the message pending, and the next run
 * sends it again under the same key, which the transport delivers at most once.
 */
export class Dispatcher extends Context.Service<
  Dispatcher,
  {
    /** Sends up to `limit` due messages, oldest first, one after another, recording each outcome. */
    readonly runOnce: (limit?: number) => Effect.Effect<DispatchReport, StorageError>
    /**
     * `runOnce` for ever, for in-process use on Node: full batches are drained at once, then it waits
     * `pollInterval`. A storage failure is logged and the loop goes on at the next tick.
     */
    readonly run: Effect.Effect<never>
  }
>()("@cloudportal/core/Dispatcher") {
  static readonly make = (options: DispatcherOptions = {}) =>
    Effect.gen(function* () {
      const outbox = yield* Outbox
      const mailer = yield* Mailer
      const policy = options.retry ?? defaultRetryPolicy
      const batchSize = Math.max(1, options.batchSize ?? 50)
      const pollInterval = options.pollInterval ?? "5 seconds"

      const attempt = (message: OutboxMessage) =>
        mailer.send(message).pipe(
          Effect.as<DeliveryOutcome>({ _tag: "Delivered" }),
          Effect.catchTag("MailDeliveryFailed", (e) =>
            Effect.succeed<DeliveryOutcome>({ _tag: "Failed", retryable: e.retryable, reason: e.reason })
          ),
          // A bug in one transport call must not block the queue for ever, nor drop a mail on a glitch:
          // it counts as a retryable failure and so ends after `maxAttempts`.
          Effect.catchDefect((defect) =>
            Effect.succeed<DeliveryOutcome>({
              _tag: "Failed",
              retryable: true,
              reason: `unexpected: ${defect instanceof Error ? defect.message : String(defect)}`
            })
          )
        )

      const runOnce = Effect.fn("Dispatcher.runOnce")(function* (limit: number = batchSize) {
        const due = yield* outbox.due(yield* DateTime.now, limit)
        let sent = 0
        let retrying = 0
        let failed = 0
        for (const message of due) {
          const outcome = yield* attempt(message)
          const next = afterAttempt(message, outcome, yield* DateTime.now, policy)
          yield* outbox.update(next)
          if (next.status === "sent") sent++
          else if (next.status === "failed") failed++
          else retrying++
          if (next.status !== "sent") yield* Effect.logWarning("mail not delivered", message.id, next.lastError)
        }
        if (sent + failed > 0) yield* outbox.purgeSettled
        return { sent, retrying, failed } satisfies DispatchReport
      })

      const drain = runOnce(batchSize).pipe(
        Effect.repeat({ while: (r) => r.sent + r.retrying + r.failed >= batchSize }),
        Effect.catch((e) => Effect.logError("outbox dispatch failed", e))
      )
      const run = drain.pipe(Effect.repeat(Schedule.spaced(pollInterval)), Effect.andThen(Effect.never))

      return Dispatcher.of({ runOnce, run })
    })

  /** Needs `Outbox` and `Mailer`. */
  static readonly layer = (options: DispatcherOptions = {}) => Layer.effect(Dispatcher, Dispatcher.make(options))
}
