import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core"
import { jsonText } from "./json-text.ts"
import { offerings } from "./offerings.ts"

/** Every version of every offering, append-only: an order points at the version it was placed on (DOMAIN §8). */
export const offeringVersions = sqliteTable(
  "offering_versions",
  {
    offeringId: text("offering_id")
      .notNull()
      .references(() => offerings.id),
    version: integer("version").notNull(),
    providerId: text("provider_id").notNull(),
    /** JSON `{ de, en }`. */
    name: jsonText("name").notNull(),
    /** JSON `{ de, en }`. */
    description: jsonText("description").notNull(),
    portfolioCategory: text("portfolio_category").notNull(),
    serviceType: text("service_type").notNull(),
    /** JSON array of price plans (integer cents). */
    pricePlans: jsonText("price_plans").notNull(),
    /** JSON array of property definitions. */
    properties: jsonText("properties").notNull(),
    /** JSON `{ de, en }`: „Bereitstellungszeit". */
    provisioningTime: jsonText("provisioning_time").notNull(),
    /** JSON: „Reifegradmodell". */
    maturity: jsonText("maturity").notNull(),
    /** JSON: service-specific conditions with their version. */
    conditions: jsonText("conditions").notNull(),
    /** JSON array of contract models. */
    supportedContractModels: jsonText("supported_contract_models").notNull(),
    /** JSON `{ DV, UV }`: „Kundenkreis" per contract model. */
    customerCircles: jsonText("customer_circles").notNull(),
    intermediaryId: text("intermediary_id"),
    efa: integer("efa", { mode: "boolean" }).notNull(),
    active: integer("active", { mode: "boolean" }).notNull(),
    createdAt: integer("created_at").notNull()
  },
  (t) => [primaryKey({ columns: [t.offeringId, t.version] })]
)

export type OfferingVersionRow = typeof offeringVersions.$inferSelect
