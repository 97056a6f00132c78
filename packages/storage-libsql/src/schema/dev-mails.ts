import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core"
import { jsonText } from "./json-text.ts"

/**
 * The development mailbox (`GET /dev/mailbox`): rendered mails with their links in clear. Development only;
 * production never writes here.
 */
export const devMails = sqliteTable(
  "dev_mails",
  {
    /** The outbox message id, the delivery's idempotency key. */
    id: text("id").primaryKey(),
    recipient: text("recipient").notNull(),
    /** `recipient` lower-cased as core compares it (`String.prototype.toLowerCase`). */
    recipientKey: text("recipient_key").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html").notNull(),
    /** JSON array of every URL in the mail. */
    links: jsonText("links").notNull(),
    sentAt: integer("sent_at").notNull()
  },
  // Newest first, and among mails sent at one instant the later delivery first: an index entry ends with the
  // rowid, which grows with every delivery.
  (t) => [index("dev_mails_sent_idx").on(t.sentAt), index("dev_mails_recipient_idx").on(t.recipientKey, t.sentAt)]
)

export type DevMailRow = typeof devMails.$inferSelect
