import { sql } from "drizzle-orm"
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core"

/**
 * `status IN (open statuses)` as a literal term: a partial index serves a query only when the query's WHERE
 * clause repeats the index's condition, and a bound parameter would not repeat it.
 */
export const openRegistration = sql.raw(
  `"registrations"."status" IN ('awaitingEmailConfirmation', 'awaitingOperatorReview')`
)

/** Registration requests (DOMAIN §2): one row for every status, the lifecycle fills the nullable columns. */
export const registrations = sqliteTable(
  "registrations",
  {
    id: text("id").primaryKey(),
    status: text("status").notNull(),
    organizationName: text("organization_name").notNull(),
    /** `normalizeOrganizationName(organization_name)`: "already registered" is decided on this column. */
    normalizedOrganizationName: text("normalized_organization_name").notNull(),
    legalForm: text("legal_form").notNull(),
    administrativeLevel: text("administrative_level").notNull(),
    federalState: text("federal_state"),
    street: text("street").notNull(),
    postalCode: text("postal_code").notNull(),
    city: text("city").notNull(),
    phone: text("phone").notNull(),
    firstName: text("first_name").notNull(),
    lastName: text("last_name").notNull(),
    /** Normalized by core's `Email` before it gets here. */
    email: text("email").notNull(),
    passwordHash: text("password_hash").notNull(),
    acceptedTermsId: text("accepted_terms_id").notNull(),
    submittedAt: integer("submitted_at").notNull(),
    confirmationDeadline: integer("confirmation_deadline").notNull(),
    confirmedAt: integer("confirmed_at"),
    decidedAt: integer("decided_at"),
    decidedBy: text("decided_by"),
    rejectionReason: text("rejection_reason"),
    organizationId: text("organization_id"),
    accountId: text("account_id"),
    expiredAt: integer("expired_at"),
    updatedAt: integer("updated_at").notNull()
  },
  (t) => [
    // At most one open registration per organization name and per email (DOMAIN §2), also under concurrent
    // submissions. The email index is created last on purpose: SQLite checks the newest index first, so a
    // registration breaking both rules is refused for its email, as core's memory store answers.
    uniqueIndex("registrations_open_organization_name_unique").on(t.normalizedOrganizationName).where(openRegistration),
    uniqueIndex("registrations_open_email_unique").on(t.email).where(openRegistration),
    // The operator's lists: by status, oldest submission first.
    index("registrations_status_submitted_idx").on(t.status, t.submittedAt, t.id),
    // The expiry sweep: unconfirmed registrations by deadline.
    index("registrations_status_deadline_idx").on(t.status, t.confirmationDeadline, t.id)
  ]
)

export type RegistrationRow = typeof registrations.$inferSelect
