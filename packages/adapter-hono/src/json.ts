import type { DateTime } from "effect"
import { Schema } from "effect"

/**
 * The JSON form of a domain value, as far as TypeScript can tell it: times become ISO strings, bytes
 * base64 strings, classes plain objects. What the typed client (`hc<AppType>`) sees of a response body.
 */
export type JsonOf<T> = T extends DateTime.DateTime
  ? string
  : T extends Uint8Array
    ? string
    : T extends string | number | boolean | null
      ? T
      : T extends ReadonlyArray<infer U>
        ? Array<JsonOf<U>>
        : T extends object
          ? {
              -readonly [K in keyof T as K extends symbol
                ? never
                : T[K] extends (...args: never) => unknown
                  ? never
                  : K]: JsonOf<T[K]>
            }
          : never

const encoders = new WeakMap<Schema.Top, (value: unknown) => unknown>()

/** Encodes a domain value to JSON with its Schema (`DateTime` as ISO 8601, `Money` as `{ amountCents, currency }`). */
export const toJson = <S extends Schema.Top>(schema: S, value: S["Type"]): JsonOf<S["Type"]> => {
  let encode = encoders.get(schema)
  if (!encode) {
    encode = Schema.encodeUnknownSync(Schema.toCodecJson(schema as unknown as Schema.Codec<unknown, unknown>))
    encoders.set(schema, encode)
  }
  return encode(value) as JsonOf<S["Type"]>
}

const pages = new WeakMap<Schema.Top, Schema.Top>()

/** A list answer: `{ items, nextCursor }` (API.md). */
export const PageOf = <S extends Schema.Top>(item: S) => {
  const cached = pages.get(item)
  if (cached) return cached as ReturnType<typeof makePage<S>>
  const page = makePage(item)
  pages.set(item, page)
  return page
}

const makePage = <S extends Schema.Top>(item: S) =>
  Schema.Struct({ items: Schema.Array(item), nextCursor: Schema.NullOr(Schema.String) })
