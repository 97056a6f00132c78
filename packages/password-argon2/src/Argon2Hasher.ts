import { normalizePassword, PasswordHasher, SecureRandom, verifyPbkdf2 } from "@cloudportal/core"
import { hash, verify } from "@node-rs/argon2"
import { Effect, Layer } from "effect"

/**
 * Argon2id cost parameters. The defaults are OWASP's minimum recommendation for argon2id
 * (Password Storage Cheat Sheet): 19 MiB of memory, 2 passes, 1 lane.
 */
export interface Argon2Options {
  /** Memory in KiB (`m=`). */
  readonly memoryCost?: number
  /** Passes over memory (`t=`). */
  readonly timeCost?: number
  /** Lanes (`p=`). */
  readonly parallelism?: number
}

export const argon2Defaults = { memoryCost: 19_456, timeCost: 2, parallelism: 1, saltBytes: 16 } as const

const argon2idPattern =
  /^\$argon2id\$v=19\$m=([0-9]{1,10}),t=([0-9]{1,10}),p=([0-9]{1,3})\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/u

/** The parameters of an argon2id (v1.3) PHC string; undefined for anything else. */
export const parseArgon2id = (
  phc: string
): { readonly memoryCost: number; readonly timeCost: number; readonly parallelism: number } | undefined => {
  const match = argon2idPattern.exec(phc)
  return match ? { memoryCost: Number(match[1]), timeCost: Number(match[2]), parallelism: Number(match[3]) } : undefined
}

/**
 * `PasswordHasher` on argon2id through `@node-rs/argon2` (native, Node only). It also verifies the PBKDF2 hashes
 * of core's edge layer (`PasswordHasher.layerWebCrypto`) and reports them, and argon2id hashes made with other
 * parameters, as needing a rehash, so that the login moves every account to the current argon2id parameters.
 * Salts come from core's `SecureRandom`, like every other secret of the portal.
 */
export const layerArgon2 = (options?: Argon2Options): Layer.Layer<PasswordHasher, never, SecureRandom> =>
  Layer.effect(PasswordHasher)(
    Effect.gen(function* () {
      const random = yield* SecureRandom
      const params = {
        memoryCost: options?.memoryCost ?? argon2Defaults.memoryCost,
        timeCost: options?.timeCost ?? argon2Defaults.timeCost,
        parallelism: options?.parallelism ?? argon2Defaults.parallelism
      }
      return PasswordHasher.of({
        hash: (password) =>
          random.bytes(argon2Defaults.saltBytes).pipe(
            // argon2id is the library's default algorithm; its `Algorithm` const enum cannot be imported under
            // `verbatimModuleSyntax`, and naming it is not needed.
            Effect.flatMap((salt) => Effect.promise(() => hash(normalizePassword(password), { ...params, salt })))
          ),
        verify: (phc, password) =>
          phc.startsWith("$argon2")
            ? Effect.tryPromise(() => verify(phc, normalizePassword(password))).pipe(
                // An unreadable hash verifies nothing; it never fails the login with an error.
                Effect.orElseSucceed(() => false)
              )
            : verifyPbkdf2(phc, password),
        needsRehash: (phc) => {
          const stored = parseArgon2id(phc)
          return (
            stored === undefined ||
            stored.memoryCost !== params.memoryCost ||
            stored.timeCost !== params.timeCost ||
            stored.parallelism !== params.parallelism
          )
        }
      })
    })
  )
