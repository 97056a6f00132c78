import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core"

/**
 * Only the SHA-256 hash of a session secret is stored (DOMAIN §4). No foreign key to `accounts`: the
 * session port stands on its own (its contract holds for any account id), and sessions end through
 * `revokeAllForAccount` when their account goes, never by cascade.
 */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    secretHash: text("secret_hash").notNull(),
    createdAt: integer("created_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    revokedAt: integer("revoked_at")
  },
  (t) => [index("sessions_account_idx").on(t.accountId)]
)

export type SessionRow = typeof sessions.$inferSelect
