import { integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core"
import { jsonText } from "./json-text.ts"
import { organizations } from "./organizations.ts"

export const roles = sqliteTable(
  "roles",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id),
    name: text("name").notNull(),
    /** `normalizeRoleName(name)`: role names are unique per organization in this form. */
    normalizedName: text("normalized_name").notNull(),
    /** JSON array of permission keys. */
    permissions: jsonText("permissions").notNull(),
    builtIn: integer("built_in", { mode: "boolean" }).notNull()
  },
  (t) => [uniqueIndex("roles_name_per_organization_unique").on(t.organizationId, t.normalizedName)]
)

export type RoleRow = typeof roles.$inferSelect
