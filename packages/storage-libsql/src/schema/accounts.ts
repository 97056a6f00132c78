import { sql } from "drizzle-orm"
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core"
import { jsonText } from "./json-text.ts"
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
    /** JSON array of role ids. */
    roleIds: jsonText("role_ids").notNull(),
    passwordHash: text("password_hash"),
    passwordResetRequired: integer("password_reset_required", { mode: "boolean" }).notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull()
  },
  (t) => [
    index("accounts_organization_idx").on(t.organizationId),
    // Exactly one main admin per organization (DOMAIN §6).
    uniqueIndex("accounts_one_main_admin_per_organization").on(t.organizationId).where(sql`${t.isMainAdmin} = 1`),
    // One live account per email; a deleted account frees its address (DOMAIN §4, §6). Created after the
    // main-admin index on purpose: SQLite checks the newest index first, so a write breaking both rules is
    // refused for its email, as core's rules (and memory store) answer. The differential test pins this.
    uniqueIndex("accounts_email_live_unique").on(t.email).where(sql`${t.status} <> 'deleted'`)
  ]
)

export type AccountRow = typeof accounts.$inferSelect
