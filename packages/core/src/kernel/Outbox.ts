import { Context, DateTime, Effect, Layer, Schema } from "effect"
import type { StorageError } from "./Errors.ts"
import { OutboxMessageId } from "./Ids.ts"
import { Notification } from "./Notification.ts"
import { newOrderedId, type SecureRandom } from "./SecureRandom.ts"
import { trusted } from "./Trusted.ts"
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
    /**
     * Adds the messages in the order given, as one write where the store can (a use case's messages go out
     * together): the dispatcher sends messages created at the same instant in the order they were added.
     */
    readonly addAll: (messages: ReadonlyArray<OutboxMessage>) => Effect.Effect<void, StorageError>
    /** Pending messages due at `now`, oldest first. */
    readonly due: (now: DateTime.Utc, limit: number) => Effect.Effect<ReadonlyArray<OutboxMessage>, StorageError>
    /** Replaces a message by id (status, attempts, redacted payload). */
    readonly update: (message: OutboxMessage) => Effect.Effect<void, StorageError>
    readonly get: (id: OutboxMessageId) => Effect.Effect<OutboxMessage | undefined, StorageError>
    /**
     * Removes what the payloads of settled (sent or failed, so redacted) messages left behind, such as a
     * database's old page images holding a mailed token. The dispatcher calls it once after each batch, not per
     * message: in a database it is a checkpoint of the whole log. A no-op where nothing lingers.
     */
    readonly purgeSettled: Effect.Effect<void, StorageError>
  }
>()("@cloudportal/core/Outbox") {
  static readonly layerMemory = Layer.sync(Outbox)(() => {
    const messages = new MemoryTable<OutboxMessageId, OutboxMessage>()
    return {
      add: (message) => messages.set(message.id, message),
      addAll: (all) => Effect.forEach(all, (message) => messages.set(message.id, message), { discard: true }),
      due: (now, limit) =>
        Effect.sync(() =>
          messages
            .filter((m) => m.status === "pending" && !DateTime.isGreaterThan(m.nextAttemptAt, now))
            .sort((a, b) => DateTime.toEpochMillis(a.createdAt) - DateTime.toEpochMillis(b.createdAt))
            .slice(0, limit)
        ),
      update: (message) => messages.set(message.id, message),
      get: (id) => Effect.sync(() => messages.get(id)),
      purgeSettled: Effect.void
    }
  })
}

const pending = Effect.fnUntraced(function* (notification: Notification, now: DateTime.Utc) {
  return trusted(OutboxMessage, {
    // Ordered by creation: the id index appends; the id is the delivery's idempotency key.
    id: yield* newOrderedId<OutboxMessageId>("msg", now),
    notification,
    createdAt: now,
    status: "pending",
    attempts: 0,
    nextAttemptAt: now,
    lastError: null
  })
})

/** Queues a notification. Call inside the use case's unit of work. */
export const enqueue = Effect.fnUntraced(function* (notification: Notification) {
  const message = yield* pending(notification, yield* DateTime.now)
  yield* Outbox.use((o) => o.add(message))
  return message
}) as (notification: Notification) => Effect.Effect<OutboxMessage, StorageError, Outbox | SecureRandom>

/**
 * Queues several notifications with one write, in the order given (the dispatcher sends them in that
 * order). Call inside the use case's unit of work.
 */
export const enqueueAll = Effect.fnUntraced(function* (notifications: ReadonlyArray<Notification>) {
  if (notifications.length === 0) return []
  const now = yield* DateTime.now
  const messages: Array<OutboxMessage> = []
  for (const notification of notifications) messages.push(yield* pending(notification, now))
  yield* Outbox.use((o) => o.addAll(messages))
  return messages
}) as (
  notifications: ReadonlyArray<Notification>
) => Effect.Effect<ReadonlyArray<OutboxMessage>, StorageError, Outbox | SecureRandom>
