import { defaultDemoPassword } from "@cloudportal/core/demo"
import { Duration, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import { type ConfigResult, type Environment, formatProblems, loadConfig } from "../src/config.ts"

const valid = (result: ConfigResult) => {
  if (result._tag === "Invalid") return expect.fail(formatProblems(result.problems))
  return result.config
}
const problemsOf = (result: ConfigResult) => (result._tag === "Invalid" ? result.problems.map((p) => p.variable) : [])

const production: Environment = {
  NODE_ENV: "production",
  CLOUDPORTAL_PUBLIC_BASE_URL: "https://portal.example.de/",
  RESEND_API_KEY: "re_123",
  CLOUDPORTAL_MAIL_FROM: "Cloud-Service-Portal <noreply@portal.example.de>",
  CLOUDPORTAL_OPERATOR_EMAIL: "betrieb@portal.example.de",
  CLOUDPORTAL_OPERATOR_PASSWORD: "ein-eigenes-geheimes-betriebspasswort",
  CLOUDPORTAL_CAPTCHA_SECRET: "k3Jx9vQ2mZ8pL4tR7wY1nB6cF0hD5sGa"
}

describe("configuration from the environment", () => {
  it("without any variable the server runs in development on 127.0.0.1:8787 with the demo world and the dev mailbox", () => {
    const config = valid(loadConfig({}, "/home/anna/cloudportal"))
    expect(config).toMatchObject({
      production: false,
      host: "127.0.0.1",
      port: 8787,
      databaseUrl: "file:///home/anna/cloudportal/data/cloudportal.db",
      publicBaseUrl: undefined,
      linkBaseUrl: "http://127.0.0.1:8787",
      mail: { _tag: "DevMailbox" },
      captcha: { _tag: "DevCaptcha" },
      demo: { password: defaultDemoPassword },
      operator: undefined
    })
    expect(Duration.toMillis(config.dispatchInterval)).toBe(5_000)
    expect(Duration.toMillis(config.sweepInterval)).toBe(300_000)
  })

  it("DATABASE_URL takes a path (relative to where the command started), file:, :memory: and libSQL server URLs", () => {
    const url = (DATABASE_URL: string) => valid(loadConfig({ DATABASE_URL }, "/srv/app")).databaseUrl
    expect(url("db/portal.db")).toBe("file:///srv/app/db/portal.db")
    expect(url("/var/lib/portal.db")).toBe("file:///var/lib/portal.db")
    expect(url("file:portal.db")).toBe("file:portal.db")
    expect(url(":memory:")).toBe(":memory:")
    expect(url("http://127.0.0.1:8080")).toBe("http://127.0.0.1:8080")
    expect(url("libsql://cloudportal-amt.turso.io")).toBe("libsql://cloudportal-amt.turso.io")
    expect(problemsOf(loadConfig({ DATABASE_URL: "postgres://db/portal" }, "/srv/app"))).toEqual(["DATABASE_URL"])
  })

  it("production refuses to start without a real mail transport, a public base URL and a non-demo secret", () => {
    expect(problemsOf(loadConfig({ NODE_ENV: "production" }, "/srv/app"))).toEqual([
      "CLOUDPORTAL_PUBLIC_BASE_URL",
      "RESEND_API_KEY",
      "CLOUDPORTAL_CAPTCHA_SECRET",
      "CLOUDPORTAL_OPERATOR_EMAIL",
      "CLOUDPORTAL_OPERATOR_PASSWORD"
    ])
    expect(
      problemsOf(loadConfig({ ...production, CLOUDPORTAL_OPERATOR_PASSWORD: defaultDemoPassword }, "/srv/app"))
    ).toEqual(["CLOUDPORTAL_OPERATOR_PASSWORD"])
    expect(problemsOf(loadConfig({ ...production, CLOUDPORTAL_SEED_DEMO: "true" }, "/srv/app"))).toEqual([
      "CLOUDPORTAL_DEMO_PASSWORD"
    ])
  })

  it("production with its variables serves no demo world, mails through Resend and links to the public URL", () => {
    const config = valid(loadConfig(production, "/srv/app"))
    expect(config).toMatchObject({
      production: true,
      demo: undefined,
      publicBaseUrl: "https://portal.example.de",
      linkBaseUrl: "https://portal.example.de",
      mail: { _tag: "Resend", from: "Cloud-Service-Portal <noreply@portal.example.de>" }
    })
    expect(config.operator?.email).toBe("betrieb@portal.example.de")
    expect(Redacted.value(config.operator!.password)).toBe(production.CLOUDPORTAL_OPERATOR_PASSWORD)
  })

  it("production uses the proof-of-work captcha, signed with a secret of at least 32 characters", () => {
    const config = valid(loadConfig(production, "/srv/app"))
    if (config.captcha._tag !== "ProofOfWork") return expect.fail("production without the proof-of-work captcha")
    expect(Redacted.value(config.captcha.secret)).toBe(production.CLOUDPORTAL_CAPTCHA_SECRET)
    expect(config.captcha.maxNumber).toBe(100_000)
    expect(Duration.toMillis(config.captcha.lifetime)).toBe(600_000)
    const { CLOUDPORTAL_CAPTCHA_SECRET: _secret, ...withoutSecret } = production
    expect(problemsOf(loadConfig(withoutSecret, "/srv/app"))).toEqual(["CLOUDPORTAL_CAPTCHA_SECRET"])
    const short = loadConfig({ ...production, CLOUDPORTAL_CAPTCHA_SECRET: "x".repeat(31) }, "/srv/app")
    expect(problemsOf(short)).toEqual(["CLOUDPORTAL_CAPTCHA_SECRET"])
    expect(formatProblems(short._tag === "Invalid" ? short.problems : [])).toContain(
      "CLOUDPORTAL_CAPTCHA_SECRET must be at least 32 characters long"
    )
    expect(
      valid(loadConfig({ ...production, CLOUDPORTAL_CAPTCHA_SECRET: "x".repeat(32) }, "/srv/app")).captcha._tag
    ).toBe("ProofOfWork")
  })

  it("the captcha's difficulty and lifetime are configurable, and checked", () => {
    const config = valid(
      loadConfig(
        { ...production, CLOUDPORTAL_CAPTCHA_MAX_NUMBER: "250000", CLOUDPORTAL_CAPTCHA_LIFETIME: "5 minutes" },
        "/srv/app"
      )
    )
    expect(config.captcha).toMatchObject({ _tag: "ProofOfWork", maxNumber: 250_000 })
    expect(config.captcha._tag === "ProofOfWork" && Duration.toMillis(config.captcha.lifetime)).toBe(300_000)
    for (const bad of ["0", "-5", "1e5", "viel", "1000000001"])
      expect(problemsOf(loadConfig({ ...production, CLOUDPORTAL_CAPTCHA_MAX_NUMBER: bad }, "/srv/app"))).toEqual([
        "CLOUDPORTAL_CAPTCHA_MAX_NUMBER"
      ])
    expect(problemsOf(loadConfig({ ...production, CLOUDPORTAL_CAPTCHA_LIFETIME: "gleich" }, "/srv/app"))).toEqual([
      "CLOUDPORTAL_CAPTCHA_LIFETIME"
    ])
  })

  it("development keeps the development captcha unless a captcha secret is set", () => {
    expect(valid(loadConfig({}, "/srv/app")).captcha).toEqual({ _tag: "DevCaptcha" })
    const withSecret = valid(
      loadConfig({ CLOUDPORTAL_CAPTCHA_SECRET: production.CLOUDPORTAL_CAPTCHA_SECRET }, "/srv/app")
    )
    expect(withSecret.captcha._tag).toBe("ProofOfWork")
    expect(problemsOf(loadConfig({ CLOUDPORTAL_CAPTCHA_SECRET: "kurz" }, "/srv/app"))).toEqual([
      "CLOUDPORTAL_CAPTCHA_SECRET"
    ])
  })

  it("every bad variable is reported at once, each named with what it should hold", () => {
    const result = loadConfig(
      {
        PORT: "80a",
        HOST: "local host",
        CLOUDPORTAL_PUBLIC_BASE_URL: "portal.example.de",
        RESEND_API_KEY: "re_123",
        CLOUDPORTAL_SWEEP_INTERVAL: "-5 minutes",
        CLOUDPORTAL_TRUST_PROXY: "vielleicht",
        CLOUDPORTAL_MAX_IN_FLIGHT: "0",
        CLOUDPORTAL_DEMO_PASSWORD: "zu kurz"
      },
      "/srv/app"
    )
    expect(problemsOf(result).sort()).toEqual(
      [
        "HOST",
        "PORT",
        "CLOUDPORTAL_PUBLIC_BASE_URL",
        "CLOUDPORTAL_MAIL_FROM",
        "CLOUDPORTAL_SWEEP_INTERVAL",
        "CLOUDPORTAL_TRUST_PROXY",
        "CLOUDPORTAL_MAX_IN_FLIGHT",
        "CLOUDPORTAL_DEMO_PASSWORD"
      ].sort()
    )
    const message = formatProblems(result._tag === "Invalid" ? result.problems : [])
    expect(message).toContain('  PORT must be a port number from 0 to 65535, got "80a"')
  })

  it("load shedding defaults to 64 requests in flight, 200 ms of queueing delay and Node's backlog of 511, and refuses values that cannot work", () => {
    const config = valid(loadConfig({}, "/srv/app"))
    expect(config.maxInFlight).toBe(64)
    expect(Duration.toMillis(config.maxQueueDelay)).toBe(200)
    expect(config.listenBacklog).toBe(511)
    const tuned = valid(
      loadConfig(
        {
          CLOUDPORTAL_MAX_IN_FLIGHT: "16",
          CLOUDPORTAL_MAX_QUEUE_DELAY: "500 millis",
          CLOUDPORTAL_LISTEN_BACKLOG: "4096"
        },
        "/srv/app"
      )
    )
    expect([tuned.maxInFlight, Duration.toMillis(tuned.maxQueueDelay), tuned.listenBacklog]).toEqual([16, 500, 4096])
    for (const [variable, value] of [
      ["CLOUDPORTAL_MAX_QUEUE_DELAY", "5 millis"],
      ["CLOUDPORTAL_MAX_QUEUE_DELAY", "2 minutes"],
      ["CLOUDPORTAL_MAX_QUEUE_DELAY", "bald"],
      ["CLOUDPORTAL_LISTEN_BACKLOG", "0"],
      ["CLOUDPORTAL_LISTEN_BACKLOG", "70000"],
      ["CLOUDPORTAL_LISTEN_BACKLOG", "viele"],
      ["CLOUDPORTAL_MAX_IN_FLIGHT", "1.5"]
    ] as const)
      expect(problemsOf(loadConfig({ [variable]: value }, "/srv/app")), `${variable}=${value}`).toEqual([variable])
  })
})
