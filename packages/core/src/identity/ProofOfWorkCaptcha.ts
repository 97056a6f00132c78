import { Context, DateTime, Duration, Effect, Layer, Option, Redacted, Schema } from "effect"
import { sha256Hex, sha256Words, timingSafeEqual } from "../kernel/Digest.ts"
import { hex, utf8 } from "../kernel/Encoding.ts"
import { RateLimiter } from "../kernel/RateLimiter.ts"
import { SecureRandom } from "../kernel/SecureRandom.ts"
import { CaptchaVerifier, DevCaptcha } from "./Captcha.ts"

/**
 * A proof-of-work challenge in the style of ALTCHA: find the number `n` in `[0, maxNumber]` with
 * `hex(SHA-256(salt + String(n))) === challenge`, then send `{ challengeId, answer: String(n) }`.
 * No image and no audio (BITV 2.0), no third party: the browser spends a fraction of a second, a bot farm
 * pays the same for every form it submits.
 */
export const CaptchaChallenge = Schema.Struct({
  challengeId: Schema.String.annotate({
    description: "Opaque and signed; send it back unchanged as `captcha.challengeId` of the registration"
  }),
  algorithm: Schema.Literal("SHA-256"),
  salt: Schema.String.annotate({ description: "Prefix of the hashed text: SHA-256(salt + String(n))" }),
  challenge: Schema.String.annotate({ description: "The hash to find, lower-case hex" }),
  maxNumber: Schema.Int.annotate({ description: "n lies in [0, maxNumber]" }),
  expiresAt: Schema.DateTimeUtc.annotate({ description: "After this instant the challenge is refused" })
}).annotate({ identifier: "CaptchaChallenge" })
export type CaptchaChallenge = typeof CaptchaChallenge.Type

/** Issues proof-of-work challenges (`GET /captcha`). Stateless: nothing is stored until an answer arrives. */
export class CaptchaChallenges extends Context.Service<
  CaptchaChallenges,
  { readonly issue: () => Effect.Effect<CaptchaChallenge> }
>()("@cloudportal/core/CaptchaChallenges") {}

export interface ProofOfWorkCaptchaOptions {
  /**
   * Signs the challenges: at least 32 characters, the same on every instance that shares the database
   * (a challenge issued by one is answered at another). Changing it refuses the challenges still open.
   */
  readonly secret: string | Redacted.Redacted<string>
  /** The largest number the client may have to try: the difficulty (default 100,000). */
  readonly maxNumber?: number
  /** How long a challenge can be answered (default 10 minutes). */
  readonly lifetime?: Duration.Input
}

const defaults = { maxNumber: 100_000, lifetime: Duration.minutes(10) } as const
const minSecretLength = 32
// n is drawn from 32 random bits; a billion tries is already far beyond what a browser does in time.
const maxMaxNumber = 1_000_000_000

// `pow1.<salt>.<expiresAt epoch millis>.<challenge>` signed, then `.<HMAC-SHA-256 of all that>`. Hex for the
// signature because it has exactly one spelling per value: a token cannot be altered and still verify.
const tokenVersion = "pow1"
const tokenPattern = /^(pow1\.([0-9a-f]{32})\.([1-9][0-9]{0,15})\.([0-9a-f]{64}))\.([0-9a-f]{64})$/u
const maxTokenLength = 256
// `String(n)` for n in [0, maxMaxNumber]: no sign, no leading zero, no exponent.
const answerPattern = /^(0|[1-9][0-9]{0,9})$/u

interface Token {
  readonly payload: string
  readonly salt: string
  readonly expiresAtMillis: number
  readonly challenge: string
  readonly signature: string
}

const parseToken = (challengeId: unknown): Token | undefined => {
  if (typeof challengeId !== "string" || challengeId.length > maxTokenLength) return undefined
  const match = tokenPattern.exec(challengeId)
  if (!match) return undefined
  const [, payload = "", salt = "", expires = "", challenge = "", signature = ""] = match
  const expiresAtMillis = Number(expires)
  if (!Number.isSafeInteger(expiresAtMillis)) return undefined
  return { payload, salt, expiresAtMillis, challenge, signature }
}

// Copies onto a plain ArrayBuffer: where the full DOM or Node types are in scope, Web Crypto refuses views that
// might sit on a SharedArrayBuffer.
const bytesOf = (text: string) => new Uint8Array(utf8(text))

const fromHex = (text: string) => Uint8Array.from(text.match(/../gu) ?? [], (byte) => Number.parseInt(byte, 16))

/** A uniform integer in `[0, maxNumber]`: 32 random bits, redrawn above the last whole multiple of the range. */
const uniformUpTo = (random: SecureRandom["Service"], maxNumber: number): Effect.Effect<number> => {
  const range = maxNumber + 1
  const limit = 0x1_0000_0000 - (0x1_0000_0000 % range)
  const draw: Effect.Effect<number> = random.bytes(4).pipe(
    Effect.flatMap((b) => {
      const value = (((b[0] ?? 0) << 24) | ((b[1] ?? 0) << 16) | ((b[2] ?? 0) << 8) | (b[3] ?? 0)) >>> 0
      return value < limit ? Effect.succeed(value % range) : draw
    })
  )
  return draw
}

const misconfigured = (message: string) => Effect.die(new RangeError(`ProofOfWorkCaptcha: ${message}`))

const make = Effect.fnUntraced(function* (options: ProofOfWorkCaptchaOptions) {
  const secret = Redacted.isRedacted(options.secret) ? Redacted.value(options.secret) : options.secret
  if (typeof secret !== "string" || secret.length < minSecretLength)
    return yield* misconfigured(`the secret must be at least ${minSecretLength} characters long`)
  const maxNumber = options.maxNumber ?? defaults.maxNumber
  if (!Number.isSafeInteger(maxNumber) || maxNumber < 1 || maxNumber > maxMaxNumber)
    return yield* misconfigured(`maxNumber must be a whole number from 1 to ${maxMaxNumber}, got ${maxNumber}`)
  const lifetime =
    options.lifetime === undefined ? Option.some(defaults.lifetime) : Duration.fromInput(options.lifetime)
  if (Option.isNone(lifetime) || !Duration.isFinite(lifetime.value) || Duration.toMillis(lifetime.value) < 1)
    return yield* misconfigured("lifetime must be a positive, finite duration")
  const life = lifetime.value

  const random = yield* SecureRandom
  const limiter = yield* RateLimiter
  const key = yield* Effect.promise(() =>
    crypto.subtle.importKey("raw", bytesOf(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"])
  )

  const issue = Effect.fn("ProofOfWorkCaptcha.issue")(function* () {
    const now = yield* DateTime.now
    const salt = hex(yield* random.bytes(16))
    const number = yield* uniformUpTo(random, maxNumber)
    const challenge = sha256Hex(`${salt}${number}`)
    const expiresAt = DateTime.addDuration(now, life)
    const payload = `${tokenVersion}.${salt}.${DateTime.toEpochMillis(expiresAt)}.${challenge}`
    const signature = yield* Effect.promise(() => crypto.subtle.sign("HMAC", key, bytesOf(payload)))
    return {
      challengeId: `${payload}.${hex(new Uint8Array(signature))}`,
      algorithm: "SHA-256",
      salt,
      challenge,
      maxNumber,
      expiresAt
    } satisfies CaptchaChallenge
  })

  const verify = Effect.fn("ProofOfWorkCaptcha.verify")(function* (challengeId: string, answer: string) {
    const token = parseToken(challengeId)
    if (!token) return false
    const genuine = yield* Effect.promise(() =>
      crypto.subtle.verify("HMAC", key, fromHex(token.signature), bytesOf(token.payload))
    )
    if (!genuine) return false
    const now = DateTime.toEpochMillis(yield* DateTime.now)
    if (now >= token.expiresAtMillis) return false
    // Used up before the answer is looked at, right or wrong: otherwise the server would check guesses for a
    // client that never did the work. The window outlives the challenge, so the mark lasts as long as it could
    // be answered; in the shared database it holds across instances.
    const firstUse = yield* limiter
      .consume(`captcha:${token.signature}`, {
        limit: 1,
        window: Duration.max(life, Duration.millis(token.expiresAtMillis - now))
      })
      .pipe(
        Effect.as(true),
        Effect.catchTag("RateLimited", () => Effect.succeed(false))
      )
    if (!firstUse || typeof answer !== "string" || !answerPattern.test(answer)) return false
    return timingSafeEqual(sha256Hex(`${token.salt}${answer}`), token.challenge)
  })

  return { issue, verify }
})

const layer = (
  options: ProofOfWorkCaptchaOptions
): Layer.Layer<CaptchaVerifier | CaptchaChallenges, never, RateLimiter | SecureRandom> =>
  Layer.effectContext(
    make(options).pipe(
      Effect.map(({ issue, verify }) =>
        Context.make(CaptchaChallenges, { issue }).pipe(Context.add(CaptchaVerifier, { verify }))
      )
    )
  )

const layerDev = (
  options: ProofOfWorkCaptchaOptions
): Layer.Layer<CaptchaVerifier | CaptchaChallenges | DevCaptcha, never, RateLimiter | SecureRandom> =>
  Layer.effectContext(
    make(options).pipe(
      Effect.map(({ issue, verify }) =>
        Context.make(CaptchaChallenges, { issue }).pipe(
          Context.add(CaptchaVerifier, { verify }),
          Context.add(DevCaptcha, {
            issue: () =>
              issue().pipe(
                Effect.flatMap((c) => {
                  const answer = solve(c)
                  return answer === undefined
                    ? Effect.die(new Error("ProofOfWorkCaptcha: an issued challenge has no solution"))
                    : Effect.succeed({ challengeId: c.challengeId, answer, expiresAt: c.expiresAt })
                })
              ),
            // The port allows no failure here; a storage failure in development is a defect, not a wrong answer.
            verify: (challengeId, answer) => Effect.orDie(verify(challengeId, answer))
          })
        )
      )
    )
  )

/**
 * A `DevCaptcha` that hands out nothing, for production compositions whose runtime type still names
 * `DevCaptcha` (the HTTP adapter's `CoreServices`): `issue` dies, `verify` is always false.
 */
const noDevCaptcha: Layer.Layer<DevCaptcha> = Layer.succeed(DevCaptcha)({
  issue: () =>
    Effect.die(new Error("DevCaptcha: no solved challenges here; this composition uses the proof-of-work captcha")),
  verify: () => Effect.succeed(false)
})

const challengePattern = /^[0-9a-f]{64}$/u

/**
 * Pure: the answer to a challenge by brute force, as a browser finds it (`undefined` when no number up to
 * `maxNumber` solves it). For scripts and tests; it takes as long as the client's work, so keep `maxNumber` small
 * where speed matters.
 */
const solve = (challenge: {
  readonly salt: string
  readonly challenge: string
  readonly maxNumber: number
}): string | undefined => {
  const target = challenge.challenge.toLowerCase()
  if (!challengePattern.test(target) || !Number.isSafeInteger(challenge.maxNumber)) return undefined
  const wanted = new DataView(fromHex(target).buffer)
  const salt = utf8(challenge.salt)
  // The salt stays in place; only the digits after it change from one try to the next.
  const message = new Uint8Array(salt.length + 16)
  message.set(salt)
  for (let n = 0; n <= challenge.maxNumber; n++) {
    const digits = String(n)
    for (let i = 0; i < digits.length; i++) message[salt.length + i] = digits.charCodeAt(i)
    const words = sha256Words(message.subarray(0, salt.length + digits.length))
    let equal = true
    for (let i = 0; i < 8 && equal; i++) equal = words[i] === wanted.getUint32(i * 4)
    if (equal) return digits
  }
  return undefined
}

/**
 * The production captcha: proof of work, signed and stateless to issue, single use to verify (marked through
 * `RateLimiter`, so the mark holds across instances on one database).
 *
 * - `layer(options)`: `CaptchaVerifier` and `CaptchaChallenges`.
 * - `layerDev(options)`: the same plus a `DevCaptcha` whose `issue` solves a real challenge on the server, so
 *   `/dev/captcha` keeps working in development with the real captcha. Never in production.
 * - `noDevCaptcha`: a `DevCaptcha` that hands out nothing, to compose beside `layer` in production.
 * - `solve(challenge)`: the client's brute force, pure.
 *
 * A malformed, forged, altered, expired or used challenge verifies false and never fails. Verify outside a unit
 * of work: a rolled-back transaction must not hand a used challenge back (`Registrations.submit` does so).
 * A misconfiguration (short secret, difficulty or lifetime out of range) fails the layer with a defect.
 */
export const ProofOfWorkCaptcha = {
  layer,
  layerDev,
  noDevCaptcha,
  solve,
  defaults,
  minSecretLength,
  maxMaxNumber
} as const
