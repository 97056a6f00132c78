import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core"

/** Only the SHA-256 hash of a link secret is stored (DOMAIN §4). */
export const linkTokens = sqliteTable(
  "link_tokens",
  {
    hash: text("hash").primaryKey(),
    purpose: text("purpose").notNull(),
    subjectId: text("subject_id").notNull(),
    email: text("email").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    revokedAt: integer("revoked_at")
  },
  (t) => [index("link_tokens_subject_idx").on(t.purpose, t.subjectId)]
)

export type LinkTokenRow = typeof linkTokens.$inferSelect
