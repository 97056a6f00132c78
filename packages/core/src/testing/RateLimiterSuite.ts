import { assert, describe, layer } from "@effect/vitest"
import { Duration, Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { type RateLimit, type RateLimited, RateLimiter } from "../kernel/RateLimiter.ts"
import { newId, SecureRandom } from "../kernel/SecureRandom.ts"
import { UnitOfWork } from "../kernel/UnitOfWork.ts"

/** A key no other test uses, so the tests share a store (a database) without counting each other's hits. */
const freshKey = Effect.map(newId("rl"), (id) => `mail:suite:${id}@rate-limiter-suite.test`)

const threePerMinute: RateLimit = { limit: 3, window: Duration.minutes(1) }

/** What one hit answered: "ok", or the seconds after which to retry. */
const hit = (key: string, rule: RateLimit = threePerMinute) =>
  RateLimiter.use((l) => l.consume(key, rule)).pipe(
    Effect.as("ok" as const),
    Effect.catchTag("RateLimited", (e: RateLimited) => Effect.succeed(e.retryAfterSeconds))
  )

const hits = (key: string, n: number, rule: RateLimit = threePerMinute) =>
  Effect.forEach(Array.from({ length: n }), () => hit(key, rule))

/**
 * The contract of every `RateLimiter` (DOMAIN §11: anything that sends email is rate-limited per address and
 * per client): a fixed window per key, `limit` hits in it and no more, however the hits interleave; the
 * refusal names the whole seconds until the window ends; a new window opens once it has ended; keys count
 * apart; a hit made inside a unit of work that fails is not counted (a refused request spends nothing).
 * Time comes from the `Clock`, so the tests move it with the `TestClock`.
 */
export const rateLimiterSuite = <E>(name: string, limiter: Layer.Layer<RateLimiter | UnitOfWork, E>) =>
  describe(`RateLimiter conformance: ${name}`, () => {
    layer(Layer.merge(limiter, SecureRandom.layerWebCrypto))((it) => {
      it.effect("hits up to the limit pass and the next one is refused until the window ends", () =>
        Effect.gen(function* () {
          const key = yield* freshKey
          assert.deepStrictEqual(yield* hits(key, 4), ["ok", "ok", "ok", 60])
          yield* TestClock.adjust("59 seconds")
          assert.deepStrictEqual(yield* hit(key), 1)
          yield* TestClock.adjust("1 second")
          assert.deepStrictEqual(yield* hits(key, 4), ["ok", "ok", "ok", 60])
        })
      )

      it.effect("the refusal counts the seconds from the start of the window, rounded up", () =>
        Effect.gen(function* () {
          const key = yield* freshKey
          yield* hits(key, 3)
          yield* TestClock.adjust("20200 millis")
          // Refused hits do not move the window: it still ends 60 s after the first hit.
          assert.deepStrictEqual(yield* hits(key, 2), [40, 40])
          yield* TestClock.adjust("39799 millis")
          assert.deepStrictEqual(yield* hit(key), 1)
        })
      )

      it.effect("keys are counted apart", () =>
        Effect.gen(function* () {
          const address = yield* freshKey
          const client = yield* freshKey
          assert.deepStrictEqual(yield* hits(address, 4), ["ok", "ok", "ok", 60])
          assert.deepStrictEqual(yield* hits(client, 3), ["ok", "ok", "ok"])
        })
      )

      it.effect("a limit of one allows exactly one hit per window", () =>
        Effect.gen(function* () {
          const key = yield* freshKey
          const once: RateLimit = { limit: 1, window: Duration.hours(1) }
          assert.deepStrictEqual(yield* hits(key, 2, once), ["ok", 3600])
          yield* TestClock.adjust("1 hour")
          assert.deepStrictEqual(yield* hits(key, 2, once), ["ok", 3600])
        })
      )

      it.effect("a hit inside a unit of work that fails is not counted", () =>
        Effect.gen(function* () {
          const key = yield* freshKey
          const uow = yield* UnitOfWork
          for (let i = 0; i < 5; i++)
            yield* Effect.flip(
              uow.transaction(
                Effect.andThen(
                  RateLimiter.use((l) => l.consume(key, threePerMinute)),
                  Effect.fail("boom" as const)
                )
              )
            )
          assert.deepStrictEqual(yield* hits(key, 4), ["ok", "ok", "ok", 60])
        })
      )

      it.effect("concurrent hits on one key never get past the limit", () =>
        Effect.gen(function* () {
          const key = yield* freshKey
          const rule: RateLimit = { limit: 5, window: Duration.minutes(10) }
          const answers = yield* Effect.forEach(Array.from({ length: 30 }), () => hit(key, rule), {
            concurrency: "unbounded"
          })
          assert.strictEqual(answers.filter((a) => a === "ok").length, 5)
          assert.strictEqual(answers.filter((a) => a === 600).length, 25)
        })
      )
    })
  })
