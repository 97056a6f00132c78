import { defaultDemoPassword } from "@cloudportal/core/demo"
import { Duration, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import { type ConfigResult, type Env, loadConfig } from "../src/config.ts"

const captchaSecret = "k3Jx9vQ2mZ8pL4tR7wY1nB6cF0hD5sGa"

const problemsOf = (result: ConfigResult) => (result._tag === "Invalid" ? result.problems.map((p) => p.variable) : [])

const deployed: Env = {
  DATABASE_URL: "libsql://cloudportal-amt.turso.io",
  DATABASE_AUTH_TOKEN: "token",
  CLOUDPORTAL_PUBLIC_BASE_URL: "https://portal.example.de",
  RESEND_API_KEY: "re_123",
  CLOUDPORTAL_MAIL_FROM: "Cloud-Service-Portal <noreply@portal.example.de>",
  CLOUDPORTAL_CAPTCHA_SECRET: captchaSecret
}

describe("the Worker's bindings", () => {
  it("a deployed Worker needs an HTTP database URL, a public base URL and a real mail transport", () => {
    expect(problemsOf(loadConfig({}))).toEqual([
      "DATABASE_URL",
      "CLOUDPORTAL_PUBLIC_BASE_URL",
      "RESEND_API_KEY",
      "CLOUDPORTAL_CAPTCHA_SECRET"
    ])
    expect(problemsOf(loadConfig({ ...deployed, DATABASE_URL: "file:portal.db" }))).toEqual(["DATABASE_URL"])
    const result = loadConfig(deployed)
    expect(result).toMatchObject({
      _tag: "Valid",
      config: { dev: false, mail: { _tag: "Resend" }, demo: undefined, pbkdf2Iterations: 100_000 }
    })
  })

  it("the demo world and the published demo password are for development only", () => {
    expect(problemsOf(loadConfig({ ...deployed, CLOUDPORTAL_SEED_DEMO: "true" }))).toEqual(["CLOUDPORTAL_SEED_DEMO"])
    expect(
      problemsOf(
        loadConfig({
          ...deployed,
          CLOUDPORTAL_OPERATOR_EMAIL: "betrieb@portal.example.de",
          CLOUDPORTAL_OPERATOR_PASSWORD: defaultDemoPassword
        })
      )
    ).toEqual(["CLOUDPORTAL_OPERATOR_PASSWORD"])
    const dev = loadConfig({
      DATABASE_URL: "http://127.0.0.1:8080",
      CLOUDPORTAL_PUBLIC_BASE_URL: "http://localhost:8787",
      CLOUDPORTAL_DEV: "true",
      CLOUDPORTAL_SEED_DEMO: "true"
    })
    expect(dev).toMatchObject({
      _tag: "Valid",
      config: { dev: true, mail: { _tag: "DevMailbox" }, demo: { password: defaultDemoPassword } }
    })
  })

  it("a deployed Worker uses the proof-of-work captcha, signed with a secret of at least 32 characters", () => {
    const result = loadConfig(deployed)
    if (result._tag === "Invalid") return expect.fail(JSON.stringify(result.problems))
    const { captcha } = result.config
    if (captcha._tag !== "ProofOfWork") return expect.fail("deployed without the proof-of-work captcha")
    expect(Redacted.value(captcha.secret)).toBe(captchaSecret)
    expect(captcha.maxNumber).toBe(100_000)
    expect(Duration.toMillis(captcha.lifetime)).toBe(600_000)
    const { CLOUDPORTAL_CAPTCHA_SECRET: _secret, ...withoutSecret } = deployed
    expect(problemsOf(loadConfig(withoutSecret))).toEqual(["CLOUDPORTAL_CAPTCHA_SECRET"])
    expect(problemsOf(loadConfig({ ...deployed, CLOUDPORTAL_CAPTCHA_SECRET: "x".repeat(31) }))).toEqual([
      "CLOUDPORTAL_CAPTCHA_SECRET"
    ])
    expect(
      problemsOf(loadConfig({ ...deployed, CLOUDPORTAL_CAPTCHA_MAX_NUMBER: "0", CLOUDPORTAL_CAPTCHA_LIFETIME: "bald" }))
    ).toEqual(["CLOUDPORTAL_CAPTCHA_MAX_NUMBER", "CLOUDPORTAL_CAPTCHA_LIFETIME"])
    const tuned = loadConfig({
      ...deployed,
      CLOUDPORTAL_CAPTCHA_MAX_NUMBER: "50000",
      CLOUDPORTAL_CAPTCHA_LIFETIME: "5 minutes"
    })
    expect(tuned).toMatchObject({ _tag: "Valid", config: { captcha: { _tag: "ProofOfWork", maxNumber: 50_000 } } })
  })

  it("development keeps the development captcha unless a captcha secret is set", () => {
    const dev = {
      DATABASE_URL: "http://127.0.0.1:8080",
      CLOUDPORTAL_PUBLIC_BASE_URL: "http://localhost:8787",
      CLOUDPORTAL_DEV: "true"
    }
    expect(loadConfig(dev)).toMatchObject({ _tag: "Valid", config: { captcha: { _tag: "DevCaptcha" } } })
    expect(loadConfig({ ...dev, CLOUDPORTAL_CAPTCHA_SECRET: captchaSecret })).toMatchObject({
      _tag: "Valid",
      config: { captcha: { _tag: "ProofOfWork" } }
    })
  })

  it("PBKDF2 iterations above workerd's limit of 100,000 are refused", () => {
    expect(problemsOf(loadConfig({ ...deployed, CLOUDPORTAL_PBKDF2_ITERATIONS: "600000" }))).toEqual([
      "CLOUDPORTAL_PBKDF2_ITERATIONS"
    ])
  })
})
