import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core"
import { jsonText } from "./json-text.ts"

export const outboxMessages = sqliteTable(
  "outbox_messages",
  {
    id: text("id").primaryKey(),
    /** The notification in its JSON encoding (`Schema.toCodecJson(Notification)`), as JSON text. */
    notification: jsonText("notification").notNull(),
    createdAt: integer("created_at").notNull(),
    status: text("status").notNull(),
    attempts: integer("attempts").notNull(),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    lastError: text("last_error")
  },
  (t) => [index("outbox_messages_due_idx").on(t.status, t.nextAttemptAt)]
)

export type OutboxMessageRow = typeof outboxMessages.$inferSelect
