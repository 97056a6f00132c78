import { Effect } from "effect"
import { hex, utf8 } from "./Encoding.ts"

/** SHA-256 of a UTF-8 string as lower-case hex, through Web Crypto (native on Node and workerd). */
export const sha256Hex = (text: string): Effect.Effect<string> =>
  Effect.promise(() => crypto.subtle.digest("SHA-256", new Uint8Array(utf8(text)))).pipe(
    Effect.map((buffer) => hex(new Uint8Array(buffer)))
  )

/** JSON with object keys sorted at every level: the same value always hashes the same. */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        )
      : v
  )

/** Constant-time comparison of two strings of equal length (hashes), so timing reveals nothing. */
export const timingSafeEqual = (a: string, b: string): boolean => {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}
