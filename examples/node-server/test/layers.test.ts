import { CaptchaChallenges, DevCaptcha, ProofOfWorkCaptcha, RateLimiter, SecureRandom } from "@cloudportal/core"
import { Cause, Effect, Exit, Layer, Option } from "effect"
import { describe, expect, it } from "vitest"
import { type ConfigResult, type Environment, loadConfig } from "../src/config.ts"
import { captcha } from "../src/layers.ts"

const secret = "k3Jx9vQ2mZ8pL4tR7wY1nB6cF0hD5sGa"

const configOf = (env: Environment) => {
  const result: ConfigResult = loadConfig(env, "/srv/app")
  if (result._tag === "Invalid") throw new Error(JSON.stringify(result.problems))
  return result.config
}

const production = configOf({
  NODE_ENV: "production",
  CLOUDPORTAL_PUBLIC_BASE_URL: "https://portal.example.de",
  RESEND_API_KEY: "re_123",
  CLOUDPORTAL_MAIL_FROM: "noreply@portal.example.de",
  CLOUDPORTAL_OPERATOR_EMAIL: "betrieb@portal.example.de",
  CLOUDPORTAL_OPERATOR_PASSWORD: "ein-eigenes-geheimes-betriebspasswort",
  CLOUDPORTAL_CAPTCHA_SECRET: secret,
  CLOUDPORTAL_CAPTCHA_MAX_NUMBER: "1000"
})

/** What the composed captcha offers: proof-of-work challenges, and what `/api/dev/captcha` would answer. */
const offered = (layer: ReturnType<typeof captcha>) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const challenges = yield* Effect.serviceOption(CaptchaChallenges)
      const challenge = Option.isSome(challenges) ? yield* challenges.value.issue() : undefined
      const devAnswer = yield* Effect.exit(DevCaptcha.use((d) => d.issue()))
      return { challenge, devAnswer }
    }).pipe(
      Effect.provide(layer.pipe(Layer.provide(Layer.mergeAll(RateLimiter.layerMemory, SecureRandom.layerWebCrypto))))
    )
  )

describe("the captcha the server composes", () => {
  it("production: proof-of-work challenges with the configured difficulty, and no solved challenge for anyone", async () => {
    const { challenge, devAnswer } = await offered(captcha(production))
    expect(challenge?.maxNumber).toBe(1000)
    expect(challenge && ProofOfWorkCaptcha.solve(challenge)).toMatch(/^\d+$/u)
    expect(Exit.isFailure(devAnswer) && Cause.hasDies(devAnswer.cause)).toBe(true)
  })

  it("development with a captcha secret: proof of work, and /api/dev/captcha solves a real challenge", async () => {
    const { challenge, devAnswer } = await offered(captcha(configOf({ CLOUDPORTAL_CAPTCHA_SECRET: secret })))
    expect(challenge?.algorithm).toBe("SHA-256")
    expect(Exit.isSuccess(devAnswer) && devAnswer.value.challengeId).toMatch(/^pow1\./u)
  })

  it("development without a secret: the development captcha only", async () => {
    const { challenge, devAnswer } = await offered(captcha(configOf({})))
    expect(challenge).toBeUndefined()
    expect(Exit.isSuccess(devAnswer) && devAnswer.value.answer).toEqual(expect.any(String))
  })
})
