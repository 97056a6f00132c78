import { type Client, createClient, type InStatement, type Transaction } from "@libsql/client"
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql"
import { Context, Duration, Effect, Exit, Layer, Semaphore } from "effect"
import { createLocalClient } from "#local-client"
import { StorageError } from "./internal/core.ts"
import { migrate } from "./Migrator.ts"

/** A drizzle handle on the client or on the transaction in progress. */
export type Db = LibSQLDatabase<Record<string, never>>

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
 */
export class LibsqlDatabase extends Context.Service<
  LibsqlDatabase,
  {
    readonly client: Client
    readonly kind: DatabaseKind
    /** Runs a query in the transaction in progress, or on the client. */
    readonly read: <A>(operation: string, query: (db: Db) => PromiseLike<A>) => Effect.Effect<A, StorageError>
    /**
     * Runs a writing query in the transaction in progress, or alone. A constraint violation becomes the
     * error `onConstraint` names for it; every other failure a `StorageError`.
     */
    readonly write: <A, E = never>(
      operation: string,
      query: (db: Db) => PromiseLike<A>,
      onConstraint?: (violation: ConstraintViolation) => E | undefined
    ) => Effect.Effect<A, E | StorageError>
    /** Runs the effect in one write transaction, or joins the one in progress. */
    readonly transaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | StorageError, R>
    /** Empties the write-ahead log into the database file (files only); call outside a transaction. */
    readonly truncateLog: Effect.Effect<void, StorageError>
  }
>()("@cloudportal/storage-libsql/LibsqlDatabase") {}

export interface DatabaseOptions {
  /** The client sets `PRAGMA secure_delete = ON` on each connection it opens (the local client does). */
  readonly secureDeleteOnConnect?: boolean | undefined
}

/** Builds the database service around an open client. */
export const makeDatabase = (
  client: Client,
  kind: DatabaseKind,
  options: DatabaseOptions = {}
): LibsqlDatabase["Service"] => {
  const writer = Semaphore.makeUnsafe(1)
  const serialized = Semaphore.withPermit(writer)
  const clientDb: Db = drizzle({ client })

  // The write permit admits one transaction at a time, so "the open transaction" is one value. One drizzle
  // handle for every transaction, forwarding to it, lets stores prepare a query once and run it in each
  // (`prepared`), instead of building its SQL again per call and per transaction.
  let open: Transaction | undefined
  const current = (): Transaction => {
    if (open === undefined) throw new Error("no transaction of this database is open")
    return open
  }
  const inTransaction = {
    execute: (statement: InStatement) => current().execute(statement),
    batch: (statements: Array<InStatement>) => current().batch(statements)
  }
  const transactionDb: Db = drizzle({ client: inTransaction as unknown as Client })

  const attempt = <A, E>(
    operation: string,
    db: Db,
    query: (db: Db) => PromiseLike<A>,
    onConstraint?: (violation: ConstraintViolation) => E | undefined
  ): Effect.Effect<A, E | StorageError> =>
    Effect.tryPromise({
      try: () => query(db),
      catch: (cause): E | StorageError => {
        const violation = onConstraint && constraintViolation(cause)
        return (violation && onConstraint(violation)) || new StorageError({ operation, cause })
      }
    })

  const read = <A>(operation: string, query: (db: Db) => PromiseLike<A>) =>
    CurrentTransactions.use((inProgress) => {
      const joined = inProgress.get(client)
      if (joined) return attempt<A, never>(operation, joined.db, query)
      const run = attempt<A, never>(operation, clientDb, query)
      return kind === "memory" ? serialized(run) : run
    })

  const write = <A, E = never>(
    operation: string,
    query: (db: Db) => PromiseLike<A>,
    onConstraint?: (violation: ConstraintViolation) => E | undefined
  ) =>
    CurrentTransactions.use((inProgress) => {
      const joined = inProgress.get(client)
      if (joined) return attempt(operation, joined.db, query, onConstraint)
      return serialized(
        attempt(
          operation,
          clientDb,
          async (db) => {
            if (secureDelete) await client.execute(secureDelete)
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
  }).pipe(Effect.tap((tx) => Effect.sync(() => (open = tx))))
  const commit = (tx: Transaction) =>
    Effect.tryPromise({
      try: () => tx.commit(),
      catch: (cause) => new StorageError({ operation: "transaction.commit", cause })
    })
  const end = (tx: Transaction, exit: Exit.Exit<unknown, unknown>) =>
    (Exit.isSuccess(exit)
      ? Effect.sync(() => tx.close())
      : Effect.promise(() => tx.rollback().catch(() => undefined)).pipe(Effect.ensuring(Effect.sync(() => tx.close())))
    ).pipe(Effect.ensuring(Effect.sync(() => (open = undefined))))

  const transaction = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | StorageError, R> =>
    CurrentTransactions.use((inProgress) => {
      if (inProgress.has(client)) return effect
      const run = Effect.acquireUseRelease(
        begin,
        (tx) =>
          effect.pipe(
            Effect.provideService(CurrentTransactions, new Map(inProgress).set(client, { tx, db: transactionDb })),
            Effect.tap(() => commit(tx))
          ),
        end
      )
      return serialized(run)
    })

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

  return { client, kind, read, write, transaction, truncateLog }
}

const secureDeletePragma = "PRAGMA secure_delete = ON"

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
      return makeDatabase(client, kind, { secureDeleteOnConnect: local })
    })
  )
