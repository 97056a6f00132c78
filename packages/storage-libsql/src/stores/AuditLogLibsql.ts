import { and, desc, eq, getTableColumns, gt, sql } from "drizzle-orm"
import { Effect, Layer, type Schema } from "effect"
import { AuditEvent, AuditLog, type ChainHead } from "../internal/core.ts"
import { whenDone } from "../internal/execute-now.ts"
import { fromJsonOrNull, toJsonOrNull } from "../internal/json.ts"
import { placeholders, prepared, preparedStatement } from "../internal/prepared.ts"
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
const appendEvent = preparedStatement((db) => db.insert(auditEvents).values(placeholders(auditEvents)))

const columns = Object.entries(getTableColumns(auditEvents)) as Array<[keyof AuditEventRow, { name: string }]>
/**
 * The event, provided the chain's newest event is still the one whose hash it links to (or, for the first
 * event, that the chain is empty): one statement where a read of the head and an insert would be two.
 */
const appendIfHead = preparedStatement(
  () =>
    sql`INSERT INTO ${auditEvents} (${sql.raw(columns.map(([, c]) => `"${c.name}"`).join(", "))}) SELECT ${sql.join(
      columns.map(([field]) => sql.placeholder(field)),
      sql`, `
    )} WHERE (SELECT ${auditEvents.hash} FROM ${auditEvents} WHERE ${auditEvents.chain} = ${sql.placeholder("chain")} ORDER BY ${auditEvents.sequence} DESC LIMIT 1) IS ${sql.placeholder("linkedTo")}`
)

/** Chains whose head this process remembers; more are forgotten at once (each costs one read to relearn). */
const rememberedChains = 10_000

/** The audit log in `audit_events`; a unique (chain, sequence) keeps concurrent appends from forking a chain. */
export const layer: Layer.Layer<AuditLog, never, LibsqlDatabase> = Layer.effect(
  AuditLog,
  Effect.gen(function* () {
    const { read, write } = yield* LibsqlDatabase
    // The head of each chain as this process last appended to it. Only a hint: the insert checks it (a
    // rolled-back append, another process or instance may have left it behind), and on a miss the head is
    // read and the event sealed again. The unique (chain, sequence) index holds the chain either way.
    const heads = new Map<string, ChainHead>()
    const remember = (event: AuditEvent) => {
      if (heads.size >= rememberedChains && !heads.has(event.chain)) heads.clear()
      heads.set(event.chain, { sequence: event.sequence, hash: event.hash })
      return event
    }
    const head = (chain: string, operation = "AuditLog.head") => read(operation, (db) => headOf(db).get({ chain }))
    const append = (event: AuditEvent, operation = "AuditLog.append") =>
      Effect.asVoid(write(operation, (db) => appendEvent(db).run(storable(auditEvents, toRow(event)))))
    return AuditLog.of({
      head: (chain) => head(chain),
      append: (event) => append(event),
      appendNext: (chain, seal) =>
        Effect.gen(function* () {
          const known = heads.get(chain)
          if (known !== undefined) {
            const event = yield* seal(known)
            const linked = yield* write("AuditLog.appendNext", (db) => {
              const row = storable(auditEvents, toRow(event))
              const linkedTo = row.sequence === 1 ? null : row.previousHash
              return whenDone(appendIfHead(db).run({ ...row, linkedTo }), (result) => result.rowsAffected === 1)
            })
            if (linked) return remember(event)
            heads.delete(chain)
          }
          const event = yield* seal(yield* head(chain, "AuditLog.appendNext"))
          yield* append(event, "AuditLog.appendNext")
          return remember(event)
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
