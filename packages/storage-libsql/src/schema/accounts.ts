import { sql } from "drizzle-orm"
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core"
import { organizations } from "./organizations.ts"

export const accounts = sqliteTable(
  "accounts",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull(),
    organizationId: text("organization_id").references(() => organizations.id),
    /** Normalized (NFKC, trimmed, lower-cased) by core's `Email` before it gets here. */
    email: text("email").notNull(),
    firstName: text("first_name").notNull(),
    lastName: text("last_name").notNull(),
    status: text("status").notNull(),
    isMainAdmin: integer("is_main_admin", { mode: "boolean" }).notNull(),
    roleIds: text("role_ids", { mode: "json" }).$type<ReadonlyArray<string>>().notNull(),
    passwordHash: text("password_hash"),
    passwordResetRequired: integer("password_reset_required", { mode: "boolean" }).notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull()
  },
  (t) => [
    index("accounts_organization_idx").on(t.organizationId),
    // One live account per email; a deleted account frees its address (DOMAIN §4, §6).
    uniqueIndex("accounts_email_live_unique").on(t.email).where(sql`${t.status} <> 'deleted'`),
    // Exactly one main admin per organization (DOMAIN §6).
    uniqueIndex("accounts_one_main_admin_per_organization").on(t.organizationId).where(sql`${t.isMainAdmin} = 1`)
  ]
)

export type AccountRow = typeof accounts.$inferSelect
