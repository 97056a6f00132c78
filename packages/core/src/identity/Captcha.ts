import { Context, DateTime, Duration, Effect, Layer } from "effect"
import { timingSafeEqual } from "../kernel/Digest.ts"
import { base32 } from "../kernel/Encoding.ts"
import type { StorageError } from "../kernel/Errors.ts"
import { newId, SecureRandom } from "../kernel/SecureRandom.ts"

/**
 * Checks a captcha answer (registration, DOMAIN §2). A challenge is single-use: verifying consumes it,
 * right or wrong, so one solved challenge cannot be replayed against the form.
 * Production composes a real provider (e.g. ALTCHA, Friendly Captcha) behind this port.
 */
export class CaptchaVerifier extends Context.Service<
  CaptchaVerifier,
  { readonly verify: (challengeId: string, answer: string) => Effect.Effect<boolean, StorageError> }
>()("@cloudportal/core/CaptchaVerifier") {}

/** A challenge together with its answer: what `/dev/captcha` hands to scripts so they can register. */
export interface SolvedChallenge {
  readonly challengeId: string
  readonly answer: string
  readonly expiresAt: DateTime.Utc
}

/** How long an issued development challenge can be answered. */
export const devCaptchaLifetime = Duration.minutes(10)

/**
 * Development and test captcha: `issue` creates a challenge and tells its answer. It also provides
 * `CaptchaVerifier`. Never compose it into production: anyone can ask it for an answer.
 * Challenges live in process memory on purpose, outside any unit of work: a failed registration must
 * not hand its consumed challenge back.
 */
export class DevCaptcha extends Context.Service<
  DevCaptcha,
  {
    readonly issue: () => Effect.Effect<SolvedChallenge>
    readonly verify: (challengeId: string, answer: string) => Effect.Effect<boolean>
  }
>()("@cloudportal/core/DevCaptcha") {
  static readonly layer: Layer.Layer<DevCaptcha | CaptchaVerifier, never, SecureRandom> = Layer.effectContext(
    Effect.gen(function* () {
      const random = yield* SecureRandom
      const open = new Map<string, { readonly answer: string; readonly expiresAt: DateTime.Utc }>()
      const prune = (now: DateTime.Utc) => {
        for (const [id, c] of open) if (!DateTime.isLessThan(now, c.expiresAt)) open.delete(id)
      }
      const issue = () =>
        Effect.gen(function* () {
          const now = yield* DateTime.now
          prune(now)
          const challengeId = yield* newId<string>("cap")
          const answer = base32(yield* random.bytes(5))
          const expiresAt = DateTime.addDuration(now, devCaptchaLifetime)
          open.set(challengeId, { answer, expiresAt })
          return { challengeId, answer, expiresAt }
        }).pipe(Effect.provideService(SecureRandom, random))
      const verify = (challengeId: string, answer: string) =>
        Effect.gen(function* () {
          const challenge = open.get(challengeId)
          if (!challenge) return false
          open.delete(challengeId)
          return (
            DateTime.isLessThan(yield* DateTime.now, challenge.expiresAt) &&
            timingSafeEqual(answer.trim().toLowerCase(), challenge.answer)
          )
        })
      return Context.make(DevCaptcha, { issue, verify }).pipe(Context.add(CaptchaVerifier, { verify }))
    })
  )
}
