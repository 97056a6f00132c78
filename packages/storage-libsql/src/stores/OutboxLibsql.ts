import { and, eq, lte, sql } from "drizzle-orm"
import { Effect, Layer, Schema } from "effect"
import { Notification, Outbox, OutboxMessage } from "../internal/core.ts"
import { fromJson, toJson } from "../internal/json.ts"
import { placeholders, prepared } from "../internal/prepared.ts"
import { storable } from "../internal/text.ts"
import { fromMillis, toMillis } from "../internal/time.ts"
import { CurrentTransactions, LibsqlDatabase } from "../LibsqlDatabase.ts"
import { type OutboxMessageRow, outboxMessages } from "../schema/outbox-messages.ts"

const NotificationJson = Schema.toCodecJson(Notification)
const encodeNotification = Schema.encodeSync(NotificationJson)
const decodeNotification = Schema.decodeUnknownSync(NotificationJson)

export const toRow = (m: OutboxMessage): OutboxMessageRow => ({
  id: m.id,
  notification: toJson(encodeNotification(m.notification)),
  createdAt: toMillis(m.createdAt),
  status: m.status,
  attempts: m.attempts,
  nextAttemptAt: toMillis(m.nextAttemptAt),
  lastError: m.lastError
})

export const toDomain = (r: OutboxMessageRow): OutboxMessage =>
  new OutboxMessage({
    id: r.id as OutboxMessage["id"],
    notification: decodeNotification(fromJson(r.notification)),
    createdAt: fromMillis(r.createdAt),
    status: r.status as OutboxMessage["status"],
    attempts: r.attempts,
    nextAttemptAt: fromMillis(r.nextAttemptAt),
    lastError: r.lastError
  })

const addMessage = prepared((db) => db.insert(outboxMessages).values(placeholders(outboxMessages)).prepare())

/** The outbox in `outbox_messages`, written in the unit of work of the change that caused each message. */
export const layer: Layer.Layer<Outbox, never, LibsqlDatabase> = Layer.effect(
  Outbox,
  Effect.gen(function* () {
    const { read, write, truncateLog } = yield* LibsqlDatabase
    return Outbox.of({
      add: (message) =>
        write("Outbox.add", async (db) => {
          await addMessage(db).run(storable(outboxMessages, toRow(message)))
        }),
      due: (now, limit) =>
        read("Outbox.due", async (db) =>
          (
            await db
              .select()
              .from(outboxMessages)
              .where(and(eq(outboxMessages.status, "pending"), lte(outboxMessages.nextAttemptAt, toMillis(now))))
              .orderBy(outboxMessages.createdAt, sql`rowid`)
              .limit(limit)
          ).map(toDomain)
        ),
      update: (message) =>
        write("Outbox.update", async (db) => {
          const { id: _, ...changes } = toRow(message)
          await db
            .insert(outboxMessages)
            .values(storable(outboxMessages, toRow(message)))
            .onConflictDoUpdate({ target: outboxMessages.id, set: changes })
        }).pipe(
          // A settled message was redacted: push the old page images, token included, out of the log file.
          Effect.tap(() =>
            message.status === "pending"
              ? Effect.void
              : CurrentTransactions.use((open) => (open.size === 0 ? truncateLog : Effect.void))
          )
        ),
      get: (id) =>
        read("Outbox.get", async (db) => {
          const [row] = await db.select().from(outboxMessages).where(eq(outboxMessages.id, id))
          return row && toDomain(row)
        })
    })
  })
)
