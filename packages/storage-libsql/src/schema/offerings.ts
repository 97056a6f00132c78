import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core"

/**
 * One row per offering: its latest version number and the columns the catalog filters on, copied from that
 * version. Moving `latest_version` from n to n + 1 is the compare-and-set that keeps versions gapless.
 */
export const offerings = sqliteTable(
  "offerings",
  {
    id: text("id").primaryKey(),
    latestVersion: integer("latest_version").notNull(),
    providerId: text("provider_id").notNull(),
    serviceType: text("service_type").notNull(),
    portfolioCategory: text("portfolio_category").notNull(),
    efa: integer("efa", { mode: "boolean" }).notNull(),
    active: integer("active", { mode: "boolean" }).notNull()
  },
  (t) => [
    // The catalog pages by id within each filter; the provider's own list is the most selective one.
    index("offerings_provider_idx").on(t.providerId, t.id),
    index("offerings_service_type_idx").on(t.serviceType, t.id),
    index("offerings_category_idx").on(t.portfolioCategory, t.id)
  ]
)

export type OfferingHeadRow = typeof offerings.$inferSelect
