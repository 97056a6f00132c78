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
 * One column codec per schema and way of writing: columns of one schema (an order's eligibility answer and its
 * folder's) share it.
 */
const columns = { plain: new WeakMap<object, JsonColumn<unknown>>(), codec: new WeakMap<object, JsonColumn<unknown>>() }

/**
 * The schemas of plain columns (`jsonColumn(schema, { plain: true })`), for `test/json-columns.test.ts`, which
 * holds each to writing what the codec would.
 */
export const plainSchemas = new Set<Schema.Top>()

/**
 * A JSON column of a core schema, through the schema's JSON codec: instants, money and other classes come
 * back as the values core made, and numbers JSON cannot hold (NaN, ±Infinity) survive.
 *
 * `plain`: `JSON.stringify` writes the schema's values as the codec would (structs, arrays, strings, finite
 * numbers, instants, Schema classes of these), so a value is written without the codec's walk over it, which
 * cost about as much as the statement. Reading still decodes through the codec. Every plain column's schema is
 * held to this by a property test with generated values.
 *
 * Core's values are immutable, so the text of a value already written is remembered by the value (an order's
 * eligibility answer is written with the order and again with its contract folder), and the value of a text
 * recently read by the text (every order reads its offering version). Encoding and decoding through the
 * schema cost more than the statement that writes or reads them.
 */
export const jsonColumn = <T, E>(schema: Schema.Codec<T, E>, options?: { readonly plain?: boolean }): JsonColumn<T> => {
  const plain = options?.plain === true
  const kept = plain ? columns.plain : columns.codec
  const known = kept.get(schema)
  if (known) return known as JsonColumn<T>
  const codec = Schema.toCodecJson(schema)
  const encodeValue = Schema.encodeSync(codec)
  const encode = plain ? (value: T): unknown => value : (value: T) => encodeValue(value, writeOptions)
  const decode = Schema.decodeUnknownSync(codec)
  const written = new WeakMap<object, string>()
  const read = new Map<string, T>()
  const column: JsonColumn<T> = {
    write: (value) => {
      if (typeof value !== "object" || value === null) return JSON.stringify(encode(value))
      const remembered = written.get(value)
      if (remembered !== undefined) return remembered
      const text = JSON.stringify(encode(value))
      written.set(value, text)
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
  if (plain) plainSchemas.add(schema)
  return column
}
