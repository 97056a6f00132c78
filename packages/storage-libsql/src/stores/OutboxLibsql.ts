import { and, eq, getTableColumns, lte, sql } from "drizzle-orm"
import { Effect, Layer } from "effect"
import { Notification, Outbox, OutboxMessage } from "../internal/core.ts"
import { jsonColumn } from "../internal/json.ts"
import { placeholders, preparedStatement } from "../internal/prepared.ts"
import { storable } from "../internal/text.ts"
import { fromMillis, toMillis } from "../internal/time.ts"
import { CurrentTransactions, LibsqlDatabase } from "../LibsqlDatabase.ts"
import { type OutboxMessageRow, outboxMessages } from "../schema/outbox-messages.ts"

const notification = jsonColumn(Notification, { plain: true })

export const toRow = (m: OutboxMessage): OutboxMessageRow => ({
  id: m.id,
  notification: notification.write(m.notification),
  createdAt: toMillis(m.createdAt),
  status: m.status,
  attempts: m.attempts,
  nextAttemptAt: toMillis(m.nextAttemptAt),
  lastError: m.lastError
})

export const toDomain = (r: OutboxMessageRow): OutboxMessage =>
  new OutboxMessage({
    id: r.id as OutboxMessage["id"],
    notification: notification.read(r.notification),
    createdAt: fromMillis(r.createdAt),
    status: r.status as OutboxMessage["status"],
    attempts: r.attempts,
    nextAttemptAt: fromMillis(r.nextAttemptAt),
    lastError: r.lastError
  })

const addMessage = preparedStatement((db) => db.insert(outboxMessages).values(placeholders(outboxMessages)))

/** Rows per INSERT of `addAll`: far below SQLite's limit of bound parameters (7 a row). */
const rowsPerInsert = 100
/** Multi-row INSERTs up to this many rows are prepared once per row count; use cases add a handful. */
const preparedUpTo = 16

const fields = Object.keys(getTableColumns(outboxMessages)) as Array<keyof OutboxMessageRow>
const insertsOf = new Map<number, ReturnType<typeof insertOf>>()
const insertOf = (count: number) =>
  preparedStatement((db) =>
    db
      .insert(outboxMessages)
      .values(
        Array.from(
          { length: count },
          (_, i) =>
            Object.fromEntries(fields.map((f) => [f, sql.placeholder(`${f}${i}`)])) as Record<
              keyof OutboxMessageRow,
              ReturnType<typeof sql.placeholder>
            >
        )
      )
  )
const insertMany = (count: number) => {
  let insert = insertsOf.get(count)
  if (insert === undefined) {
    insert = insertOf(count)
    insertsOf.set(count, insert)
  }
  return insert
}
const numbered = (rows: ReadonlyArray<OutboxMessageRow>): Record<string, unknown> => {
  const values: Record<string, unknown> = {}
  rows.forEach((row, i) => {
    for (const f of fields) values[`${f}${i}`] = row[f]
  })
  return values
}

/** The outbox in `outbox_messages`, written in the unit of work of the change that caused each message. */
export const layer: Layer.Layer<Outbox, never, LibsqlDatabase> = Layer.effect(
  Outbox,
  Effect.gen(function* () {
    const { read, write, truncateLog } = yield* LibsqlDatabase
    // Whether a message settled (its payload redacted) since the log was last emptied.
    let redactedSinceTruncate = false
    return Outbox.of({
      add: (message) =>
        Effect.asVoid(write("Outbox.add", (db) => addMessage(db).run(storable(outboxMessages, toRow(message))))),
      // One multi-row INSERT: rowids follow the order of the VALUES, which `due` keeps among equal instants.
      addAll: (messages) =>
        messages.length === 0
          ? Effect.void
          : Effect.asVoid(
              write("Outbox.addAll", (db): unknown => {
                const rows = messages.map((m) => storable(outboxMessages, toRow(m)))
                if (rows.length === 1) return addMessage(db).run(rows[0]!)
                if (rows.length <= preparedUpTo) return insertMany(rows.length)(db).run(numbered(rows))
                return (async () => {
                  for (let i = 0; i < rows.length; i += rowsPerInsert)
                    await db.insert(outboxMessages).values(rows.slice(i, i + rowsPerInsert))
                })()
              })
            ),
      due: (now, limit) =>
        read("Outbox.due", async (db) =>
          (
            await db
              .select()
              .from(outboxMessages)
              .where(and(eq(outboxMessages.status, "pending"), lte(outboxMessages.nextAttemptAt, toMillis(now))))
              .orderBy(outboxMessages.createdAt, sql`rowid`)
              .limit(limit)
          ).map(toDomain)
        ),
      update: (message) =>
        write("Outbox.update", async (db) => {
          const { id: _, ...changes } = toRow(message)
          await db
            .insert(outboxMessages)
            .values(storable(outboxMessages, toRow(message)))
            .onConflictDoUpdate({ target: outboxMessages.id, set: changes })
        }).pipe(
          Effect.tap(() =>
            Effect.sync(() => {
              if (message.status !== "pending") redactedSinceTruncate = true
            })
          )
        ),
      // The redacted payloads' old page images, tokens included, linger in the log file until it is emptied.
      purgeSettled: Effect.suspend(() =>
        redactedSinceTruncate
          ? CurrentTransactions.use((open) =>
              open.size === 0
                ? truncateLog.pipe(Effect.tap(() => Effect.sync(() => (redactedSinceTruncate = false))))
                : Effect.void
            )
          : Effect.void
      ),
      get: (id) =>
        read("Outbox.get", async (db) => {
          const [row] = await db.select().from(outboxMessages).where(eq(outboxMessages.id, id))
          return row && toDomain(row)
        })
    })
  })
)
