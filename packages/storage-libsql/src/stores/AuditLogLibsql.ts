import { and, desc, eq, gt, sql } from "drizzle-orm"
import { Effect, Layer, type Schema } from "effect"
import { AuditEvent, AuditLog } from "../internal/core.ts"
import { fromJsonOrNull, toJsonOrNull } from "../internal/json.ts"
import { placeholders, prepared } from "../internal/prepared.ts"
import { storable } from "../internal/text.ts"
import { fromMillis, toMillis } from "../internal/time.ts"
import { LibsqlDatabase } from "../LibsqlDatabase.ts"
import { type AuditEventRow, auditEvents } from "../schema/audit-events.ts"

export const toRow = (e: AuditEvent): AuditEventRow => ({
  id: e.id,
  chain: e.chain,
  sequence: e.sequence,
  actorKind: e.actor.kind,
  actorAccountId: e.actor.accountId,
  action: e.action,
  subjectType: e.subject.type,
  subjectId: e.subject.id,
  before: toJsonOrNull(e.before),
  after: toJsonOrNull(e.after),
  at: toMillis(e.at),
  previousHash: e.previousHash,
  hash: e.hash
})

export const toDomain = (r: AuditEventRow): AuditEvent =>
  new AuditEvent({
    id: r.id as AuditEvent["id"],
    chain: r.chain,
    sequence: r.sequence,
    actor: { kind: r.actorKind, accountId: r.actorAccountId },
    action: r.action,
    subject: { type: r.subjectType, id: r.subjectId },
    before: fromJsonOrNull(r.before) as Schema.Json | null,
    after: fromJsonOrNull(r.after) as Schema.Json | null,
    at: fromMillis(r.at),
    previousHash: r.previousHash,
    hash: r.hash
  })

const headOf = prepared((db) =>
  db
    .select({ sequence: auditEvents.sequence, hash: auditEvents.hash })
    .from(auditEvents)
    .where(eq(auditEvents.chain, sql.placeholder("chain")))
    .orderBy(desc(auditEvents.sequence))
    .limit(1)
    .prepare()
)
const appendEvent = prepared((db) => db.insert(auditEvents).values(placeholders(auditEvents)).prepare())

/** The audit log in `audit_events`; a unique (chain, sequence) keeps concurrent appends from forking a chain. */
export const layer: Layer.Layer<AuditLog, never, LibsqlDatabase> = Layer.effect(
  AuditLog,
  Effect.gen(function* () {
    const { read, write } = yield* LibsqlDatabase
    return AuditLog.of({
      head: (chain) => read("AuditLog.head", (db) => headOf(db).get({ chain })),
      append: (event) =>
        write("AuditLog.append", async (db) => {
          await appendEvent(db).run(storable(auditEvents, toRow(event)))
        }),
      list: (chain, { afterSequence, limit }) =>
        read("AuditLog.list", async (db) =>
          (
            await db
              .select()
              .from(auditEvents)
              .where(and(eq(auditEvents.chain, chain), gt(auditEvents.sequence, afterSequence)))
              .orderBy(auditEvents.sequence)
              .limit(limit)
          ).map(toDomain)
        )
    })
  })
)
