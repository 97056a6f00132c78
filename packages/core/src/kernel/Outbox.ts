import { Context, DateTime, Effect, Layer, Schema } from "effect"
import type { StorageError } from "./Errors.ts"
import { OutboxMessageId } from "./Ids.ts"
import { Notification } from "./Notification.ts"
import { newId, type SecureRandom } from "./SecureRandom.ts"
import { MemoryTable } from "./UnitOfWork.ts"

/**
 * A notification waiting to be sent. Written in the same unit of work as the change that caused it,
 * so a mail goes out only for a committed change and none is lost while the mail service is down.
 * The id is the idempotency key of the delivery.
 */
export class OutboxMessage extends Schema.Class<OutboxMessage>("@cloudportal/core/OutboxMessage")({
  id: OutboxMessageId,
  notification: Notification,
  createdAt: Schema.DateTimeUtc,
  status: Schema.Literals(["pending", "sent", "failed"]),
  attempts: Schema.Int,
  nextAttemptAt: Schema.DateTimeUtc,
  lastError: Schema.NullOr(Schema.String)
}) {}

export class Outbox extends Context.Service<
  Outbox,
  {
    readonly add: (message: OutboxMessage) => Effect.Effect<void, StorageError>
    /** Pending messages due at `now`, oldest first. */
    readonly due: (now: DateTime.Utc, limit: number) => Effect.Effect<ReadonlyArray<OutboxMessage>, StorageError>
    /** Replaces a message by id (status, attempts, redacted payload). */
    readonly update: (message: OutboxMessage) => Effect.Effect<void, StorageError>
    readonly get: (id: OutboxMessageId) => Effect.Effect<OutboxMessage | undefined, StorageError>
  }
>()("@cloudportal/core/Outbox") {
  static readonly layerMemory = Layer.sync(Outbox)(() => {
    const messages = new MemoryTable<OutboxMessageId, OutboxMessage>()
    return {
      add: (message) => messages.set(message.id, message),
      due: (now, limit) =>
        Effect.sync(() =>
          messages
            .filter((m) => m.status === "pending" && !DateTime.isGreaterThan(m.nextAttemptAt, now))
            .sort((a, b) => DateTime.toEpochMillis(a.createdAt) - DateTime.toEpochMillis(b.createdAt))
            .slice(0, limit)
        ),
      update: (message) => messages.set(message.id, message),
      get: (id) => Effect.sync(() => messages.get(id))
    }
  })
}

/** Queues a notification. Call inside the use case's unit of work. */
export const enqueue = Effect.fnUntraced(function* (notification: Notification) {
  const now = yield* DateTime.now
  const message = new OutboxMessage({
    id: yield* newId<OutboxMessageId>("msg"),
    notification,
    createdAt: now,
    status: "pending",
    attempts: 0,
    nextAttemptAt: now,
    lastError: null
  })
  yield* Outbox.use((o) => o.add(message))
  return message
}) as (notification: Notification) => Effect.Effect<OutboxMessage, StorageError, Outbox | SecureRandom>
