import { Dispatcher, enqueue, Mailer, Outbox, type OutboxMessage, SecureRandom } from "@cloudportal/core"
import { describe, expect, it } from "@effect/vitest"
import { DateTime, Deferred, Duration, Effect, Fiber, Layer, Queue } from "effect"
import { dispatchLoop } from "../src/background.ts"

/** A mailer that reports each send as it starts and finishes it only when the test releases it. */
const gatedMailer = Effect.gen(function* () {
  const started = yield* Queue.unbounded<OutboxMessage>()
  const release = yield* Deferred.make<void>()
  const delivered: Array<string> = []
  const layer = Layer.succeed(Mailer)({
    send: (message) =>
      Queue.offer(started, message).pipe(
        Effect.andThen(Deferred.await(release)),
        Effect.andThen(Effect.sync(() => delivered.push(message.id)))
      )
  })
  return { started, release, delivered, layer }
})

const passwordChanged = (recipient: string) =>
  Effect.map(DateTime.now, (changedAt) => ({
    _tag: "PasswordChanged" as const,
    recipient,
    recipientName: "Erika Muster",
    locale: "de" as const,
    changedAt
  }))

const withDispatcher = (mailer: Layer.Layer<Mailer>) =>
  Effect.provide(
    Dispatcher.layer().pipe(Layer.provideMerge(Layer.mergeAll(Outbox.layerMemory, mailer, SecureRandom.layerWebCrypto)))
  )

describe("the dispatcher loop of the server", () => {
  it.effect("a shutdown lets the dispatcher finish the mail in flight, and it sends nothing after it", () =>
    Effect.gen(function* () {
      const mailer = yield* gatedMailer
      yield* Effect.gen(function* () {
        const first = yield* enqueue(yield* passwordChanged("eins@kommune.test"))
        const second = yield* enqueue(yield* passwordChanged("zwei@kommune.test"))
        const loop = yield* Effect.forkChild(dispatchLoop(Duration.seconds(5), yield* Queue.sliding<void>(1)))

        expect((yield* Queue.take(mailer.started)).id).toBe(first.id)
        // The shutdown begins while the first mail is being sent, and waits for it.
        const stopping = yield* Effect.forkChild(Fiber.interrupt(loop))
        // Let the interruption reach the loop while the mail is still being sent.
        yield* Effect.repeat(Effect.yieldNow, { times: 5 })
        expect(mailer.delivered).toEqual([])
        yield* Deferred.succeed(mailer.release, undefined)
        yield* Fiber.join(stopping)

        expect(mailer.delivered).toEqual([first.id])
        const outbox = yield* Outbox
        expect((yield* outbox.get(first.id))?.status).toBe("sent")
        expect((yield* outbox.get(second.id))?.status).toBe("pending")
      }).pipe(withDispatcher(mailer.layer))
    })
  )

  it.effect("a change wakes the dispatcher at once, without waiting for its interval", () =>
    Effect.gen(function* () {
      const mailer = yield* gatedMailer
      yield* Deferred.succeed(mailer.release, undefined)
      yield* Effect.gen(function* () {
        const wake = yield* Queue.sliding<void>(1)
        // The test clock never moves, so only the wake-up can start a round once the loop is idle.
        const loop = yield* Effect.forkChild(dispatchLoop(Duration.hours(1), wake))
        const settle = Effect.repeat(Effect.yieldNow, { times: 5 })
        yield* settle
        const message = yield* enqueue(yield* passwordChanged("drei@kommune.test"))
        yield* settle
        expect(yield* Queue.size(mailer.started)).toBe(0)
        yield* Queue.offer(wake, undefined)
        expect((yield* Queue.take(mailer.started)).id).toBe(message.id)
        yield* Fiber.interrupt(loop)
        expect(mailer.delivered).toEqual([message.id])
      }).pipe(withDispatcher(mailer.layer))
    })
  )
})
