import { assert, describe, it } from "@effect/vitest"
import { DateTime, Duration, Effect, Fiber, Layer } from "effect"
import { TestClock } from "effect/testing"
import * as fc from "fast-check"
import { StorageError } from "../../src/kernel/Errors.ts"
import type { OutboxMessageId } from "../../src/kernel/Ids.ts"
import type { Notification } from "../../src/kernel/Notification.ts"
import { enqueue, Outbox, OutboxMessage } from "../../src/kernel/Outbox.ts"
import { SecureRandom } from "../../src/kernel/SecureRandom.ts"
import {
  afterAttempt,
  backoffDelay,
  type DeliveryOutcome,
  Dispatcher,
  defaultRetryPolicy,
  type RetryPolicy
} from "../../src/notifications/Dispatcher.ts"
import { MailCapture, Mailer } from "../../src/notifications/Mailer.ts"
import { sampleNotifications } from "../../src/testing/MailerSuite.ts"

const policy: RetryPolicy = { maxAttempts: 4, baseDelay: "1 minute", maxDelay: "3 minutes" }

const world = (outbox: Layer.Layer<Outbox> = Outbox.layerMemory) =>
  Dispatcher.layer({ retry: policy, batchSize: 2, pollInterval: "10 seconds" }).pipe(
    Layer.provideMerge(Layer.mergeAll(outbox, Mailer.layerMemory, SecureRandom.layerSeeded(11)))
  )

const confirmationLink = sampleNotifications("anna@kommune.test")[0]!
const approved = sampleNotifications("anna@kommune.test")[1]!

const enqueued = (notification: Notification = confirmationLink) => enqueue(notification)

const stored = (id: OutboxMessageId) =>
  Effect.flatMap(
    Outbox.use((o) => o.get(id)),
    (m) => (m ? Effect.succeed(m) : Effect.die(`outbox message ${id} is gone`))
  )

const tokenOf = (m: OutboxMessage) => ("token" in m.notification ? m.notification.token : undefined)

describe("backoff", () => {
  it("the wait before a retry doubles with each failure, up to the cap", () => {
    assert.deepStrictEqual(
      [1, 2, 3, 4, 5].map((n) => Duration.toMinutes(backoffDelay(n, policy))),
      [1, 2, 3, 3, 3]
    )
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), (n) => {
        const wait = Duration.toMillis(backoffDelay(n, defaultRetryPolicy))
        const next = Duration.toMillis(backoffDelay(n + 1, defaultRetryPolicy))
        assert.isTrue(wait >= 60_000 && wait <= 4 * 3_600_000)
        assert.isTrue(next === Math.min(2 * wait, 4 * 3_600_000))
      })
    )
  })
})

describe("afterAttempt", () => {
  const outcome = fc.oneof(
    fc.constant<DeliveryOutcome>({ _tag: "Delivered" }),
    fc.record({ _tag: fc.constant("Failed" as const), retryable: fc.boolean(), reason: fc.string() })
  )

  it("a message leaves pending only by being sent or failing for good, and then holds no link secret", () => {
    const start = DateTime.makeUnsafe("2025-03-14T09:00:00Z")
    fc.assert(
      fc.property(fc.array(outcome, { minLength: 1, maxLength: 20 }), (outcomes) => {
        let message = new OutboxMessage({
          id: "msg_x" as OutboxMessageId,
          notification: confirmationLink,
          createdAt: start,
          status: "pending",
          attempts: 0,
          nextAttemptAt: start,
          lastError: null
        })
        let now = start
        for (const o of outcomes) {
          if (message.status !== "pending") break
          now = DateTime.max(now, message.nextAttemptAt)
          const next = afterAttempt(message, o, now, policy)
          assert.strictEqual(next.attempts, message.attempts + 1)
          assert.isAtMost(next.attempts, policy.maxAttempts)
          if (o._tag === "Delivered") {
            assert.strictEqual(next.status, "sent")
            assert.isNull(next.lastError)
          } else if (!o.retryable) assert.strictEqual(next.status, "failed")
          else if (next.attempts < policy.maxAttempts) {
            assert.strictEqual(next.status, "pending")
            assert.strictEqual(
              DateTime.toEpochMillis(next.nextAttemptAt) - DateTime.toEpochMillis(now),
              Duration.toMillis(backoffDelay(next.attempts, policy))
            )
          } else assert.strictEqual(next.status, "failed")
          if (next.status !== "sent") assert.include(next.lastError ?? "", o._tag === "Failed" ? o.reason : "")
          assert.strictEqual(tokenOf(next), next.status === "pending" ? tokenOf(message) : "[redacted]")
          message = next
        }
      })
    )
  })
})

type Command =
  | { readonly kind: "enqueue"; readonly which: number }
  | { readonly kind: "outage"; readonly retryable: boolean; readonly count: number }
  | { readonly kind: "advance"; readonly minutes: number }
  | { readonly kind: "run"; readonly limit: number }

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant("enqueue" as const), which: fc.integer({ min: 0, max: 12 }) }),
  fc.record({ kind: fc.constant("outage" as const), retryable: fc.boolean(), count: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant("advance" as const), minutes: fc.integer({ min: 0, max: 240 }) }),
  fc.record({ kind: fc.constant("run" as const), limit: fc.integer({ min: 1, max: 5 }) })
)

describe("Dispatcher (model)", () => {
  it.effect("under any outages, every message is mailed at most once, settles, and keeps no secret once settled", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(fc.array(command, { maxLength: 40 }), (commands) =>
          Effect.runPromise(
            Effect.gen(function* () {
              const notifications = sampleNotifications("anna@kommune.test")
              const capture = yield* MailCapture
              const dispatcher = yield* Dispatcher
              const ids: Array<OutboxMessageId> = []
              const check = Effect.gen(function* () {
                const calls = yield* capture.calls
                const delivered = (yield* capture.delivered).map((m) => m.id)
                for (const id of ids) {
                  const m = yield* stored(id)
                  assert.strictEqual(m.attempts, calls.filter((c) => c === id).length, "one attempt per call")
                  assert.isAtMost(m.attempts, policy.maxAttempts)
                  assert.strictEqual(m.status === "sent", delivered.includes(id), "sent exactly when mailed")
                  if (m.status === "failed") assert.isNotNull(m.lastError)
                  if ("token" in m.notification)
                    assert.strictEqual(
                      m.notification.token === "[redacted]",
                      m.status !== "pending",
                      "redacted once settled"
                    )
                }
              })
              for (const c of commands) {
                if (c.kind === "enqueue") ids.push((yield* enqueued(notifications[c.which]!)).id)
                else if (c.kind === "outage")
                  yield* capture.failNext(
                    ...Array.from({ length: c.count }, () => ({ retryable: c.retryable, reason: "outage" }))
                  )
                else if (c.kind === "advance") yield* TestClock.adjust(`${c.minutes} minutes`)
                else yield* dispatcher.runOnce(c.limit)
                yield* check
              }
              // The outage ends: within the retry window every message settles.
              for (let i = 0; i < policy.maxAttempts + 2; i++) {
                yield* TestClock.adjust("3 minutes")
                yield* dispatcher.runOnce(100)
              }
              yield* check
              for (const id of ids) assert.notStrictEqual((yield* stored(id)).status, "pending")
            }).pipe(Effect.provide(Layer.merge(world(), TestClock.layer())))
          )
        ),
        { numRuns: 60 }
      )
    )
  )
})

describe("Dispatcher", () => {
  it.effect("a sent message is marked sent and its link secret is redacted", () =>
    Effect.gen(function* () {
      const message = yield* enqueued()
      const report = yield* Dispatcher.use((d) => d.runOnce())
      assert.deepStrictEqual(report, { sent: 1, retrying: 0, failed: 0 })
      const after = yield* stored(message.id)
      assert.strictEqual(after.status, "sent")
      assert.strictEqual(after.attempts, 1)
      assert.strictEqual(tokenOf(after), "[redacted]")
      assert.notInclude(JSON.stringify(after), "reg-token-Zx9_abc")
      // The mail itself carried the token: redaction happens after the send, not before.
      const [mail] = yield* MailCapture.use((c) => c.delivered)
      assert.strictEqual(mail && tokenOf(mail), "reg-token-Zx9_abc")
    }).pipe(Effect.provide(world()))
  )

  it.effect("a retryable failure is tried again after an exponential backoff", () =>
    Effect.gen(function* () {
      const message = yield* enqueued()
      const capture = yield* MailCapture
      const dispatcher = yield* Dispatcher
      yield* capture.failNext(
        { retryable: true, reason: "503 service unavailable" },
        { retryable: true, reason: "429 rate limited" }
      )
      const t0 = DateTime.toEpochMillis(yield* DateTime.now)

      assert.deepStrictEqual(yield* dispatcher.runOnce(), { sent: 0, retrying: 1, failed: 0 })
      let after = yield* stored(message.id)
      assert.strictEqual(after.status, "pending")
      assert.strictEqual(after.lastError, "503 service unavailable")
      assert.strictEqual(DateTime.toEpochMillis(after.nextAttemptAt) - t0, 60_000)
      assert.strictEqual(tokenOf(after), "reg-token-Zx9_abc")

      yield* TestClock.adjust("59 seconds")
      assert.deepStrictEqual(yield* dispatcher.runOnce(), { sent: 0, retrying: 0, failed: 0 })
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(yield* dispatcher.runOnce(), { sent: 0, retrying: 1, failed: 0 })
      after = yield* stored(message.id)
      assert.strictEqual(DateTime.toEpochMillis(after.nextAttemptAt) - t0, 60_000 + 120_000)

      yield* TestClock.adjust("119 seconds")
      assert.deepStrictEqual(yield* dispatcher.runOnce(), { sent: 0, retrying: 0, failed: 0 })
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(yield* dispatcher.runOnce(), { sent: 1, retrying: 0, failed: 0 })
      after = yield* stored(message.id)
      assert.strictEqual(after.status, "sent")
      assert.strictEqual(after.attempts, 3)
      assert.deepStrictEqual(yield* capture.calls, [message.id, message.id, message.id])
    }).pipe(Effect.provide(world()))
  )

  it.effect("a permanent failure is not retried and its error is recorded", () =>
    Effect.gen(function* () {
      const message = yield* enqueued()
      const capture = yield* MailCapture
      yield* capture.failNext({ retryable: false, reason: "422 invalid recipient" })
      assert.deepStrictEqual(yield* Dispatcher.use((d) => d.runOnce()), { sent: 0, retrying: 0, failed: 1 })
      const after = yield* stored(message.id)
      assert.strictEqual(after.status, "failed")
      assert.strictEqual(after.lastError, "permanent failure: 422 invalid recipient")
      assert.strictEqual(tokenOf(after), "[redacted]")
      yield* TestClock.adjust("1 day")
      yield* Dispatcher.use((d) => d.runOnce())
      assert.deepStrictEqual(yield* capture.calls, [message.id])
      assert.deepStrictEqual(yield* capture.delivered, [])
    }).pipe(Effect.provide(world()))
  )

  it.effect("a message fails for good after the maximum number of attempts", () =>
    Effect.gen(function* () {
      const message = yield* enqueued()
      const capture = yield* MailCapture
      const outage = Array.from({ length: 10 }, () => ({ retryable: true, reason: "503" }))
      yield* capture.failNext(...outage)
      for (let i = 0; i < 10; i++) {
        yield* Dispatcher.use((d) => d.runOnce())
        yield* TestClock.adjust("3 minutes")
      }
      const after = yield* stored(message.id)
      assert.strictEqual(after.status, "failed")
      assert.strictEqual(after.attempts, policy.maxAttempts)
      assert.strictEqual(after.lastError, `gave up after ${policy.maxAttempts} attempts: 503`)
      assert.strictEqual((yield* capture.calls).length, policy.maxAttempts)
    }).pipe(Effect.provide(world()))
  )

  it.effect("a crash between sending and marking resends under the same idempotency key, and mails once", () => {
    let crashes = 1
    const crashingOutbox = Layer.effect(
      Outbox,
      Effect.map(Outbox, (inner) =>
        Outbox.of({
          ...inner,
          update: (m) =>
            crashes-- > 0
              ? Effect.fail(new StorageError({ operation: "outbox.update", cause: "connection lost" }))
              : inner.update(m)
        })
      )
    ).pipe(Layer.provide(Outbox.layerMemory))
    return Effect.gen(function* () {
      const message = yield* enqueued()
      const dispatcher = yield* Dispatcher
      const crash = yield* Effect.flip(dispatcher.runOnce())
      assert.strictEqual(crash._tag, "StorageError")
      assert.strictEqual((yield* stored(message.id)).status, "pending")
      assert.deepStrictEqual(yield* dispatcher.runOnce(), { sent: 1, retrying: 0, failed: 0 })
      const capture = yield* MailCapture
      assert.deepStrictEqual(yield* capture.calls, [message.id, message.id])
      assert.strictEqual((yield* capture.delivered).length, 1)
      assert.strictEqual((yield* stored(message.id)).status, "sent")
    }).pipe(Effect.provide(world(crashingOutbox)))
  })

  it.effect("a defect in the transport counts as a retryable failure and does not block the queue", () =>
    Effect.gen(function* () {
      const broken = yield* enqueued()
      const fine = yield* enqueued(approved)
      const report = yield* Dispatcher.use((d) => d.runOnce())
      assert.deepStrictEqual(report, { sent: 1, retrying: 1, failed: 0 })
      const after = yield* stored(broken.id)
      assert.strictEqual(after.status, "pending")
      assert.strictEqual(after.lastError, "unexpected: template exploded")
      assert.strictEqual((yield* stored(fine.id)).status, "sent")
    }).pipe(
      Effect.provide(
        Dispatcher.layer({ retry: policy }).pipe(
          Layer.provideMerge(
            Layer.mergeAll(
              Outbox.layerMemory,
              SecureRandom.layerSeeded(3),
              Layer.succeed(Mailer)({
                send: (m) =>
                  m.notification._tag === "RegistrationConfirmationLink"
                    ? Effect.die(new Error("template exploded"))
                    : Effect.void
              })
            )
          )
        )
      )
    )
  )

  it.effect("due messages go out oldest first, at most the limit per run", () =>
    Effect.gen(function* () {
      const ids: Array<OutboxMessageId> = []
      for (const n of sampleNotifications("anna@kommune.test").slice(0, 5)) {
        ids.push((yield* enqueued(n)).id)
        yield* TestClock.adjust("1 second")
      }
      const dispatcher = yield* Dispatcher
      assert.deepStrictEqual(yield* dispatcher.runOnce(3), { sent: 3, retrying: 0, failed: 0 })
      assert.deepStrictEqual(yield* MailCapture.use((c) => c.calls), ids.slice(0, 3))
      assert.deepStrictEqual(yield* dispatcher.runOnce(3), { sent: 2, retrying: 0, failed: 0 })
      assert.deepStrictEqual(yield* MailCapture.use((c) => c.calls), ids)
    }).pipe(Effect.provide(world()))
  )

  it.effect("the run loop drains full batches at once and picks up new mail after its poll interval", () =>
    Effect.gen(function* () {
      for (const n of sampleNotifications("anna@kommune.test").slice(0, 5)) yield* enqueued(n)
      const capture = yield* MailCapture
      const fiber = yield* Effect.forkChild(Dispatcher.use((d) => d.run))
      yield* TestClock.adjust(0)
      // batch size 2: three runs back to back, without waiting for the poll interval
      assert.strictEqual((yield* capture.delivered).length, 5)
      const late = yield* enqueued(approved)
      yield* TestClock.adjust("9 seconds")
      assert.notInclude((yield* capture.calls).map(String), late.id)
      yield* TestClock.adjust("1 second")
      assert.include((yield* capture.calls).map(String), late.id)
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(world()))
  )

  it.effect("settled payloads are purged once per batch that settled a message, not once per message", () => {
    let purges = 0
    const countingOutbox = Layer.effect(
      Outbox,
      Effect.map(Outbox, (inner) =>
        Outbox.of({ ...inner, purgeSettled: Effect.suspend(() => Effect.sync(() => purges++)) })
      )
    ).pipe(Layer.provide(Outbox.layerMemory))
    return Effect.gen(function* () {
      yield* enqueued()
      yield* enqueued(approved)
      const dispatcher = yield* Dispatcher
      assert.deepStrictEqual(yield* dispatcher.runOnce(), { sent: 2, retrying: 0, failed: 0 })
      assert.strictEqual(purges, 1)
      // Nothing due, nothing settled: nothing to purge.
      assert.deepStrictEqual(yield* dispatcher.runOnce(), { sent: 0, retrying: 0, failed: 0 })
      assert.strictEqual(purges, 1)
    }).pipe(Effect.provide(world(countingOutbox)))
  })

  it.effect("a storage failure does not stop the run loop", () => {
    let failures = 1
    const flakyOutbox = Layer.effect(
      Outbox,
      Effect.map(Outbox, (inner) =>
        Outbox.of({
          ...inner,
          due: (now, limit) =>
            failures-- > 0
              ? Effect.fail(new StorageError({ operation: "outbox.due", cause: "database locked" }))
              : inner.due(now, limit)
        })
      )
    ).pipe(Layer.provide(Outbox.layerMemory))
    return Effect.gen(function* () {
      const message = yield* enqueued()
      const fiber = yield* Effect.forkChild(Dispatcher.use((d) => d.run))
      yield* TestClock.adjust(0)
      assert.strictEqual((yield* stored(message.id)).status, "pending")
      yield* TestClock.adjust("10 seconds")
      assert.strictEqual((yield* stored(message.id)).status, "sent")
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(world(flakyOutbox)))
  })
})
