import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core"

/**
 * The procurement thresholds table („Bagatellgrenzen", DOMAIN §7), one row per threshold in the operator's
 * order. Replaced as a whole together with `threshold_table`, whose row says that a table was set at all.
 */
export const thresholds = sqliteTable("thresholds", {
  position: integer("position").primaryKey(),
  /** `Fallback`, `Federal` or `Land`. */
  jurisdiction: text("jurisdiction").notNull(),
  federalState: text("federal_state"),
  administrativeLevel: text("administrative_level"),
  /** Net, exact integer cents (EUR). */
  netAmountCents: integer("net_amount_cents").notNull(),
  validFrom: integer("valid_from").notNull(),
  validUntil: integer("valid_until"),
  source: text("source").notNull()
})

export type ThresholdRow = typeof thresholds.$inferSelect
