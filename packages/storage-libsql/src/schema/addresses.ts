import { sql } from "drizzle-orm"
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core"
import { organizations } from "./organizations.ts"

export const addresses = sqliteTable(
  "addresses",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id),
    kind: text("kind").notNull(),
    street: text("street").notNull(),
    postalCode: text("postal_code").notNull(),
    city: text("city").notNull(),
    phone: text("phone"),
    leitwegId: text("leitweg_id"),
    isDefault: integer("is_default", { mode: "boolean" }).notNull()
  },
  (t) => [
    index("addresses_organization_idx").on(t.organizationId),
    // Exactly one „Standardadresse" per organization, also under concurrent writers.
    uniqueIndex("addresses_one_default_per_organization").on(t.organizationId).where(sql`${t.isDefault} = 1`)
  ]
)

export type AddressRow = typeof addresses.$inferSelect
