import { sql } from "drizzle-orm"
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core"
import { jsonText } from "./json-text.ts"

/**
 * Statuses in which the provider's decision is still due and the deadline runs (core's
 * `awaitingProviderDecision`), as a literal term: a partial index serves a query only when the query repeats
 * the index's condition, which a bound parameter would not. A test checks the list against core's set.
 */
export const awaitingDecision = sql.raw(
  `"orders"."status" IN ('open', 'inReviewByProviderDV', 'inReviewByIntermediaryUV', 'confirmedByIntermediaryUV', 'inReviewByProviderUV')`
)
/** Orders counted against the procurement threshold (anti-splitting, DOMAIN §7). */
export const countedBelowThreshold = sql.raw(`"orders"."below_threshold" = 1`)

/**
 * Orders (DOMAIN §8, §9). Everything frozen at order time is written once; afterwards only `status` with
 * `history` (compare-and-set on the status) and `reminder_sent_at` change. No foreign keys: the port's
 * contract holds for any organization, account and offering id.
 */
export const orders = sqliteTable(
  "orders",
  {
    id: text("id").primaryKey(),
    status: text("status").notNull(),
    contractModel: text("contract_model").notNull(),
    /** Exact integer cents (EUR); equals the eligibility answer's cart total. */
    totalCents: integer("total_cents").notNull(),
    deadline: integer("deadline").notNull(),
    placedAt: integer("placed_at").notNull(),
    orderedByAccountId: text("ordered_by_account_id").notNull(),
    /** The orderer's name as it was at order time. */
    orderedByName: text("ordered_by_name").notNull(),
    customerId: text("customer_id").notNull(),
    providerId: text("provider_id").notNull(),
    intermediaryId: text("intermediary_id"),
    offeringId: text("offering_id").notNull(),
    offeringVersion: integer("offering_version").notNull(),
    /** JSON `{ de, en }`. */
    offeringName: jsonText("offering_name").notNull(),
    /** JSON: the price plan as it was at order time. */
    pricePlan: jsonText("price_plan").notNull(),
    quantity: integer("quantity").notNull(),
    /** JSON object: the configured properties by key. */
    configuration: jsonText("configuration").notNull(),
    /** JSON: the eligibility answer given at order time. */
    eligibility: jsonText("eligibility").notNull(),
    belowThreshold: integer("below_threshold", { mode: "boolean" }).notNull(),
    countedValueCents: integer("counted_value_cents").notNull(),
    /** JSON array of history entries. */
    history: jsonText("history").notNull(),
    reminderSentAt: integer("reminder_sent_at")
  },
  (t) => [
    // Every list is one scope, newest first, paged by (placed_at, id): one index per scope, and one per scope
    // and status for the status filter, so a page reads `limit` index entries whatever the table's size.
    index("orders_customer_idx").on(t.customerId, t.placedAt, t.id),
    index("orders_customer_status_idx").on(t.customerId, t.status, t.placedAt, t.id),
    index("orders_orderer_idx").on(t.customerId, t.orderedByAccountId, t.placedAt, t.id),
    index("orders_provider_idx").on(t.providerId, t.placedAt, t.id),
    index("orders_provider_status_idx").on(t.providerId, t.status, t.placedAt, t.id),
    index("orders_intermediary_idx").on(t.intermediaryId, t.placedAt, t.id).where(sql`${t.intermediaryId} IS NOT NULL`),
    index("orders_intermediary_status_idx")
      .on(t.intermediaryId, t.status, t.placedAt, t.id)
      .where(sql`${t.intermediaryId} IS NOT NULL`),
    // The deadline sweeps read only orders still awaiting the decision, earliest deadline first.
    index("orders_awaiting_deadline_idx").on(t.deadline, t.id).where(awaitingDecision),
    // The anti-splitting sum reads this index alone (it covers status and value).
    index("orders_threshold_sum_idx")
      .on(t.customerId, t.offeringId, t.placedAt, t.status, t.countedValueCents)
      .where(countedBelowThreshold)
  ]
)

export type OrderRow = typeof orders.$inferSelect
