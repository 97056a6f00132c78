import { Context, Effect, Layer, Schema } from "effect"
import type { OutboxMessageId } from "../kernel/Ids.ts"
import type { OutboxMessage } from "../kernel/Outbox.ts"

/**
 * A delivery that did not happen. `retryable` tells the dispatcher whether trying again later can help
 * (mail service down, rate limited, timeout) or not (recipient or sender refused, payload invalid).
 */
export class MailDeliveryFailed extends Schema.TaggedError<MailDeliveryFailed>()("MailDeliveryFailed", {
  messageId: Schema.String,
  retryable: Schema.Boolean,
  reason: Schema.String
}) {}

/**
 * Delivers one outbox message. Takes the typed notification, never HTML: rendering belongs to the
 * transport (the email package). The message id is the idempotency key: a transport must deliver a
 * message sent twice with the same id at most once, so a crash between sending and marking it sent
 * never mails anyone twice.
 */
export class Mailer extends Context.Service<
  Mailer,
  { readonly send: (message: OutboxMessage) => Effect.Effect<void, MailDeliveryFailed> }
>()("@cloudportal/core/Mailer") {
  /** Captures typed messages instead of mailing them; read and script it through `MailCapture`. */
  static readonly layerMemory: Layer.Layer<Mailer | MailCapture> = Layer.suspend(() => {
    const delivered = new Map<OutboxMessageId, OutboxMessage>()
    const calls: Array<OutboxMessageId> = []
    const scripted: Array<{ readonly retryable: boolean; readonly reason: string }> = []
    const capture = MailCapture.of({
      delivered: Effect.sync(() => [...delivered.values()]),
      calls: Effect.sync(() => [...calls]),
      failNext: (...failures) =>
        Effect.sync(() => {
          scripted.push(...failures)
        })
    })
    const mailer = Mailer.of({
      send: (message) =>
        Effect.suspend(() => {
          calls.push(message.id)
          const failure = scripted.shift()
          if (failure) return Effect.fail(new MailDeliveryFailed({ messageId: message.id, ...failure }))
          // Like Resend: a repeated idempotency key is accepted and changes nothing.
          if (!delivered.has(message.id)) delivered.set(message.id, message)
          return Effect.void
        })
    })
    return Layer.mergeAll(Layer.succeed(Mailer)(mailer), Layer.succeed(MailCapture)(capture))
  })
}

/** The inside of `Mailer.layerMemory`, for tests. */
export class MailCapture extends Context.Service<
  MailCapture,
  {
    /** One entry per idempotency key, in delivery order, with the token still in it. */
    readonly delivered: Effect.Effect<ReadonlyArray<OutboxMessage>>
    /** Every call of `send`, repeats and failures included. */
    readonly calls: Effect.Effect<ReadonlyArray<OutboxMessageId>>
    /** The next calls of `send` fail with these, one each, in order: a scripted outage. */
    readonly failNext: (
      ...failures: ReadonlyArray<{ readonly retryable: boolean; readonly reason: string }>
    ) => Effect.Effect<void>
  }
>()("@cloudportal/core/MailCapture") {}
