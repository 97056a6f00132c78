import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core"

/**
 * „Inhousefähigkeit": control edges as organizations declared them (DOMAIN §7). Append-only: ending a
 * declaration fills `ended_*` and moves `valid_until` once (compare-and-set on `ended_at IS NULL`). No foreign
 * keys to organizations: the port's contract holds for any organization id, as core's memory store does.
 */
export const inhouseDeclarations = sqliteTable(
  "inhouse_declarations",
  {
    id: text("id").primaryKey(),
    controller: text("controller").notNull(),
    controlled: text("controlled").notNull(),
    joint: integer("joint", { mode: "boolean" }).notNull(),
    evidence: text("evidence").notNull(),
    validFrom: integer("valid_from").notNull(),
    validUntil: integer("valid_until"),
    declaredByOrganizationId: text("declared_by_organization_id").notNull(),
    declaredByAccountId: text("declared_by_account_id").notNull(),
    declaredAt: integer("declared_at").notNull(),
    endedAt: integer("ended_at"),
    endedByAccountId: text("ended_by_account_id")
  },
  (t) => [index("inhouse_declarations_declarant_idx").on(t.declaredByOrganizationId, t.declaredAt, t.id)]
)

export type InhouseDeclarationRow = typeof inhouseDeclarations.$inferSelect
