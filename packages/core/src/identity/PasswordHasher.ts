import { Context, Effect, Layer } from "effect"
import { utf8 } from "../kernel/Encoding.ts"
import { SecureRandom } from "../kernel/SecureRandom.ts"
import { normalizePassword } from "./Password.ts"

/**
 * Turns passwords into PHC strings (`$<id>$<params>$<salt>$<hash>`) and checks them. Implementations
 * normalize the password (NFKC, `normalizePassword`) before hashing, so every layer agrees on what a
 * password is. `needsRehash` says a stored hash is weaker than (or foreign to) what `hash` produces now;
 * the login rehashes such passwords, which is how accounts move to new parameters or algorithms.
 */
export class PasswordHasher extends Context.Service<
  PasswordHasher,
  {
    readonly hash: (password: string) => Effect.Effect<string>
    /** False for a wrong password and for a hash this layer cannot read; never fails. */
    readonly verify: (phc: string, password: string) => Effect.Effect<boolean>
    readonly needsRehash: (phc: string) => boolean
  }
>()("@cloudportal/core/PasswordHasher") {
  /**
   * PBKDF2-HMAC-SHA256 through Web Crypto: no native code, so it runs on workerd and other edge
   * runtimes where argon2 is not available. Node deployments should prefer `@cloudportal/password-argon2`,
   * which also reads these hashes and moves them to argon2id on the next login.
   */
  static readonly layerWebCrypto = (options?: Pbkdf2Options) =>
    Layer.effect(PasswordHasher)(
      Effect.gen(function* () {
        const random = yield* SecureRandom
        const iterations = options?.iterations ?? pbkdf2Defaults.iterations
        if (!Number.isSafeInteger(iterations) || iterations < 1)
          return yield* Effect.die(new RangeError(`PBKDF2 iterations must be a positive integer, got ${iterations}`))
        return PasswordHasher.of({
          hash: (password) =>
            random
              .bytes(pbkdf2Defaults.saltBytes)
              .pipe(Effect.flatMap((salt) => hashPbkdf2(password, salt, iterations))),
          verify: verifyPbkdf2,
          needsRehash: (phc) => {
            const parsed = parsePbkdf2(phc)
            return parsed === undefined || parsed.iterations < iterations
          }
        })
      })
    )
}

export interface Pbkdf2Options {
  /** OWASP 2023 recommends 600,000 for PBKDF2-HMAC-SHA256; tests may pass far fewer. */
  readonly iterations?: number
}

export const pbkdf2Defaults = { iterations: 600_000, saltBytes: 16, hashBytes: 32 } as const

/** The PHC identifier of the edge layer's hashes. */
export const pbkdf2Id = "pbkdf2-sha256"

export interface Pbkdf2Hash {
  readonly iterations: number
  readonly salt: Uint8Array
  readonly hash: Uint8Array
}

// PHC strings use standard base64 without padding.
const b64 = (bytes: Uint8Array): string => {
  let binary = ""
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/=+$/u, "")
}
const b64Pattern = /^[A-Za-z0-9+/]+$/u
const fromB64 = (text: string): Uint8Array | undefined => {
  if (!b64Pattern.test(text) || text.length % 4 === 1) return undefined
  const binary = atob(text)
  return Uint8Array.from(binary, (c) => c.charCodeAt(0))
}

const phcPattern = /^\$pbkdf2-sha256\$i=([1-9][0-9]{0,9})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/u

/** `$pbkdf2-sha256$i=<n>$<salt>$<hash>` read back; undefined for anything else. */
export const parsePbkdf2 = (phc: string): Pbkdf2Hash | undefined => {
  const match = phcPattern.exec(phc)
  if (!match) return undefined
  const iterations = Number(match[1])
  const salt = fromB64(match[2]!)
  const hash = fromB64(match[3]!)
  if (!Number.isSafeInteger(iterations) || !salt || !hash || hash.length < 16) return undefined
  return { iterations, salt, hash }
}

export const formatPbkdf2 = (h: Pbkdf2Hash): string => `$${pbkdf2Id}$i=${h.iterations}$${b64(h.salt)}$${b64(h.hash)}`

// Copies into plain `ArrayBuffer`-backed arrays: consumers that compile core with the DOM lib type Web Crypto's
// inputs as `BufferSource`, which a `Uint8Array` over a possibly shared buffer is not.
const derive = (password: string, salt: Uint8Array, iterations: number, bytes: number): Effect.Effect<Uint8Array> =>
  Effect.promise(() =>
    crypto.subtle.importKey("raw", new Uint8Array(utf8(normalizePassword(password))), "PBKDF2", false, ["deriveBits"])
  ).pipe(
    Effect.flatMap((key) =>
      Effect.promise(() =>
        crypto.subtle.deriveBits(
          { name: "PBKDF2", hash: "SHA-256", salt: new Uint8Array(salt), iterations },
          key,
          bytes * 8
        )
      )
    ),
    Effect.map((bits) => new Uint8Array(bits))
  )

/** Hashes with the given salt and iteration count (the layer draws the salt from `SecureRandom`). */
export const hashPbkdf2 = (password: string, salt: Uint8Array, iterations: number): Effect.Effect<string> =>
  derive(password, salt, iterations, pbkdf2Defaults.hashBytes).pipe(
    Effect.map((hash) => formatPbkdf2({ iterations, salt, hash }))
  )

/** Checks a password against a PBKDF2 PHC string in constant time; false for anything unreadable. */
export const verifyPbkdf2 = (phc: string, password: string): Effect.Effect<boolean> => {
  const parsed = parsePbkdf2(phc)
  if (!parsed) return Effect.succeed(false)
  return derive(password, parsed.salt, parsed.iterations, parsed.hash.length).pipe(
    Effect.map((candidate) => constantTimeEqual(candidate, parsed.hash))
  )
}

/** Compares two byte arrays without an early exit, so timing reveals nothing about where they differ. */
export const constantTimeEqual = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}
