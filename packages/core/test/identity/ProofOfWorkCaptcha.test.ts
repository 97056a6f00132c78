import { assert, describe, it } from "@effect/vitest"
import { Cause, DateTime, Duration, Effect, Exit, Layer, Redacted } from "effect"
import { TestClock } from "effect/testing"
import * as fc from "fast-check"
import { CaptchaVerifier, DevCaptcha } from "../../src/identity/Captcha.ts"
import {
  CaptchaChallenges,
  ProofOfWorkCaptcha,
  type ProofOfWorkCaptchaOptions
} from "../../src/identity/ProofOfWorkCaptcha.ts"
import { sha256Hex } from "../../src/kernel/Digest.ts"
import { RateLimiter } from "../../src/kernel/RateLimiter.ts"
import { SecureRandom } from "../../src/kernel/SecureRandom.ts"

const secret = "ein-geheimnis-fuer-captchas-mit-mindestens-32-zeichen"
const otherSecret = "ein-anderes-geheimnis-fuer-captchas-mit-32-zeichen"

/** A small difficulty keeps the tests' brute force short; one test runs the default. */
const options = (overrides: Partial<ProofOfWorkCaptchaOptions> = {}): ProofOfWorkCaptchaOptions => ({
  secret,
  maxNumber: 2_000,
  ...overrides
})

/** One instance with its own rate-limit table: what a single server on its own database is. */
const captcha = (overrides: Partial<ProofOfWorkCaptchaOptions> = {}) =>
  ProofOfWorkCaptcha.layer(options(overrides)).pipe(
    Layer.provideMerge(Layer.mergeAll(RateLimiter.layerMemory, SecureRandom.layerWebCrypto))
  )

const issue = CaptchaChallenges.use((c) => c.issue())

/** A challenge with the answer a browser would find. */
const issueSolved = Effect.gen(function* () {
  const challenge = yield* issue
  const answer = ProofOfWorkCaptcha.solve(challenge)
  if (answer === undefined) return assert.fail("an issued challenge has no solution")
  return { ...challenge, answer }
})

const verify = (challengeId: string, answer: string) => CaptchaVerifier.use((v) => v.verify(challengeId, answer))

describe("proof-of-work captcha", () => {
  it.effect("a solved challenge verifies once", () =>
    Effect.gen(function* () {
      const c = yield* issueSolved
      assert.isTrue(yield* verify(c.challengeId, c.answer))
    }).pipe(Effect.provide(captcha()))
  )

  it.effect("a replay fails", () =>
    Effect.gen(function* () {
      const c = yield* issueSolved
      assert.isTrue(yield* verify(c.challengeId, c.answer))
      assert.isFalse(yield* verify(c.challengeId, c.answer))
      assert.isFalse(yield* verify(c.challengeId, c.answer))
    }).pipe(Effect.provide(captcha()))
  )

  it.effect("a wrong answer fails, and uses the challenge up", () =>
    Effect.gen(function* () {
      const wrong = yield* issueSolved
      assert.isFalse(yield* verify(wrong.challengeId, String((Number(wrong.answer) + 1) % 2_001)))
      assert.isFalse(yield* verify(wrong.challengeId, wrong.answer))
      // The same number spelled otherwise is another text, hence another hash.
      for (const spell of [
        (n: string) => ` ${n}`,
        (n: string) => `0${n}`,
        (n: string) => `+${n}`,
        (n: string) => `${n}.0`
      ]) {
        const spelled = yield* issueSolved
        assert.isFalse(yield* verify(spelled.challengeId, spell(spelled.answer)))
      }
      const unspelled = yield* issueSolved
      assert.isFalse(yield* verify(unspelled.challengeId, "not a number"))
      assert.isFalse(yield* verify(unspelled.challengeId, unspelled.answer))
    }).pipe(Effect.provide(captcha()))
  )

  it.effect("an expired challenge fails", () =>
    Effect.gen(function* () {
      const inTime = yield* issueSolved
      const late = yield* issueSolved
      assert.strictEqual(
        DateTime.toEpochMillis(late.expiresAt) - DateTime.toEpochMillis(yield* DateTime.now),
        Duration.toMillis(Duration.minutes(10))
      )
      yield* TestClock.adjust(Duration.subtract(Duration.minutes(10), Duration.millis(1)))
      assert.isTrue(yield* verify(inTime.challengeId, inTime.answer))
      yield* TestClock.adjust(Duration.millis(1))
      assert.isFalse(yield* verify(late.challengeId, late.answer))
    }).pipe(Effect.provide(captcha()))
  )

  it.effect("the lifetime is configurable", () =>
    Effect.gen(function* () {
      const c = yield* issueSolved
      assert.strictEqual(DateTime.toEpochMillis(c.expiresAt) - DateTime.toEpochMillis(yield* DateTime.now), 30_000)
      yield* TestClock.adjust("30 seconds")
      assert.isFalse(yield* verify(c.challengeId, c.answer))
    }).pipe(Effect.provide(captcha({ lifetime: "30 seconds" })))
  )

  it.effect("a tampered challengeId (any byte) fails", () =>
    Effect.gen(function* () {
      const c = yield* issueSolved
      const context = yield* Effect.context<CaptchaVerifier>()
      const run = (challengeId: string) =>
        Effect.runPromise(verify(challengeId, c.answer).pipe(Effect.provideContext(context)))
      const alphabet = [..."0123456789abcdefABCDEF.-_xyzp=/+ \u00e4"]
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(
            fc.nat({ max: c.challengeId.length - 1 }),
            fc.constantFrom(...alphabet),
            async (index, replacement) => {
              fc.pre(c.challengeId[index] !== replacement)
              const tampered = c.challengeId.slice(0, index) + replacement + c.challengeId.slice(index + 1)
              assert.isFalse(await run(tampered))
            }
          ),
          { numRuns: 300 }
        )
      )
      for (const altered of [
        c.challengeId.slice(0, -1),
        `${c.challengeId}0`,
        c.challengeId.toUpperCase(),
        c.challengeId.slice(1),
        `${c.challengeId.slice(0, -64)}${"0".repeat(64)}`
      ])
        assert.isFalse(yield* verify(altered, c.answer))
      // None of that used the genuine challenge up, and it was in time all along.
      assert.isTrue(yield* verify(c.challengeId, c.answer))
    }).pipe(Effect.provide(captcha()))
  )

  it.effect("another secret's challenge fails", () =>
    Effect.gen(function* () {
      const foreign = yield* issueSolved.pipe(Effect.provide(captcha({ secret: otherSecret })))
      assert.isFalse(yield* verify(foreign.challengeId, foreign.answer).pipe(Effect.provide(captcha())))
      assert.isTrue(
        yield* verify(foreign.challengeId, foreign.answer).pipe(Effect.provide(captcha({ secret: otherSecret })))
      )
    })
  )

  it.effect("malformed inputs fail without defects", () =>
    Effect.gen(function* () {
      const genuine = yield* issueSolved
      const context = yield* Effect.context<CaptchaVerifier>()
      const exitOf = (challengeId: unknown, answer: unknown) =>
        Effect.runPromise(
          Effect.exit(verify(challengeId as string, answer as string)).pipe(Effect.provideContext(context))
        )
      const hexOf = (length: number) =>
        fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: length, maxLength: length })
      // Near misses of the token's shape reach deeper than random text does.
      const shaped = fc
        .tuple(
          fc.constantFrom("pow1", "pow2", "", "POW1"),
          fc.oneof(hexOf(32), fc.string()),
          fc.oneof(fc.nat().map(String), fc.constantFrom("0", "-1", "99999999999999999", "1e3", "")),
          fc.oneof(hexOf(64), fc.string()),
          fc.oneof(hexOf(64), fc.string())
        )
        .map((parts) => parts.join("."))
      const anything = fc.oneof(
        fc.string(),
        fc.string({ unit: "binary", maxLength: 400 }),
        shaped,
        fc.constant(genuine.challengeId),
        fc.anything()
      )
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(anything, fc.oneof(fc.string(), fc.nat().map(String), fc.anything()), async (id, answer) => {
            fc.pre(!(id === genuine.challengeId && answer === genuine.answer))
            const exit = await exitOf(id, answer)
            assert.isTrue(Exit.isSuccess(exit), `defect or failure for ${JSON.stringify(id)}`)
            assert.isFalse(Exit.isSuccess(exit) && exit.value)
          }),
          { numRuns: 500 }
        )
      )
    }).pipe(Effect.provide(captcha()))
  )

  it.effect("a challenge is single use across instances sharing the rate-limit store", () =>
    Effect.gen(function* () {
      // Two servers: each its own captcha layer and key import, one database (here: one limiter) between them.
      const instance = ProofOfWorkCaptcha.layer(options()).pipe(Layer.provide(SecureRandom.layerWebCrypto))
      const c = yield* issueSolved.pipe(Effect.provide(instance))
      assert.isTrue(yield* verify(c.challengeId, c.answer).pipe(Effect.provide(instance)))
      assert.isFalse(yield* verify(c.challengeId, c.answer).pipe(Effect.provide(instance)))
    }).pipe(Effect.provide(RateLimiter.layerMemory))
  )

  it.effect("concurrent answers to one challenge: exactly one verifies", () =>
    Effect.gen(function* () {
      const c = yield* issueSolved
      const results = yield* Effect.all(
        Array.from({ length: 12 }, () => verify(c.challengeId, c.answer)),
        { concurrency: "unbounded" }
      )
      assert.strictEqual(results.filter(Boolean).length, 1)
    }).pipe(Effect.provide(captcha()))
  )

  it.effect("by default the client searches up to 100,000 and has 10 minutes", () =>
    Effect.gen(function* () {
      const c = yield* issueSolved
      assert.strictEqual(c.maxNumber, 100_000)
      assert.strictEqual(c.algorithm, "SHA-256")
      assert.strictEqual(
        DateTime.toEpochMillis(c.expiresAt) - DateTime.toEpochMillis(yield* DateTime.now),
        Duration.toMillis(Duration.minutes(10))
      )
      assert.isTrue(yield* verify(c.challengeId, c.answer))
    }).pipe(
      Effect.provide(
        ProofOfWorkCaptcha.layer({ secret }).pipe(
          Layer.provideMerge(Layer.mergeAll(RateLimiter.layerMemory, SecureRandom.layerWebCrypto))
        )
      )
    )
  )

  it.effect("the hidden number is drawn evenly from 0 to maxNumber", () =>
    Effect.gen(function* () {
      const seen = new Map<string, number>()
      for (let i = 0; i < 400; i++) {
        const { answer } = yield* issueSolved
        seen.set(answer, (seen.get(answer) ?? 0) + 1)
      }
      assert.deepStrictEqual([...seen.keys()].sort(), ["0", "1", "2", "3"])
      for (const count of seen.values()) assert.isTrue(count > 60 && count < 140, `count ${count}`)
    }).pipe(
      Effect.provide(
        ProofOfWorkCaptcha.layer(options({ maxNumber: 3 })).pipe(
          Layer.provide(Layer.mergeAll(RateLimiter.layerMemory, SecureRandom.layerSeeded(20_250_101)))
        )
      )
    )
  )

  it.effect("the challenge carries its parameters: salt and challenge as hex, the signed id beside them", () =>
    Effect.gen(function* () {
      const c = yield* issue
      assert.match(c.salt, /^[0-9a-f]{32}$/u)
      assert.match(c.challenge, /^[0-9a-f]{64}$/u)
      assert.isTrue(c.challengeId.includes(c.salt) && c.challengeId.includes(c.challenge))
      assert.isAtMost(c.challengeId.length, 256)
    }).pipe(Effect.provide(captcha()))
  )
})

describe("solving a proof-of-work challenge", () => {
  it("solve finds the number a Web Crypto hash hides, for any salt", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: "binary", maxLength: 200 })),
        fc.nat({ max: 400 }),
        async (salt, n) => {
          const challenge = sha256Hex(`${salt}${n}`)
          assert.strictEqual(ProofOfWorkCaptcha.solve({ salt, challenge, maxNumber: 400 }), String(n))
          assert.strictEqual(
            ProofOfWorkCaptcha.solve({ salt, challenge: challenge.toUpperCase(), maxNumber: n }),
            String(n)
          )
        }
      ),
      { numRuns: 60 }
    )
  })

  it("solve gives up beyond maxNumber and on a malformed challenge", async () => {
    const challenge = sha256Hex("salz500")
    assert.isUndefined(ProofOfWorkCaptcha.solve({ salt: "salz", challenge, maxNumber: 499 }))
    assert.strictEqual(ProofOfWorkCaptcha.solve({ salt: "salz", challenge, maxNumber: 500 }), "500")
    assert.isUndefined(ProofOfWorkCaptcha.solve({ salt: "salz", challenge: "abc", maxNumber: 10 }))
    assert.isUndefined(ProofOfWorkCaptcha.solve({ salt: "salz", challenge, maxNumber: Number.NaN }))
  })
})

describe("proof-of-work captcha configuration", () => {
  const dies = (layer: Layer.Layer<CaptchaVerifier, never, RateLimiter | SecureRandom>) =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(
        verify("x", "1").pipe(
          Effect.provide(layer),
          Effect.provide(Layer.mergeAll(RateLimiter.layerMemory, SecureRandom.layerWebCrypto))
        )
      )
      return Exit.isFailure(exit) && Cause.hasDies(exit.cause)
    })

  it.effect("a secret shorter than 32 characters is refused", () =>
    Effect.gen(function* () {
      assert.isTrue(yield* dies(ProofOfWorkCaptcha.layer({ secret: "x".repeat(31) })))
      assert.isFalse(yield* dies(ProofOfWorkCaptcha.layer({ secret: "x".repeat(32) })))
      assert.isFalse(yield* dies(ProofOfWorkCaptcha.layer({ secret: Redacted.make("x".repeat(32)) })))
    })
  )

  it.effect("the difficulty and the lifetime must be usable", () =>
    Effect.gen(function* () {
      for (const maxNumber of [0, -1, 1.5, Number.NaN, 1_000_000_001])
        assert.isTrue(yield* dies(ProofOfWorkCaptcha.layer({ secret, maxNumber })), `maxNumber ${maxNumber}`)
      assert.isFalse(yield* dies(ProofOfWorkCaptcha.layer({ secret, maxNumber: 1_000_000_000 })))
      for (const lifetime of ["0 millis", Duration.infinity, "soon"] as ReadonlyArray<Duration.Input>)
        assert.isTrue(yield* dies(ProofOfWorkCaptcha.layer({ secret, lifetime })), `lifetime ${String(lifetime)}`)
    })
  )
})

describe("proof-of-work captcha beside the development captcha", () => {
  const dev = ProofOfWorkCaptcha.layerDev(options()).pipe(
    Layer.provideMerge(Layer.mergeAll(RateLimiter.layerMemory, SecureRandom.layerWebCrypto))
  )

  it.effect("in development /dev/captcha hands out real challenges, solved on the server, each good once", () =>
    Effect.gen(function* () {
      const solved = yield* DevCaptcha.use((d) => d.issue())
      assert.match(solved.challengeId, /^pow1\./u)
      assert.isTrue(yield* verify(solved.challengeId, solved.answer))
      assert.isFalse(yield* DevCaptcha.use((d) => d.verify(solved.challengeId, solved.answer)))
      const browser = yield* issueSolved
      assert.isTrue(yield* DevCaptcha.use((d) => d.verify(browser.challengeId, browser.answer)))
    }).pipe(Effect.provide(dev))
  )

  it.effect("in production no solved challenge is handed out", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(DevCaptcha.use((d) => d.issue()))
      assert.isTrue(Exit.isFailure(exit) && Cause.hasDies(exit.cause))
      const c = yield* issueSolved
      assert.isFalse(yield* DevCaptcha.use((d) => d.verify(c.challengeId, c.answer)))
      assert.isTrue(yield* verify(c.challengeId, c.answer))
    }).pipe(Effect.provide(Layer.merge(captcha(), ProofOfWorkCaptcha.noDevCaptcha)))
  )
})
