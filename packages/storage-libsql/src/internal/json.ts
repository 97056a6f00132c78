import { Schema } from "effect"

/**
 * JSON columns hold JSON text written and read by the mappers themselves: drizzle's JSON mode inspects
 * the values it is given and fails on objects without a prototype, which decoded data may contain.
 */
export const toJson = (value: unknown): string => JSON.stringify(value)
export const fromJson = (text: string): unknown => JSON.parse(text)
export const toJsonOrNull = (value: unknown): string | null => (value === null ? null : JSON.stringify(value))
export const fromJsonOrNull = (text: string | null): unknown => (text === null ? null : JSON.parse(text))

/**
 * A JSON column of a core schema, through the schema's JSON codec: instants, money and other classes come
 * back as the values core made, and numbers JSON cannot hold (NaN, ±Infinity) survive.
 */
export const jsonColumn = <T, E>(schema: Schema.Codec<T, E>) => {
  const codec = Schema.toCodecJson(schema)
  const encode = Schema.encodeSync(codec)
  const decode = Schema.decodeUnknownSync(codec)
  return {
    write: (value: T): string => JSON.stringify(encode(value)),
    read: (text: string): T => decode(JSON.parse(text))
  }
}
