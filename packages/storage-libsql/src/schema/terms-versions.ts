import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core"

/** Versions of the CSP-AGB. */
export const termsVersions = sqliteTable("terms_versions", {
  id: text("id").primaryKey(),
  version: text("version").notNull(),
  effectiveFrom: integer("effective_from").notNull(),
  url: text("url"),
  text: text("text")
})

export type TermsVersionRow = typeof termsVersions.$inferSelect
