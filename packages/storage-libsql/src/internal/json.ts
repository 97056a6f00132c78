import { Schema } from "effect"

/**
 * JSON columns hold JSON text written and read by the mappers themselves: drizzle's JSON mode inspects
 * the values it is given and fails on objects without a prototype, which decoded data may contain.
 */
export const toJson = (value: unknown): string => JSON.stringify(value)
export const fromJson = (text: string): unknown => JSON.parse(text)
export const toJsonOrNull = (value: unknown): string | null => (value === null ? null : JSON.stringify(value))
export const fromJsonOrNull = (text: string | null): unknown => (text === null ? null : JSON.parse(text))

interface JsonColumn<T> {
  readonly write: (value: T) => string
  readonly read: (text: string) => T
}

/**
 * How values are encoded for writing: what is written comes from core, whose constructors and decoders have
 * checked it, so writing checks the structure the text needs, not the refinements again. Reading checks
 * everything (a hand-edited row).
 */
const writeOptions = { disableChecks: true } as const

/** Enough for the offering versions and orders of a busy moment; a miss only decodes again. */
const readsKept = 128

/**
 * How a column writes: through the schema's JSON codec, by `JSON.stringify` (`true`), or by `JSON.stringify`
 * unless the value holds a number JSON cannot (`"finite"`, see `jsonColumn`).
 */
type Plain = false | true | "finite"

/**
 * One column codec per schema and way of writing: columns of one schema (an order's eligibility answer and its
 * folder's) share it.
 */
const columns = new Map<Plain, WeakMap<object, JsonColumn<unknown>>>([
  [false, new WeakMap()],
  [true, new WeakMap()],
  ["finite", new WeakMap()]
])

/**
 * Every plain column (`jsonColumn(schema, { plain })`) by its schema, for `test/json-columns.test.ts`, which holds
 * each column's writes to the text the codec would write.
 */
export const plainColumns = new Map<Schema.Top, JsonColumn<unknown>>()

// `JSON.stringify` writes NaN and ±Infinity as null; the replacer notes whether it met one.
let metNonFinite = false
const noteNonFinite = (_key: string, value: unknown): unknown => {
  if (typeof value === "number" && !Number.isFinite(value)) metNonFinite = true
  return value
}
/**
 * The value's JSON, or undefined when it holds a number JSON cannot. Such a number is written as `null`, so
 * JSON without that word holds none; only JSON with it is written again with the replacer, which slows
 * `JSON.stringify` down for every node it visits.
 */
const stringifyFinite = (value: unknown): string | undefined => {
  const text = JSON.stringify(value)
  if (!text.includes("null")) return text
  metNonFinite = false
  JSON.stringify(value, noteNonFinite)
  return metNonFinite ? undefined : text
}

/**
 * A JSON column of a core schema, through the schema's JSON codec: instants, money and other classes come
 * back as the values core made, and numbers JSON cannot hold (NaN, ±Infinity) survive.
 *
 * `plain: true`: `JSON.stringify` writes the schema's values as the codec would (structs, arrays, strings,
 * finite numbers, instants, Schema classes of these), so a value is written without the codec's walk over it,
 * which cost about as much as the statement. `plain: "finite"`: the same for a schema whose numbers may be NaN
 * or infinite (a configuration): a value holding one is written through the codec, every other by
 * `JSON.stringify`.
 * Reading always decodes through the codec. Every plain column is held to the codec by a property test with
 * generated values.
 *
 * Core's values are immutable, so the text of the value a column wrote last is kept: an order's eligibility
 * answer is written with the order and, right after, with its contract folder (a table of values keyed
 * weakly by each value written would cost every write more than the one repeat saves). The value of a text
 * recently read is kept by the text (every order reads its offering version). Encoding and decoding through
 * the schema cost more than the statement that writes or reads them.
 */
export const jsonColumn = <T, E>(schema: Schema.Codec<T, E>, options?: { readonly plain?: Plain }): JsonColumn<T> => {
  const plain = options?.plain ?? false
  const kept = columns.get(plain) as WeakMap<object, JsonColumn<unknown>>
  const known = kept.get(schema)
  if (known) return known as JsonColumn<T>
  const codec = Schema.toCodecJson(schema)
  const encodeValue = Schema.encodeSync(codec)
  const viaCodec = (value: T): string => JSON.stringify(encodeValue(value, writeOptions))
  const stringify =
    plain === true
      ? (value: T): string => JSON.stringify(value)
      : plain === "finite"
        ? (value: T): string => stringifyFinite(value) ?? viaCodec(value)
        : viaCodec
  const decode = Schema.decodeUnknownSync(codec)
  let lastWritten: { readonly value: T; readonly text: string } | undefined
  const read = new Map<string, T>()
  const column: JsonColumn<T> = {
    write: (value) => {
      if (typeof value !== "object" || value === null) return stringify(value)
      if (lastWritten?.value === value) return lastWritten.text
      const text = stringify(value)
      lastWritten = { value, text }
      return text
    },
    read: (text) => {
      const remembered = read.get(text)
      if (remembered !== undefined) return remembered
      const value = decode(JSON.parse(text))
      if (read.size >= readsKept) read.clear()
      read.set(text, value)
      return value
    }
  }
  kept.set(schema, column as JsonColumn<unknown>)
  if (plain !== false) plainColumns.set(schema, column as JsonColumn<unknown>)
  return column
}
