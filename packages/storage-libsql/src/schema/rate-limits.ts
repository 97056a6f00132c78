import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core"

/**
 * Fixed-window hit counters per key (DOMAIN §11: anything that sends email is rate-limited per address and
 * per client). Shared by every instance on the database; updated with one UPSERT, so concurrent hits count.
 */
export const rateLimits = sqliteTable(
  "rate_limits",
  {
    key: text("key").primaryKey(),
    windowStartedAt: integer("window_started_at").notNull(),
    hits: integer("hits").notNull(),
    /** When the window ends; a row past it counts for nothing and is pruned. */
    expiresAt: integer("expires_at").notNull()
  },
  (t) => [index("rate_limits_expires_idx").on(t.expiresAt)]
)

export type RateLimitRow = typeof rateLimits.$inferSelect
