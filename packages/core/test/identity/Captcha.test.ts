import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { CaptchaVerifier, DevCaptcha } from "../../src/identity/Captcha.ts"
import { SecureRandom } from "../../src/kernel/SecureRandom.ts"

const captcha = DevCaptcha.layer.pipe(Layer.provide(SecureRandom.layerWebCrypto))

describe("captcha (development verifier)", () => {
  it.effect("an issued challenge is solved by its answer, once", () =>
    Effect.gen(function* () {
      const { challengeId, answer } = yield* DevCaptcha.use((c) => c.issue())
      const verifier = yield* CaptchaVerifier
      assert.isTrue(yield* verifier.verify(challengeId, answer))
      assert.isFalse(yield* verifier.verify(challengeId, answer))
    }).pipe(Effect.provide(captcha))
  )

  it.effect("a wrong answer uses the challenge up too", () =>
    Effect.gen(function* () {
      const { challengeId, answer } = yield* DevCaptcha.use((c) => c.issue())
      const verifier = yield* CaptchaVerifier
      assert.isFalse(yield* verifier.verify(challengeId, `${answer}x`))
      assert.isFalse(yield* verifier.verify(challengeId, answer))
    }).pipe(Effect.provide(captcha))
  )

  it.effect("an unknown challenge is not solved", () =>
    Effect.gen(function* () {
      assert.isFalse(yield* CaptchaVerifier.use((v) => v.verify("cap_unknown", "abc")))
    }).pipe(Effect.provide(captcha))
  )

  it.effect("a challenge expires after ten minutes", () =>
    Effect.gen(function* () {
      const early = yield* DevCaptcha.use((c) => c.issue())
      const late = yield* DevCaptcha.use((c) => c.issue())
      yield* TestClock.adjust("9 minutes")
      assert.isTrue(yield* CaptchaVerifier.use((v) => v.verify(early.challengeId, early.answer)))
      yield* TestClock.adjust("1 minute")
      assert.isFalse(yield* CaptchaVerifier.use((v) => v.verify(late.challengeId, late.answer)))
    }).pipe(Effect.provide(captcha))
  )

  it.effect("answers are compared case-insensitively and trimmed, as people type them", () =>
    Effect.gen(function* () {
      const { challengeId, answer } = yield* DevCaptcha.use((c) => c.issue())
      assert.isTrue(yield* CaptchaVerifier.use((v) => v.verify(challengeId, ` ${answer.toUpperCase()} `)))
    }).pipe(Effect.provide(captcha))
  )
})
