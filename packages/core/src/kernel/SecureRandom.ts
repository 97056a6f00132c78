import { Context, DateTime, Effect, Layer } from "effect"
import { sha256Hex } from "./Digest.ts"
import { base32, base64url } from "./Encoding.ts"

/**
 * Cryptographically strong randomness: the only source of ids, tokens and salts in core.
 * A port so that tests can be deterministic and core never touches a global generator itself.
 */
export class SecureRandom extends Context.Service<
  SecureRandom,
  { readonly bytes: (length: number) => Effect.Effect<Uint8Array> }
>()("@cloudportal/core/SecureRandom") {
  /**
   * Web Crypto's `getRandomValues` (Node >= 20, workerd, browsers), drawn from a pool of 4 KiB: each call to
   * it costs microseconds of fixed overhead, and placing an order takes some ten ids. Bytes handed out are
   * zeroed in the pool, so none is ever given twice; a request larger than the pool is served directly.
   */
  static readonly layerWebCrypto = Layer.sync(SecureRandom)(() => {
    const pool = new Uint8Array(poolSize)
    let used = pool.length
    return {
      bytes: (length) =>
        Effect.sync(() => {
          if (length > pool.length) return crypto.getRandomValues(new Uint8Array(length))
          if (used + length > pool.length) {
            crypto.getRandomValues(pool)
            used = 0
          }
          const out = pool.slice(used, used + length)
          pool.fill(0, used, used + length)
          used += length
          return out
        })
    }
  })

  /** Deterministic bytes from a seed (xorshift32), for reproducible tests only. Never for production. */
  static readonly layerSeeded = (seed: number) =>
    Layer.sync(SecureRandom)(() => {
      let state = seed | 0 || 0x9e3779b9
      const next = () => {
        state ^= state << 13
        state ^= state >>> 17
        state ^= state << 5
        return state & 0xff
      }
      return { bytes: (length) => Effect.sync(() => Uint8Array.from({ length }, next)) }
    })
}

const poolSize = 4096

/** A new opaque id with a readable prefix, e.g. `org_…`: 128 random bits in base32. */
export const newId = <Id extends string>(prefix: string): Effect.Effect<Id, never, SecureRandom> =>
  SecureRandom.use((r) => r.bytes(16)).pipe(Effect.map((b) => `${prefix}_${base32(b)}` as Id))

/** `count` new ids (as `newId`) from one draw of randomness: for a use case that makes several at once. */
export const newIds = <Id extends string>(
  prefix: string,
  count: number
): Effect.Effect<ReadonlyArray<Id>, never, SecureRandom> =>
  SecureRandom.use((r) => r.bytes(16 * count)).pipe(
    Effect.map((b) =>
      Array.from({ length: count }, (_, i) => `${prefix}_${base32(b.subarray(16 * i, 16 * i + 16))}` as Id)
    )
  )

/** Base32 digits in ASCII order, so that fixed-width numbers written with them sort as the numbers do. */
const orderedDigits = "0123456789abcdefghjkmnpqrstvwxyz"

/**
 * A new id for a record written in bulk (orders, audit events, outbox messages): the prefix, the instant
 * (epoch milliseconds, ten ordered base32 digits) and 80 random bits. Ids made later sort after earlier ones,
 * so a database appends new records at the end of the id index, where one page takes all of a commit's
 * records, instead of one page per record at random places. The random part keeps ids unique and unguessable;
 * what the id tells beyond that is the instant, which every such record carries anyway.
 */
export const newOrderedId = <Id extends string>(
  prefix: string,
  at: DateTime.Utc
): Effect.Effect<Id, never, SecureRandom> =>
  SecureRandom.use((r) => r.bytes(10)).pipe(
    Effect.map((random) => {
      let millis = Math.max(0, DateTime.toEpochMillis(at))
      // Ten digits, least significant first, as character codes (see `base32`).
      const time: Array<number> = []
      for (let i = 0; i < 10; i++) {
        time.push(orderedDigits.charCodeAt(millis % 32))
        millis = Math.floor(millis / 32)
      }
      return `${prefix}_${String.fromCharCode(...time.reverse())}${base32(random)}` as Id
    })
  )

/** A secret for a link or session: 256 random bits; only its SHA-256 hash is ever stored. */
export interface IssuedSecret {
  readonly token: string
  readonly hash: string
}

export const newSecret: Effect.Effect<IssuedSecret, never, SecureRandom> = Effect.gen(function* () {
  const token = base64url(yield* SecureRandom.use((r) => r.bytes(32)))
  return { token, hash: sha256Hex(token) }
})

/** The stored form of a presented secret. */
export const hashSecret = (token: string): Effect.Effect<string> => Effect.sync(() => sha256Hex(token))
