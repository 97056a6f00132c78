import { type Client, createClient, type InStatement, type ResultSet, type Transaction } from "@libsql/client"
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql"
import { Clock, Context, Deferred, Duration, Effect, Exit, Layer, Semaphore } from "effect"
import { createLocalClient } from "#local-client"
import { requestsShareConnections } from "#request-isolation"
import { StorageError } from "./internal/core.ts"
import { executeOn, executesNow, isPromiseLike, whenDone } from "./internal/execute-now.ts"
import { migrate } from "./Migrator.ts"
import { referenceTables } from "./schema/reference-revision.ts"

/** A drizzle handle on the client or on the transaction in progress, with the client it runs on. */
export type Db = LibSQLDatabase<Record<string, never>> & { readonly $client: Client }

/** Where the database lives: decides which operations the adapter serializes. */
export type DatabaseKind = "memory" | "file" | "remote"

export interface LibsqlConfig {
  /** `:memory:`, `file:path.db`, `http(s)://…`, `ws(s)://…` or `libsql://…` (sqld, Turso). */
  readonly url: string
  /** For sqld with JWT authentication and for Turso. */
  readonly authToken?: string | undefined
  /** How long a local connection waits for a lock held by another process. Default 5 seconds. */
  readonly busyTimeout?: Duration.Input | undefined
  /** Apply the embedded migrations when the layer starts. Default true. */
  readonly migrate?: boolean | undefined
  /**
   * The most units of work one group commit holds; default 32, 1 turns group commit off. Always 1 on workerd,
   * where a request's I/O is its own (`#request-isolation`).
   */
  readonly maxGroupUnits?: number | undefined
}

export const kindOf = (url: string): DatabaseKind =>
  url === ":memory:" || /^file::memory:/u.test(url) || /[?&]mode=memory(&|$)/u.test(url)
    ? "memory"
    : url.startsWith("file:")
      ? "file"
      : "remote"

/** A constraint the database refused a write for, e.g. `UNIQUE constraint failed: accounts.email`. */
export interface ConstraintViolation {
  readonly kind: "unique" | "primaryKey" | "foreignKey" | "notNull" | "check" | "other"
  readonly message: string
}

const constraintKinds: ReadonlyArray<readonly [RegExp, ConstraintViolation["kind"]]> = [
  [/UNIQUE constraint failed/u, "unique"],
  [/PRIMARYKEY|PRIMARY KEY/u, "primaryKey"],
  [/FOREIGN KEY constraint failed/u, "foreignKey"],
  [/NOT NULL constraint failed/u, "notNull"],
  [/CHECK constraint failed/u, "check"]
]

/** Finds a constraint violation anywhere in a driver error's cause chain (drizzle wraps libSQL's error). */
export const constraintViolation = (error: unknown): ConstraintViolation | undefined => {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === "object" && depth < 8; depth++) {
    const { code, extendedCode, message } = e as { code?: unknown; extendedCode?: unknown; message?: unknown }
    const text = typeof message === "string" ? message : ""
    if (
      (typeof code === "string" && code.startsWith("SQLITE_CONSTRAINT")) ||
      (typeof extendedCode === "string" && extendedCode.startsWith("SQLITE_CONSTRAINT")) ||
      /constraint failed/u.test(text)
    ) {
      const kind =
        (typeof extendedCode === "string" && extendedCode === "SQLITE_CONSTRAINT_PRIMARYKEY" && "primaryKey") ||
        constraintKinds.find(([pattern]) => pattern.test(text))?.[1] ||
        "other"
      return { kind, message: text }
    }
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}

interface OpenTransaction {
  readonly tx: Transaction
  readonly db: Db
}

/**
 * The libSQL transactions the current fiber is inside, per client. Stores use the one of their client,
 * so every write of a unit of work lands in its transaction; keyed by client so two databases in one
 * program never pick up each other's transaction.
 */
export const CurrentTransactions = Context.Reference<ReadonlyMap<Client, OpenTransaction>>(
  "@cloudportal/storage-libsql/CurrentTransactions",
  { defaultValue: () => new Map() }
)

/**
 * One libSQL database: the client, and the rules every store follows to reach it.
 *
 * The database has one writer at a time, so the adapter serializes this process's writes (transactions
 * and single writing statements) with one permit instead of letting them wait inside the driver: a local
 * client blocks the event loop while SQLite waits for a lock, and a remote client has a bounded number of
 * requests in flight (20), which writers waiting on the server's lock would fill, leaving the holder no
 * request to commit with. Either way two writers would deadlock until a timeout. An in-memory database has
 * a single connection, so its reads take the permit too; file and remote reads run beside the writer.
 *
 * Write transactions that queue while one runs share the next one (group commit): the units of work one after
 * another in one transaction, one commit for all, every answer after that commit.
 */
export class LibsqlDatabase extends Context.Service<
  LibsqlDatabase,
  {
    readonly client: Client
    readonly kind: DatabaseKind
    /**
     * Runs a query in the transaction in progress, or on the client. A query answers with a promise, or at once
     * where it runs its statements synchronously (`executeOn`; the local client can).
     */
    readonly read: <A>(operation: string, query: (db: Db) => A | PromiseLike<A>) => Effect.Effect<A, StorageError>
    /**
     * The reference token: a new random value after every committed change to reference data, by whoever.
     * Inside a unit of work, the unit's own (its uncommitted changes count); outside, read once for all who ask
     * together. A failure names `operation`.
     */
    readonly referenceRevision: (operation: string) => Effect.Effect<string, StorageError>
    /**
     * A read of reference data only (the tables of `referenceTables`), remembered under `key` while the
     * reference token stays the same: one small statement instead of the query and its mapping. Inside a unit
     * of work the unit's own token decides (it moves with the unit's own writes), and what the unit reads is
     * not kept. The value is shared by every caller that asks while the token holds: core's values are
     * immutable, and arrays come back frozen.
     */
    readonly readReference: <A>(
      operation: string,
      key: string,
      query: (db: Db) => A | PromiseLike<A>
    ) => Effect.Effect<A, StorageError>
    /**
     * Runs a writing query in the transaction in progress, or alone. A constraint violation becomes the
     * error `onConstraint` names for it; every other failure a `StorageError`.
     */
    readonly write: <A, E = never>(
      operation: string,
      query: (db: Db) => A | PromiseLike<A>,
      onConstraint?: (violation: ConstraintViolation) => E | undefined
    ) => Effect.Effect<A, E | StorageError>
    /**
     * Runs the effect as one unit of work: all its writes or none, answered once they are durable. Joins the
     * unit in progress when there is one (a nested call has no rollback of its own).
     */
    readonly transaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | StorageError, R>
    /** Empties the write-ahead log into the database file (files only); call outside a transaction. */
    readonly truncateLog: Effect.Effect<void, StorageError>
  }
>()("@cloudportal/storage-libsql/LibsqlDatabase") {}

export interface DatabaseOptions {
  /** The client sets `PRAGMA secure_delete = ON` on each connection it opens (the local client does). */
  readonly secureDeleteOnConnect?: boolean | undefined
  /**
   * The most units of work one group commit holds (default 32). 1 turns group commit off: every unit is a
   * transaction of its own, as always on workerd (`#request-isolation`).
   */
  readonly maxGroupUnits?: number | undefined
}

/** Turns of the scheduler a driver waits for the clients of its last group to come back (see `drive`). */
const returnTurns = 8

/** Enough to share one fsync among the writers a busy server has waiting, few enough to bound their wait. */
const defaultMaxGroupUnits = 32

/**
 * How long a group gives its units their turns; the units still waiting then go first in the next group. On
 * a file a group of 32 takes milliseconds; over a slow link to a server each of its statements is a round
 * trip, and sqld ends a transaction that runs longer than 5 seconds (its default), failing every unit of the
 * group. One second leaves the last unit and the commit room.
 */
const groupTimeMs = 1_000

/**
 * A unit of work waiting for, running in, or finished inside a group commit. The signals are replaced when the
 * unit is queued to run again (see `runGroup`).
 */
interface Unit {
  /** By the group: the unit's turn in the transaction has come, run it; or the group failed before it. */
  turn: Deferred.Deferred<void, StorageError>
  /** By the unit: it has finished (true keeps its writes, false undoes them) or left before its turn. */
  done: Deferred.Deferred<boolean>
  /**
   * By the group: `"final"` once the unit's outcome holds (the commit that holds its writes succeeded), `"again"`
   * when the group rolled back for a group mate and queued the unit to run again; or the commit failed.
   */
  committed: Deferred.Deferred<"final" | "again", StorageError>
  /** Queued again after a group mate's failure: its next group gives every unit a savepoint. */
  again: boolean
  /** Interrupted after its work finished: it is not run again. */
  left: boolean
}

const newUnit = (): Unit => ({
  turn: Deferred.makeUnsafe(),
  done: Deferred.makeUnsafe(),
  committed: Deferred.makeUnsafe(),
  again: false,
  left: false
})

/** Builds the database service around an open client. */
export const makeDatabase = (
  client: Client,
  kind: DatabaseKind,
  options: DatabaseOptions = {}
): LibsqlDatabase["Service"] => {
  const writer = Semaphore.makeUnsafe(1)
  const serialized = Semaphore.withPermit(writer)
  const clientDb: Db = drizzle({ client })
  // A client that runs statements synchronously (the local client) does so in its transactions too.
  const transactionsExecuteNow = executesNow(client)

  // The write permit admits one transaction at a time, and a group runs its units one after another, so
  // "the open transaction" is one value. One drizzle handle for every transaction, forwarding to it, lets
  // stores prepare a query once and run it in each (`prepared`), instead of building its SQL again per call
  // and per transaction.
  let open: Transaction | undefined
  const current = (): Transaction => {
    if (open === undefined) throw new Error("no transaction of this database is open")
    return open
  }
  // The reference token as the open transaction holds it, known from a read in the transaction until a
  // statement of it may have changed reference data. `referenceWrites` counts such statements (and the
  // transaction's start, end and every rollback to a savepoint); a token read is known only if no count
  // happened between its issue and its answer. Statements of a transaction pass `inTransaction`, so none
  // escapes the count; a group's units share the transaction, so a unit that does not touch reference data
  // reads the token its group mate read.
  let referenceWrites = 0
  let transactionToken: { readonly token: string; readonly at: number } | undefined
  // Statements of the open transaction that changed something: a unit of a group that fails after one of its
  // own has left writes that only a rollback undoes (see `runGroup`). A read changes nothing, nor does a row
  // write that reports no rows (a refused or failed statement, an update that matched none).
  let changes = 0
  const noteRows = (result: ResultSet): ResultSet => {
    if (result.rowsAffected > 0) changes++
    return result
  }
  const sqlOf = (statement: InStatement) => (typeof statement === "string" ? statement : statement.sql)
  // The open transaction's statements, counted (see `referenceWrites` and `changes`); synchronously where the
  // client's transactions can run them so (`ExecuteNow`: the local client's).
  const executeCounted = (statement: InStatement) => {
    const traits = traitsOf(sqlOf(statement))
    if (traits.writesReference) referenceWrites++
    // Counted before it runs: a statement without a row count counts even when it fails.
    if (traits.changes === "other") changes++
    const result = executeOn(current(), statement)
    return traits.changes === "rows" ? whenDone(result, noteRows) : result
  }
  const inTransaction = {
    execute: async (statement: InStatement) => executeCounted(statement),
    ...(transactionsExecuteNow ? { executeNow: executeCounted as (statement: InStatement) => ResultSet } : {}),
    batch: (statements: Array<InStatement>) => {
      const traits = statements.map((statement) => traitsOf(sqlOf(statement)))
      for (const { writesReference } of traits) if (writesReference) referenceWrites++
      return current()
        .batch(statements)
        .then((results) => {
          for (const [i, result] of results.entries()) {
            const kind = traits[i]?.changes
            if (kind === "other" || (kind === "rows" && result.rowsAffected > 0)) changes++
          }
          return results
        })
    }
  }
  const transactionDb: Db = drizzle({ client: inTransaction as unknown as Client })

  // A query answers now (a local client's statements, see `ExecuteNow`) or with a promise.
  const attempt = <A, E>(
    operation: string,
    db: Db,
    query: (db: Db) => A | PromiseLike<A>,
    onConstraint?: (violation: ConstraintViolation) => E | undefined
  ): Effect.Effect<A, E | StorageError> =>
    Effect.suspend(() => {
      const failure = (cause: unknown): E | StorageError => {
        const violation = onConstraint && constraintViolation(cause)
        return (violation && onConstraint(violation)) || new StorageError({ operation, cause })
      }
      let answer: A | PromiseLike<A>
      try {
        answer = query(db)
      } catch (cause) {
        return Effect.fail(failure(cause))
      }
      return isPromiseLike(answer)
        ? Effect.tryPromise({ try: () => answer as PromiseLike<A>, catch: failure })
        : Effect.succeed(answer)
    })

  const read = <A>(operation: string, query: (db: Db) => A | PromiseLike<A>) =>
    CurrentTransactions.use((inProgress) => {
      const joined = inProgress.get(client)
      if (joined) return attempt<A, never>(operation, joined.db, query)
      const run = attempt<A, never>(operation, clientDb, query)
      return kind === "memory" ? serialized(run) : run
    })

  // Reference data, remembered against the token the triggers of migration 0003 rewrite with every change.
  // A value is kept only under the token read before it was, from a committed state (outside any unit of
  // work): if a change committed between the two reads, the token has moved on, and the next read sees that
  // and drops every value kept. Tokens are random, so none comes back for other data; a rolled-back change
  // restores its token together with its data.
  let reference: { readonly token: string; readonly values: Map<string, unknown>; size: number } | undefined
  const readToken = (operation: string) =>
    read(operation, (db) =>
      whenDone(executeOn(db.$client, referenceTokenQuery), (result) => String(result.rows[0]?.[0] ?? ""))
    )
  /** The token inside the open transaction: the one read there already while nothing may have changed it. */
  const transactionTokenFor = (operation: string) =>
    Effect.suspend(() => {
      if (transactionToken?.at === referenceWrites) return Effect.succeed(transactionToken.token)
      const at = referenceWrites
      return Effect.tap(readToken(operation), (token) =>
        Effect.sync(() => {
          if (at === referenceWrites) transactionToken = { token, at }
        })
      )
    })
  // Reads that ask for the token while a read of it waits to start share that read: it starts after every one
  // of them asked and ends before any of them answers, as a read of their own would. One turn of the
  // scheduler lets the reads a use case starts together (and other requests' reads) join.
  let tokenRead: Deferred.Deferred<string, StorageError> | undefined
  const sharedToken = Effect.suspend(() => {
    if (tokenRead !== undefined) return Deferred.await(tokenRead)
    const shared = Deferred.makeUnsafe<string, StorageError>()
    tokenRead = shared
    return Effect.uninterruptible(
      Effect.yieldNow.pipe(
        Effect.andThen(
          Effect.suspend(() => {
            tokenRead = undefined
            return Effect.exit(readToken("reference_revision"))
          })
        ),
        Effect.tap((exit) => Deferred.done(shared, exit))
      )
    ).pipe(Effect.flatten)
  })
  // The shared read's failure named for each caller's own operation.
  const sharedTokenFor = (operation: string) =>
    Effect.catchTag(sharedToken, "StorageError", ({ cause }) => Effect.fail(new StorageError({ operation, cause })))
  const referenceRevision = (operation: string) =>
    CurrentTransactions.use((inProgress) =>
      inProgress.has(client) ? transactionTokenFor(operation) : sharedTokenFor(operation)
    )

  const readReference = <A>(operation: string, key: string, query: (db: Db) => A | PromiseLike<A>) =>
    CurrentTransactions.use((inProgress) =>
      inProgress.has(client)
        ? // Inside a unit of work the token is the unit's own: the triggers rewrite it with the unit's (and its
          // group mates') uncommitted changes too. Equal to the token a value was kept under, it says no
          // reference data changed since, so the kept value is what the read would see; only values read
          // outside any unit are kept.
          Effect.flatMap(transactionTokenFor(operation), (token) => {
            const at = `${operation} ${key}`
            return reference?.token === token && reference.values.has(at)
              ? Effect.succeed(reference.values.get(at) as A)
              : read(operation, query)
          })
        : Effect.flatMap(sharedTokenFor(operation), (token) => {
            if (reference?.token !== token) reference = { token, values: new Map(), size: 0 }
            const known = reference
            const at = `${operation} ${key}`
            if (known.values.has(at)) return Effect.succeed(known.values.get(at) as A)
            return Effect.tap(read(operation, query), (value) =>
              Effect.sync(() => {
                if (reference !== known) return
                // A list counts by its length: a big organization's members weigh what they hold.
                const size = Array.isArray(value) ? Math.max(1, value.length) : 1
                if (size > referenceValuesKept) return
                if (known.size + size > referenceValuesKept) {
                  known.values.clear()
                  known.size = 0
                }
                known.values.set(at, Array.isArray(value) ? Object.freeze(value) : value)
                known.size += size
              })
            )
          })
    )

  const write = <A, E = never>(
    operation: string,
    query: (db: Db) => A | PromiseLike<A>,
    onConstraint?: (violation: ConstraintViolation) => E | undefined
  ) =>
    CurrentTransactions.use((inProgress) => {
      const joined = inProgress.get(client)
      if (joined) return attempt(operation, joined.db, query, onConstraint)
      return serialized(
        attempt(
          operation,
          clientDb,
          secureDelete === undefined
            ? query
            : async (db) => {
                await client.execute(secureDelete)
                return query(db)
              },
          onConstraint
        )
      )
    })

  // Secrets at rest: a sent mail's link token is redacted in the outbox; with secure_delete the bytes it
  // replaces are overwritten instead of lingering in freed pages. The setting belongs to the connection, and
  // @libsql/client hands out connections per transaction, so every write sets it on the one it uses, unless
  // the client sets it on every connection it opens.
  const secureDelete = kind === "file" && !options.secureDeleteOnConnect ? secureDeletePragma : undefined
  const begin = Effect.tryPromise({
    try: async () => {
      const tx = await client.transaction("write")
      if (secureDelete) await tx.execute(secureDelete)
      return tx
    },
    catch: (cause) => new StorageError({ operation: "transaction.begin", cause })
  }).pipe(
    Effect.tap((tx) =>
      Effect.sync(() => {
        open = tx
        referenceWrites++
      })
    )
  )
  const commit = (tx: Transaction) =>
    Effect.tryPromise({
      try: () => tx.commit(),
      catch: (cause) => new StorageError({ operation: "transaction.commit", cause })
    })
  const end = (tx: Transaction, exit: Exit.Exit<unknown, unknown>) =>
    (Exit.isSuccess(exit)
      ? Effect.sync(() => tx.close())
      : Effect.promise(() => tx.rollback().catch(() => undefined)).pipe(Effect.ensuring(Effect.sync(() => tx.close())))
    ).pipe(
      Effect.ensuring(
        Effect.sync(() => {
          open = undefined
          referenceWrites++
        })
      )
    )
  const control = (tx: Transaction, statement: string) =>
    Effect.tryPromise({
      try: () => {
        // A rollback to a savepoint restores the token the unit's writes replaced.
        if (statement.startsWith("ROLLBACK")) referenceWrites++
        return tx.execute(statement)
      },
      catch: (cause) => new StorageError({ operation: `transaction.${statement}`, cause })
    })

  /** One unit of work, one write transaction: the path of `maxGroupUnits: 1`. */
  const alone = <A, E, R>(effect: Effect.Effect<A, E, R>, inProgress: ReadonlyMap<Client, OpenTransaction>) =>
    serialized(
      Effect.acquireUseRelease(
        begin,
        (tx) =>
          effect.pipe(
            Effect.provideService(CurrentTransactions, new Map(inProgress).set(client, { tx, db: transactionDb })),
            Effect.tap(() => commit(tx))
          ),
        end
      )
    )

  // Group commit. The database's limit under concurrent writers is one writer and one fsync per commit (and on
  // a server a round trip for BEGIN, for COMMIT and for the unit's token read): units of work that queue while
  // a group runs are run together by the next group, one after another in one SQLite transaction, and
  // committed once. Every unit still runs in its own fiber (its services, its
  // interruption); the group only tells it when its turn has come and, after the commit, whether its writes
  // are durable. No unit hears its outcome before the commit: a later unit decided on its group mates' writes
  // (an order's anti-splitting sum, a compare-and-set), so its answer, a failure included, holds only once
  // they are committed.
  //
  // A unit that fails must leave none of its writes while its group mates keep theirs. Most units that fail
  // do so before they change a row (a rule says no, a compare-and-set or a unique index refuses the first
  // write), so a group runs its units without savepoints, which cost every unit two statements and a copy of
  // every page it changes. Only when a unit fails after it changed rows is the transaction rolled back, and
  // the whole group (the failed unit included: its failure may rest on its mates' writes) queued again ahead
  // of everything else, to run in a group that gives each unit its own savepoint, so no unit runs more than
  // twice.
  const maxGroupUnits = requestsShareConnections ? Math.max(1, options.maxGroupUnits ?? defaultMaxGroupUnits) : 1
  const queue: Array<Unit> = []
  let driving = false

  const runGroup = (units: ReadonlyArray<Unit>): Effect.Effect<void> => {
    return Effect.gen(function* () {
      const began = yield* Effect.exit(begin)
      if (Exit.isFailure(began)) {
        for (const unit of units) Deferred.doneUnsafe(unit.turn, Effect.failCause(began.cause))
        return
      }
      const tx = began.value
      const startedAt = yield* Clock.currentTimeMillis
      // A lone unit needs no savepoint: its failure rolls back the transaction. Nor does a first run.
      const savepoints = units.length > 1 && units.some((unit) => unit.again)
      const ran: Array<Unit> = []
      // Units whose turn did not come before the group's time was up: the next group's first.
      const postponed: Array<Unit> = []
      let kept = 0
      let broken: StorageError | undefined
      let rolledBack = false
      for (const unit of units) {
        if (broken !== undefined) {
          Deferred.doneUnsafe(unit.turn, Effect.fail(broken))
          continue
        }
        if (rolledBack) continue // queued again below, turn not yet given
        if (unit.left || Deferred.isDoneUnsafe(unit.done)) continue // interrupted while it waited for its turn
        if (ran.length > 0 && (yield* Clock.currentTimeMillis) - startedAt >= groupTimeMs) {
          postponed.push(unit)
          continue
        }
        if (savepoints) {
          const opened = yield* Effect.exit(control(tx, "SAVEPOINT unit"))
          if (Exit.isFailure(opened)) {
            broken = new StorageError({ operation: "transaction.savepoint", cause: opened.cause })
            Deferred.doneUnsafe(unit.turn, Effect.fail(broken))
            continue
          }
        }
        ran.push(unit)
        const changesBefore = changes
        Deferred.doneUnsafe(unit.turn, Effect.void)
        if (yield* Deferred.await(unit.done)) {
          kept++
          if (savepoints) {
            const released = yield* Effect.exit(control(tx, "RELEASE unit"))
            if (Exit.isFailure(released))
              broken = new StorageError({ operation: "transaction.release", cause: released.cause })
          }
        } else if (savepoints) {
          // The unit's writes go, its group mates' stay. A statement error that ended the whole transaction
          // (SQLite does so on a full disk, say) makes this fail, and the group with it: the drivers refuse to
          // run a statement outside the transaction, so no later unit can write in autocommit.
          const undone = yield* Effect.exit(
            Effect.andThen(control(tx, "ROLLBACK TO unit"), control(tx, "RELEASE unit"))
          )
          if (Exit.isFailure(undone))
            broken = new StorageError({ operation: "transaction.rollback_to", cause: undone.cause })
        } else if (changes !== changesBefore && units.length > 1) rolledBack = true
      }
      if (rolledBack) {
        yield* end(tx, Exit.fail(undefined))
        // Every unit still waiting runs again, first: those that ran with new signals, the rest as they are
        // (their turn was not given); not those interrupted meanwhile.
        const ranSet = new Set(ran)
        const again = units.filter((unit) =>
          ranSet.has(unit) ? !unit.left : !unit.left && !Deferred.isDoneUnsafe(unit.done)
        )
        for (const unit of again) {
          unit.again = true
          if (!ranSet.has(unit)) continue
          const previous = unit.committed
          unit.turn = Deferred.makeUnsafe()
          unit.done = Deferred.makeUnsafe()
          unit.committed = Deferred.makeUnsafe()
          Deferred.doneUnsafe(previous, Effect.succeed("again" as const))
        }
        queue.unshift(...again)
        return
      }
      const outcome: Exit.Exit<"final", StorageError> =
        broken !== undefined
          ? Exit.fail(broken)
          : kept === 0
            ? Exit.succeed("final") // nothing to keep: roll back (in `end`) instead of committing an empty transaction
            : yield* Effect.exit(Effect.as(commit(tx), "final" as const))
      yield* end(tx, broken === undefined && kept > 0 ? outcome : Exit.fail(undefined))
      for (const unit of ran) Deferred.doneUnsafe(unit.committed, outcome)
      queue.unshift(...postponed)
    }).pipe(
      // Whatever happened, no unit is left waiting.
      Effect.onExit((exit) =>
        Effect.sync(() => {
          if (Exit.isSuccess(exit)) return
          const error = new StorageError({ operation: "transaction.group", cause: exit.cause })
          for (const unit of units) {
            Deferred.doneUnsafe(unit.turn, Effect.fail(error))
            Deferred.doneUnsafe(unit.committed, Effect.fail(error))
          }
        })
      )
    )
  }

  // The queue is read and the driver stops in one synchronous step, so a unit queued meanwhile either is
  // taken by this driver or starts the next.
  const moreQueued = Effect.sync(() => {
    if (queue.length > 0) return true
    driving = false
    return false
  })
  const drive: Effect.Effect<void> = Effect.gen(function* () {
    do {
      // The queue is taken once the permit is held: units that queue while the driver waits for it join.
      let held = 0
      yield* serialized(
        Effect.suspend(() => {
          const units = queue.splice(0, maxGroupUnits)
          held = units.length
          return runGroup(units)
        })
      )
      // A local commit holds the thread while it syncs: the fibers it held up (their writes ready) are
      // runnable, not yet queued. One turn of the scheduler (no timer) lets them queue for the next group.
      yield* Effect.yieldNow
      // The clients whose answers this commit released usually come back with their next unit of work within
      // a few turns (the reads before it): while fewer units queue than the group held, wait a few more turns,
      // so that one group takes them all instead of a lone early one and then the rest. The thread does their
      // work meanwhile, and a lone client (a group of one) waits for nobody.
      for (let turn = 0; turn < returnTurns && held > 1 && queue.length < held; turn++) yield* Effect.yieldNow
    } while (yield* moreQueued)
  })

  const grouped = <A, E, R>(effect: Effect.Effect<A, E, R>, inProgress: ReadonlyMap<Client, OpenTransaction>) =>
    Effect.uninterruptibleMask((restore) =>
      Effect.gen(function* () {
        const unit = newUnit()
        queue.push(unit)
        // No timer: a lone unit starts at once; units arriving while a group runs wait for the next.
        if (!driving) {
          driving = true
          yield* Effect.forkDetach(drive, { startImmediately: true })
        }
        for (;;) {
          const turn = yield* Effect.exit(restore(Deferred.await(unit.turn)))
          if (Exit.isFailure(turn)) {
            Deferred.doneUnsafe(unit.done, Effect.succeed(false))
            return yield* Effect.failCause(turn.cause)
          }
          const exit = yield* Effect.exit(
            restore(
              Effect.provideService(
                effect,
                CurrentTransactions,
                new Map(inProgress).set(client, { tx: current(), db: transactionDb })
              )
            )
          )
          Deferred.doneUnsafe(unit.done, Effect.succeed(Exit.isSuccess(exit)))
          // Interrupted here, the unit's finished writes still commit with its group, as they would if the
          // interruption came during a COMMIT; if the group rolls back instead, the unit does not run again.
          const outcome = yield* restore(Deferred.await(unit.committed)).pipe(
            Effect.onInterrupt(() =>
              Effect.sync(() => {
                unit.left = true
              })
            )
          )
          if (outcome === "final") return yield* exit
        }
      })
    )

  const transaction = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | StorageError, R> =>
    CurrentTransactions.use((inProgress) =>
      inProgress.has(client) ? effect : maxGroupUnits === 1 ? alone(effect, inProgress) : grouped(effect, inProgress)
    )

  /**
   * Moves the write-ahead log into the database file and empties it, so that old page images (a redacted
   * token, say) do not stay in the log file. Outside any transaction; a no-op except on files.
   */
  const truncateLog = Effect.suspend(() =>
    kind === "file"
      ? serialized(
          Effect.tryPromise({
            try: () => client.execute("PRAGMA wal_checkpoint(TRUNCATE)"),
            catch: (cause) => new StorageError({ operation: "wal_checkpoint", cause })
          })
        ).pipe(Effect.asVoid)
      : Effect.void
  )

  return { client, kind, read, readReference, referenceRevision, write, transaction, truncateLog }
}

const secureDeletePragma = "PRAGMA secure_delete = ON"

/**
 * Whether a statement may change reference data, and so the token: anything but a read, a savepoint, or a
 * write whose target is a table without the token's trigger (`referenceTables`). Unknown forms count as
 * changes (a `WITH … INSERT`, DDL, a pragma).
 */
export const mayWriteReference = (sql: string): boolean => traitsOf(sql).writesReference

/** What the adapter needs to know of a statement, found once per text. */
interface StatementTraits {
  /** It may change reference data (`mayWriteReference`). */
  readonly writesReference: boolean
  /** What it may change (`changeKind`). */
  readonly changes: "read" | "rows" | "other"
}
const traitsOf = (sql: string): StatementTraits => {
  let traits = known.get(sql)
  if (traits === undefined) {
    traits = { writesReference: classify(sql), changes: changeKind(sql) }
    // Statements are few distinct texts (the stores' prepared ones); a program sending endless ones only
    // classifies again.
    if (known.size >= 1_000) known.clear()
    known.set(sql, traits)
  }
  return traits
}
const known = new Map<string, StatementTraits>()
const classify = (sql: string): boolean => {
  if (/^\s*(?:select|savepoint|release)\b/iu.test(sql)) return false
  const target = writeTarget.exec(sql)
  const table = target?.[1] ?? target?.[2] ?? target?.[3]
  return table === undefined || referenceTableNames.has(table.toLowerCase())
}
const writeTarget =
  /^\s*(?:(?:insert|replace)(?:\s+or\s+\w+)?\s+into|update(?:\s+or\s+\w+)?|delete\s+from)\s+(?:"([^"]+)"|`([^`]+)`|(\w+)\b)(?!\s*\.)/iu
const referenceTableNames: ReadonlySet<string> = new Set([...referenceTables, "reference_revision"])

/**
 * What a statement may change, by its first word: nothing (`read`), rows it counts in `rowsAffected` (`rows`:
 * INSERT, UPDATE, DELETE, REPLACE, and `WITH` before one of them or a SELECT), or what no count shows
 * (`other`: DDL, pragmas, anything else).
 */
const changeKind = (sql: string): "read" | "rows" | "other" => {
  const word = /^\s*(\w+)/u.exec(sql)?.[1]?.toLowerCase()
  return word === "select" ? "read" : word !== undefined && rowWords.has(word) ? "rows" : "other"
}
const rowWords: ReadonlySet<string> = new Set(["insert", "update", "delete", "replace", "with"])

/** Read on the client itself (no query to build): the most frequent statement of all. */
const referenceTokenQuery = "SELECT token FROM reference_revision WHERE id = 1"

/**
 * Values kept (a list counts each of its items): enough for the organizations, members and offerings a busy
 * moment reads, few enough to bound the memory; past it, everything kept is dropped and read again.
 */
const referenceValuesKept = 16_384

/** A `file:` URL naming a plain path (no query), as the path the native driver opens; otherwise undefined. */
export const localPath = (url: string): string | undefined => {
  const match = /^file:(?:\/\/(?:localhost)?(?=\/)|(?!\/\/))([^?#]+)$/iu.exec(url)
  return match?.[1] === undefined ? undefined : decodeURIComponent(match[1])
}

const execute = (client: Client, sql: string) =>
  Effect.tryPromise({ try: () => client.execute(sql), catch: (cause) => new StorageError({ operation: sql, cause }) })

/**
 * Opens the client (closed with the layer), sets WAL on files, applies the migrations unless told not to.
 * The `timeout` client option sets SQLite's busy timeout on every connection the client opens.
 */
export const layerDatabase = (config: LibsqlConfig): Layer.Layer<LibsqlDatabase, StorageError> =>
  Layer.effect(
    LibsqlDatabase,
    Effect.gen(function* () {
      const kind = kindOf(config.url)
      const busyTimeoutMs = Duration.toMillis(config.busyTimeout ?? "5 seconds")
      const path = kind === "file" ? localPath(config.url) : undefined
      // A plain file on Node: the local client, which prepares each statement once per connection.
      const local = path !== undefined && createLocalClient !== undefined
      const client = yield* Effect.acquireRelease(
        Effect.try({
          try: () =>
            local
              ? createLocalClient!({ path, busyTimeoutMs, connectionPragmas: [secureDeletePragma] })
              : createClient({
                  url: config.url,
                  ...(config.authToken === undefined ? {} : { authToken: config.authToken }),
                  timeout: busyTimeoutMs
                }),
          catch: (cause) => new StorageError({ operation: "connect", cause })
        }),
        (client) => Effect.sync(() => client.close())
      )
      // WAL is a property of the database file: set once, every later connection uses it.
      if (kind === "file") yield* execute(client, "PRAGMA journal_mode = WAL")
      if (config.migrate !== false) yield* migrate(client)
      return makeDatabase(client, kind, { secureDeleteOnConnect: local, maxGroupUnits: config.maxGroupUnits })
    })
  )
