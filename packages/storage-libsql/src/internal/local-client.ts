import type {
  Client,
  InArgs,
  InStatement,
  InValue,
  Replicated,
  ResultSet,
  Row,
  Transaction,
  TransactionMode,
  Value
} from "@libsql/client"
import { LibsqlError } from "@libsql/client"
import Database from "libsql"
import type { ExecuteNow } from "./execute-now.ts"

/**
 * A `Client` for a local database file with a statement cache per connection.
 *
 * @libsql/client's local client prepares every statement anew: on a unit of work such as placing an order
 * (some twenty statements) SQLite's parser and the driver's column lookups cost more than running the
 * statements. This client keeps each connection's prepared statements by SQL text, and otherwise behaves as
 * @libsql/client's (same `ResultSet` shape, same errors as `LibsqlError`, integers as numbers, a pool of
 * connections of which a transaction holds one until it settles, `BEGIN IMMEDIATE` for write transactions).
 * Statements that change the schema clear the caches, and SQLite re-prepares a cached statement by itself
 * when another connection changed the schema.
 *
 * Node only: it loads the native driver. `#local-client` resolves to `local-client-none.ts` on workerd and
 * in browsers, which have no files.
 */
export interface LocalClientOptions {
  /** A path, as `file:` URLs name it (`file:data.db` → `data.db`). */
  readonly path: string
  /** SQLite's busy timeout on every connection, in milliseconds. */
  readonly busyTimeoutMs: number
  /** Pragmas run once on every new connection (connection settings such as `secure_delete`). */
  readonly connectionPragmas?: ReadonlyArray<string> | undefined
}

type Statement = Database.Statement<Array<unknown>>

interface Prepared {
  readonly statement: Statement
  /** Column names and declared types of a statement returning rows; undefined for one that does not. */
  readonly columns: ReadonlyArray<string> | undefined
  readonly columnTypes: ReadonlyArray<string>
}

/** Enough for every query of the adapter; a program sending endless distinct SQL only re-prepares. */
const cacheLimit = 500

const schemaChange = /^\s*(create|drop|alter)\b/iu

/** Counts the schema changes made through one client, so every connection drops its statements after one. */
interface SchemaGeneration {
  value: number
}

class Connection {
  readonly db: Database.Database
  private readonly cache = new Map<string, Prepared>()
  private generation: number

  constructor(
    options: LocalClientOptions,
    private readonly schema: SchemaGeneration
  ) {
    this.db = new Database(options.path, { timeout: options.busyTimeoutMs })
    this.generation = schema.value
    for (const pragma of options.connectionPragmas ?? []) this.db.exec(pragma)
  }

  schemaChanged(): void {
    this.schema.value++
  }

  forget(sql: string): void {
    this.cache.delete(sql)
  }

  prepare(sql: string): Prepared {
    if (this.generation !== this.schema.value) {
      this.cache.clear()
      this.generation = this.schema.value
    }
    const cached = this.cache.get(sql)
    if (cached) return cached
    const statement = this.db.prepare(sql) as Statement
    statement.safeIntegers(true)
    let prepared: Prepared
    if (statement.reader) {
      statement.raw(true)
      const definitions = statement.columns()
      prepared = {
        statement,
        columns: definitions.map((c) => c.name),
        columnTypes: definitions.map((c) => c.type ?? "")
      }
    } else prepared = { statement, columns: undefined, columnTypes: [] }
    // Transaction control and pragmas are cheap to prepare and some (BEGIN, PRAGMA with a value) vary.
    if (!schemaChange.test(sql) && !/^\s*(begin|commit|rollback|pragma)\b/iu.test(sql)) {
      if (this.cache.size >= cacheLimit) this.cache.clear()
      this.cache.set(sql, prepared)
    }
    return prepared
  }

  close(): void {
    this.cache.clear()
    if (this.db.open) this.db.close()
  }
}

const minSafe = BigInt(Number.MIN_SAFE_INTEGER)
const maxSafe = BigInt(Number.MAX_SAFE_INTEGER)
const minInteger = -9223372036854775808n
const maxInteger = 9223372036854775807n

const toSql = (value: InValue): unknown => {
  if (typeof value === "number") {
    if (!Number.isFinite(value))
      throw new RangeError("Only finite numbers (not Infinity or NaN) can be passed as arguments")
    return value
  }
  if (typeof value === "bigint") {
    if (value < minInteger || value > maxInteger)
      throw new RangeError("bigint is too large to be represented as a 64-bit integer and passed as argument")
    return value
  }
  if (typeof value === "boolean") return value ? 1 : 0
  if (value instanceof ArrayBuffer) return Buffer.from(value)
  if (value instanceof Date) return value.valueOf()
  if (value === undefined) throw new TypeError("undefined cannot be passed as argument to the database")
  return value
}

const fromSql = (value: unknown): Value => {
  if (typeof value === "bigint") {
    if (value < minSafe || value > maxSafe)
      throw new RangeError("Received integer which cannot be safely represented as a JavaScript number")
    return Number(value)
  }
  if (value instanceof Buffer) return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength)
  return value as Value
}

const argsOf = (args: InArgs | undefined): Array<unknown> | Record<string, unknown> => {
  if (args === undefined) return []
  if (Array.isArray(args)) return args.map(toSql)
  const named: Record<string, unknown> = {}
  for (const name in args) {
    const bare = name[0] === "@" || name[0] === "$" || name[0] === ":" ? name.substring(1) : name
    named[bare] = toSql((args as Record<string, InValue>)[name] as InValue)
  }
  return named
}

/** A row as @libsql/client builds it: values by index (not enumerable) and by column name. */
const rowOf = (values: ReadonlyArray<unknown>, columns: ReadonlyArray<string>): Row => {
  const row: Record<string | number, Value> = {}
  Object.defineProperty(row, "length", { value: values.length })
  for (let i = 0; i < values.length; i++) {
    const value = fromSql(values[i])
    Object.defineProperty(row, i, { value })
    const column = columns[i] as string
    if (!Object.hasOwn(row, column))
      Object.defineProperty(row, column, { value, enumerable: true, configurable: true, writable: true })
  }
  return row as unknown as Row
}

const resultSet = (
  columns: Array<string>,
  columnTypes: Array<string>,
  rows: Array<Row>,
  rowsAffected: number,
  lastInsertRowid: bigint | undefined
): ResultSet => ({
  columns,
  columnTypes,
  rows,
  rowsAffected,
  lastInsertRowid,
  toJSON: () => ({
    columns,
    columnTypes,
    rows: rows.map((r) =>
      Array.prototype.map.call(r, (v: unknown) =>
        typeof v === "bigint" ? `${v}` : v instanceof ArrayBuffer ? Buffer.from(v).toString("base64") : v
      )
    ),
    rowsAffected,
    lastInsertRowid: lastInsertRowid === undefined ? null : `${lastInsertRowid}`
  })
})

const sqliteCodes: Record<number, string> = {
  1: "SQLITE_ERROR",
  2: "SQLITE_INTERNAL",
  3: "SQLITE_PERM",
  4: "SQLITE_ABORT",
  5: "SQLITE_BUSY",
  6: "SQLITE_LOCKED",
  7: "SQLITE_NOMEM",
  8: "SQLITE_READONLY",
  9: "SQLITE_INTERRUPT",
  10: "SQLITE_IOERR",
  11: "SQLITE_CORRUPT",
  12: "SQLITE_NOTFOUND",
  13: "SQLITE_FULL",
  14: "SQLITE_CANTOPEN",
  15: "SQLITE_PROTOCOL",
  16: "SQLITE_EMPTY",
  17: "SQLITE_SCHEMA",
  18: "SQLITE_TOOBIG",
  19: "SQLITE_CONSTRAINT",
  20: "SQLITE_MISMATCH",
  21: "SQLITE_MISUSE",
  22: "SQLITE_NOLFS",
  23: "SQLITE_AUTH",
  24: "SQLITE_FORMAT",
  25: "SQLITE_RANGE",
  26: "SQLITE_NOTADB",
  27: "SQLITE_NOTICE",
  28: "SQLITE_WARNING"
}

/** The driver's error as @libsql/client reports it: base code, extended code, raw code, the cause. */
const libsqlError = (e: unknown): unknown => {
  if (!(e instanceof Database.SqliteError)) return e
  const raw = (e as { rawCode?: number }).rawCode
  const base = raw === undefined ? "SQLITE_UNKNOWN" : (sqliteCodes[raw & 0xff] ?? `SQLITE_UNKNOWN_${raw & 0xff}`)
  return new LibsqlError(e.message, base, e.code, raw, e)
}

const run = (connection: Connection, statement: InStatement): ResultSet => {
  const sql = typeof statement === "string" ? statement : statement.sql
  const args = typeof statement === "string" ? [] : argsOf(statement.args)
  try {
    if (schemaChange.test(sql)) connection.schemaChanged()
    const { statement: prepared, columns, columnTypes } = connection.prepare(sql)
    if (columns !== undefined) {
      const values = prepared.all(args) as Array<ReadonlyArray<unknown>>
      // Another process changed the table under a cached `SELECT *`: SQLite re-prepared the statement, so
      // its columns are no longer the ones cached. Prepare it again and ask once more.
      if (values.length > 0 && values[0]?.length !== columns.length) {
        connection.forget(sql)
        return run(connection, statement)
      }
      const rows = values.map((v) => rowOf(v, columns))
      return resultSet([...columns], [...columnTypes], rows, 0, undefined)
    }
    const info = prepared.run(args)
    return resultSet([], [], [], info.changes, BigInt(info.lastInsertRowid))
  } catch (e) {
    throw libsqlError(e)
  }
}

const beginStatement = (mode: TransactionMode): string => {
  switch (mode) {
    case "write":
      return "BEGIN IMMEDIATE"
    case "read":
      return "BEGIN TRANSACTION READONLY"
    case "deferred":
      return "BEGIN DEFERRED"
  }
  throw new RangeError('Unknown transaction mode, supported values are "write", "read" and "deferred"')
}

const closedError = () => new LibsqlError("The client is closed", "CLIENT_CLOSED")

class LocalTransaction implements Transaction, ExecuteNow {
  constructor(
    private connection: Connection | undefined,
    private readonly release: (connection: Connection) => void
  ) {}

  private open(): Connection {
    const c = this.connection
    if (c === undefined || !c.db.open || !c.db.inTransaction)
      throw new LibsqlError("The transaction is closed", "TRANSACTION_CLOSED")
    return c
  }

  private settle(): void {
    const c = this.connection
    if (c === undefined) return
    this.connection = undefined
    this.release(c)
  }

  async execute(statement: InStatement): Promise<ResultSet> {
    return run(this.open(), statement)
  }

  executeNow(statement: InStatement): ResultSet {
    return run(this.open(), statement)
  }

  async batch(statements: Array<InStatement>): Promise<Array<ResultSet>> {
    return statements.map((s) => run(this.open(), s))
  }

  async executeMultiple(sql: string): Promise<void> {
    const c = this.open()
    c.schemaChanged()
    try {
      c.db.exec(sql)
    } catch (e) {
      throw libsqlError(e)
    }
  }

  async rollback(): Promise<void> {
    const c = this.connection
    try {
      if (c?.db.open && c.db.inTransaction) run(c, "ROLLBACK")
    } finally {
      this.settle()
    }
  }

  async commit(): Promise<void> {
    try {
      run(this.open(), "COMMIT")
    } finally {
      this.settle()
    }
  }

  close(): void {
    const c = this.connection
    try {
      if (c?.db.open && c.db.inTransaction) run(c, "ROLLBACK")
    } finally {
      this.settle()
    }
  }

  get closed(): boolean {
    const c = this.connection
    return c === undefined || !c.db.open || !c.db.inTransaction
  }
}

class LocalClient implements Client, ExecuteNow {
  private idle: Array<Connection> = []
  private readonly schema: SchemaGeneration = { value: 0 }
  private readonly borrowed = new Set<Connection>()
  closed = false
  readonly protocol = "file"

  constructor(private readonly options: LocalClientOptions) {
    // Fail fast if the database cannot be opened at all, as @libsql/client does.
    this.withConnection((c) => run(c, "SELECT 1"))
  }

  private acquire(): Connection {
    if (this.closed) throw closedError()
    const connection = this.idle.pop() ?? new Connection(this.options, this.schema)
    this.borrowed.add(connection)
    return connection
  }

  private readonly release = (connection: Connection): void => {
    this.borrowed.delete(connection)
    if (connection.db.open && connection.db.inTransaction) {
      // Never hand a connection on in the middle of a transaction.
      try {
        connection.db.exec("ROLLBACK")
      } catch {
        connection.close()
        return
      }
    }
    if (this.closed || !connection.db.open) connection.close()
    else this.idle.push(connection)
  }

  private withConnection<A>(use: (connection: Connection) => A): A {
    const connection = this.acquire()
    try {
      return use(connection)
    } finally {
      this.release(connection)
    }
  }

  async execute(statementOrSql: InStatement | string, args?: InArgs): Promise<ResultSet> {
    const statement: InStatement =
      typeof statementOrSql === "string" ? { sql: statementOrSql, args: args ?? [] } : statementOrSql
    return this.withConnection((c) => run(c, statement))
  }

  executeNow(statement: InStatement): ResultSet {
    return this.withConnection((c) => run(c, statement))
  }

  async batch(statements: Array<InStatement | [string, InArgs?]>, mode: TransactionMode = "deferred") {
    return this.withConnection((c) => {
      run(c, beginStatement(mode))
      const results = statements.map((s) => run(c, Array.isArray(s) ? { sql: s[0], args: s[1] ?? [] } : s))
      run(c, "COMMIT")
      return results
    })
  }

  async migrate(statements: Array<InStatement>): Promise<Array<ResultSet>> {
    return this.withConnection((c) => {
      run(c, "PRAGMA foreign_keys=off")
      try {
        run(c, beginStatement("deferred"))
        const results = statements.map((s) => run(c, s))
        run(c, "COMMIT")
        return results
      } finally {
        if (c.db.inTransaction) run(c, "ROLLBACK")
        run(c, "PRAGMA foreign_keys=on")
      }
    })
  }

  async transaction(mode: TransactionMode = "write"): Promise<Transaction> {
    const connection = this.acquire()
    try {
      run(connection, beginStatement(mode))
    } catch (e) {
      this.release(connection)
      throw e
    }
    return new LocalTransaction(connection, this.release)
  }

  async executeMultiple(sql: string): Promise<void> {
    this.withConnection((c) => {
      c.schemaChanged()
      try {
        c.db.exec(sql)
      } catch (e) {
        throw libsqlError(e)
      }
    })
  }

  async sync(): Promise<Replicated> {
    throw new LibsqlError("sync is for embedded replicas; this is a plain local database", "SYNC_NOT_SUPPORTED")
  }

  async reconnect(): Promise<void> {
    this.close()
    this.closed = false
  }

  close(): void {
    this.closed = true
    for (const c of this.idle) c.close()
    for (const c of this.borrowed) c.close()
    this.idle = []
    this.borrowed.clear()
  }
}

/** A local database file behind a `Client` that prepares each statement once per connection. */
export const createLocalClient: ((options: LocalClientOptions) => Client) | undefined = (options) =>
  new LocalClient(options)
