import { integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core"
import { jsonText } from "./json-text.ts"

export const organizations = sqliteTable(
  "organizations",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** `normalizeOrganizationName(name)`: "already registered" is decided on this column. */
    normalizedName: text("normalized_name").notNull(),
    legalForm: text("legal_form").notNull(),
    administrativeLevel: text("administrative_level").notNull(),
    federalState: text("federal_state"),
    /** JSON array. */
    capabilities: jsonText("capabilities").notNull(),
    /** JSON object: „Ergänzende Angaben zur Organisation". */
    supplementary: jsonText("supplementary").notNull(),
    masterDataReviewRequired: integer("master_data_review_required", { mode: "boolean" }).notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull()
  },
  (t) => [uniqueIndex("organizations_normalized_name_unique").on(t.normalizedName)]
)

export type OrganizationRow = typeof organizations.$inferSelect
