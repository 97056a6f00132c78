import { integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core"
import { jsonText } from "./json-text.ts"

/** Append-only; each event carries the hash of the one before it in its chain (DOMAIN §11). */
export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: text("id").primaryKey(),
    chain: text("chain").notNull(),
    sequence: integer("sequence").notNull(),
    actorKind: text("actor_kind").notNull(),
    actorAccountId: text("actor_account_id"),
    action: text("action").notNull(),
    subjectType: text("subject_type").notNull(),
    subjectId: text("subject_id").notNull(),
    /** JSON, or NULL for none. */
    before: jsonText("before"),
    /** JSON, or NULL for none. */
    after: jsonText("after"),
    at: integer("at").notNull(),
    previousHash: text("previous_hash").notNull(),
    hash: text("hash").notNull()
  },
  (t) => [
    // Two writers appending to one chain cannot both take the same place: the chain never forks.
    // Every read of the log is by chain (head, list), which this index serves. No index on the subject: no
    // query asks for it, and every index costs each audited write a page at commit.
    uniqueIndex("audit_events_chain_sequence_unique").on(t.chain, t.sequence)
  ]
)

export type AuditEventRow = typeof auditEvents.$inferSelect
