import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { TestClock } from "effect/testing"
import { PublicBaseUrl } from "../src/config.ts"
import { type Notification, type OutboxMessageId, StorageError } from "../src/internal/core.ts"
import * as ResendMailer from "../src/transports/ResendMailer.ts"
import { CaptureServer, resendError } from "./capture-server.ts"
import { Dispatcher, enqueue, Outbox, SecureRandom, sampleNotifications } from "./core-testing.ts"

// The dispatcher of core driving the Resend transport against a real HTTP server on loopback.

const mailer = Layer.unwrap(
  Effect.map(CaptureServer, (server) =>
    ResendMailer.layer({
      apiKey: Redacted.make("re_test_key"),
      apiBaseUrl: server.url,
      from: "Cloud-Service-Portal <noreply@portal.example.de>",
      publicBaseUrl: PublicBaseUrl.make("https://portal.example.de")
    })
  )
)

const world = (outbox: Layer.Layer<Outbox> = Outbox.layerMemory) =>
  Dispatcher.layer().pipe(
    Layer.provideMerge(Layer.mergeAll(outbox, mailer, SecureRandom.layerSeeded(5))),
    Layer.provideMerge(CaptureServer.layer)
  )

const confirmation = sampleNotifications("anna.muster@musterstadt.de")[0]!
const token = "reg-token-Zx9_abc"

const stored = (id: OutboxMessageId) =>
  Effect.flatMap(
    Outbox.use((o) => o.get(id)),
    (m) => (m ? Effect.succeed(m) : Effect.die("gone"))
  )

const tokenOf = (n: Notification) => ("token" in n ? n.token : undefined)

describe("Dispatcher with Resend", () => {
  it.effect(
    "a crash between sending and marking resends under the same idempotency key, and the mail goes out once",
    () => {
      let crashes = 1
      const crashingOutbox = Layer.effect(
        Outbox,
        Effect.map(Outbox, (inner) =>
          Outbox.of({
            ...inner,
            update: (m) =>
              crashes-- > 0
                ? Effect.fail(new StorageError({ operation: "outbox.update", cause: "process killed" }))
                : inner.update(m)
          })
        )
      ).pipe(Layer.provide(Outbox.layerMemory))
      return Effect.gen(function* () {
        const message = yield* enqueue(confirmation)
        const dispatcher = yield* Dispatcher
        assert.strictEqual((yield* Effect.flip(dispatcher.runOnce()))._tag, "StorageError")
        assert.deepStrictEqual(yield* dispatcher.runOnce(), { sent: 1, retrying: 0, failed: 0 })

        const server = yield* CaptureServer
        const requests = server.requests()
        assert.deepStrictEqual(
          requests.map((r) => r.headers["idempotency-key"]),
          [message.id, message.id]
        )
        assert.strictEqual(requests[0]?.body, requests[1]?.body, "the same key carries the same payload")
        assert.strictEqual(server.deliveries().length, 1)
        assert.strictEqual((yield* stored(message.id)).status, "sent")
      }).pipe(Effect.provide(world(crashingOutbox)))
    }
  )

  it.effect("a mail service outage is retried with exponential backoff until the mail goes out", () =>
    Effect.gen(function* () {
      const server = yield* CaptureServer
      server.answerNext(resendError(503, "application_error"), resendError(429, "rate_limit_exceeded"))
      const message = yield* enqueue(confirmation)
      const dispatcher = yield* Dispatcher

      assert.deepStrictEqual(yield* dispatcher.runOnce(), { sent: 0, retrying: 1, failed: 0 })
      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(yield* dispatcher.runOnce(), { sent: 0, retrying: 1, failed: 0 })
      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(
        yield* dispatcher.runOnce(),
        { sent: 0, retrying: 0, failed: 0 },
        "2 minutes after the second"
      )
      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(yield* dispatcher.runOnce(), { sent: 1, retrying: 0, failed: 0 })

      const after = yield* stored(message.id)
      assert.strictEqual(after.attempts, 3)
      assert.isNull(after.lastError)
      assert.deepStrictEqual(
        server.requests().map((r) => r.headers["idempotency-key"]),
        [message.id, message.id, message.id]
      )
      assert.strictEqual(server.deliveries().length, 1)
    }).pipe(Effect.provide(world()))
  )

  it.effect("a refused mail fails for good with the reason recorded, and is not sent again", () =>
    Effect.gen(function* () {
      const server = yield* CaptureServer
      server.answerNext(resendError(422, "validation_error", "Invalid `to` field."))
      const message = yield* enqueue(confirmation)
      assert.deepStrictEqual(yield* Dispatcher.use((d) => d.runOnce()), { sent: 0, retrying: 0, failed: 1 })
      const after = yield* stored(message.id)
      assert.strictEqual(after.status, "failed")
      assert.include(after.lastError ?? "", "422 validation_error: Invalid `to` field.")
      yield* TestClock.adjust("1 day")
      yield* Dispatcher.use((d) => d.runOnce())
      assert.strictEqual(server.requests().length, 1)
    }).pipe(Effect.provide(world()))
  )

  it.effect("the link secret leaves with the mail and is redacted at rest", () =>
    Effect.gen(function* () {
      const message = yield* enqueue(confirmation)
      yield* Dispatcher.use((d) => d.runOnce())
      const [request] = (yield* CaptureServer).requests()
      assert.include(request?.body ?? "", token)
      const after = yield* stored(message.id)
      assert.strictEqual(tokenOf(after.notification), "[redacted]")
      assert.notInclude(JSON.stringify(after), token)
    }).pipe(Effect.provide(world()))
  )
})
