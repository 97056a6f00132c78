import {
  Account,
  type AccountId,
  AccountStore,
  AuthenticationPolicyRef,
  type CaptchaChallenges,
  type CaptchaVerifier,
  type CoreServices,
  type DevCaptcha,
  DocumentRenderer,
  defaultAuthenticationPolicy,
  Email,
  Outbox,
  PasswordHasher,
  ProofOfWorkCaptcha,
  type RateLimiter,
  SecureRandom,
  storesMemory,
  useCases
} from "@cloudportal/core"
import { describe, expect, it } from "@effect/vitest"
import { Clock, DateTime, Duration, Effect, Layer, ManagedRuntime, Schema } from "effect"
import { type AppOptions, createApp } from "../src/index.ts"
import { type Answer, call, type Harness, unique } from "./harness.ts"
import { memoryHarness, shiftableClock, testPassword } from "./memoryHarness.ts"
import { password, world } from "./world.ts"

const secret = "ein-captcha-geheimnis-nur-fuer-die-tests-der-api"

type CaptchaLayer = Layer.Layer<CaptchaVerifier | CaptchaChallenges | DevCaptcha, never, RateLimiter | SecureRandom>

/** The production composition: the proof-of-work captcha, and no solved challenges for anyone. */
const production: CaptchaLayer = Layer.merge(
  ProofOfWorkCaptcha.layer({ secret, maxNumber: 5_000 }),
  ProofOfWorkCaptcha.noDevCaptcha
)
/** Development with the real captcha: `/dev/captcha` solves a real challenge on the server. */
const development: CaptchaLayer = ProofOfWorkCaptcha.layerDev({ secret, maxNumber: 5_000 })

/**
 * Core in memory behind the app as the memory harness builds it, but with the proof-of-work captcha instead of
 * the development one. One per test, so that tests share nothing.
 */
const captchaHarness = async (captcha: CaptchaLayer, options: AppOptions = {}) => {
  const { clock, offset } = shiftableClock()
  const layer = useCases.pipe(
    Layer.provideMerge(captcha),
    Layer.provideMerge(storesMemory),
    Layer.provideMerge(
      Layer.mergeAll(PasswordHasher.layerWebCrypto({ iterations: 1000 }), DocumentRenderer.layerPlainText)
    ),
    Layer.provideMerge(SecureRandom.layerWebCrypto),
    Layer.provideMerge(
      Layer.mergeAll(
        Layer.succeed(Clock.Clock)(clock),
        Layer.succeed(AuthenticationPolicyRef)({
          ...defaultAuthenticationPolicy,
          passwordResetResponseTime: Duration.zero
        })
      )
    )
  )
  const runtime: ManagedRuntime.ManagedRuntime<CoreServices | CaptchaChallenges, unknown> = ManagedRuntime.make(layer)
  await runtime.runPromise(Effect.void)
  const app = createApp(runtime, options)
  const harness: Harness = {
    origin: "http://localhost",
    basePath: "/api",
    fetch: (request) => Promise.resolve(app.fetch(request)),
    createOperator: async () => {
      const email = `operator-${unique()}@betreiber.test`
      await runtime.runPromise(
        Effect.gen(function* () {
          const now = yield* DateTime.now
          yield* AccountStore.use((s) =>
            Effect.gen(function* () {
              yield* s.insert(
                new Account({
                  id: `acc_operator_${unique()}` as AccountId,
                  kind: "operator",
                  organizationId: null,
                  email: Schema.decodeUnknownSync(Email)(email),
                  firstName: "Olga",
                  lastName: "Betrieb",
                  status: "active",
                  isMainAdmin: false,
                  roleIds: [],
                  passwordHash: yield* PasswordHasher.use((h) => h.hash(testPassword)),
                  passwordResetRequired: false,
                  createdAt: now,
                  updatedAt: now
                })
              )
            })
          )
        })
      )
      return { email, password: testPassword }
    },
    linkToken: async (email, kind) => {
      const messages = await runtime.runPromise(
        Effect.gen(function* () {
          const far = DateTime.add(yield* DateTime.now, { days: 3650 })
          return yield* Outbox.use((o) => o.due(far, 100_000))
        })
      )
      const found = messages
        .filter((m) => m.notification._tag === kind && m.notification.recipient === email.toLowerCase())
        .at(-1)
      if (!found || !("token" in found.notification)) throw new Error(`no ${kind} mailed to ${email}`)
      return found.notification.token
    },
    advanceTime: async (duration) => {
      offset.millis += Duration.toMillis(Duration.fromInputUnsafe(duration))
    },
    close: () => runtime.dispose()
  }
  return harness
}

const withHarness = async (h: Harness | Promise<Harness>, run: (h: Harness) => Promise<void>): Promise<void> => {
  const harness = await h
  try {
    await run(harness)
  } finally {
    await harness.close()
  }
}

/** The CSP-AGB in force, published by an operator over the API. */
const publishTerms = async (h: Harness): Promise<string> => {
  const operator = await h.createOperator()
  const login = await call(h, "POST", "/auth/login", { body: operator })
  expect(login.status).toBe(200)
  const terms = await call(h, "POST", "/operator/terms", {
    token: login.body.session.token,
    body: { version: `2025-${unique()}`, effectiveFrom: "2020-01-01T00:00:00.000Z", url: "https://agb.example/v1" }
  })
  expect(terms.status).toBe(201)
  return terms.body.id as string
}

const registration = (termsId: string, captcha: { readonly challengeId: string; readonly answer: string }) => {
  const suffix = unique()
  return {
    organization: {
      name: `Gemeinde ${suffix}`,
      legalForm: "Körperschaft des öffentlichen Rechts",
      administrativeLevel: "municipal",
      federalState: "DE-NW",
      address: { street: "Rathausplatz 1", postalCode: "50667", city: "Köln", phone: "+49 221 1234" }
    },
    person: { firstName: "Clara", lastName: "Captcha", email: `admin-${suffix}@gemeinde.test` },
    password,
    captcha,
    acceptedTermsId: termsId
  }
}

/** What a browser does with `GET /captcha`: fetch, then find the number. */
const solvedChallenge = async (h: Harness) => {
  const answer = await call(h, "GET", "/captcha")
  expect(answer.status).toBe(200)
  const solution = ProofOfWorkCaptcha.solve(answer.body)
  if (solution === undefined) return expect.fail(`no solution for ${JSON.stringify(answer.body)}`)
  return { challengeId: answer.body.challengeId as string, answer: solution }
}

const captchaRefused = (answer: Answer) => {
  expect(answer.status).toBe(400)
  expect(answer.body.code).toBe("InvalidInput")
  expect(answer.body.errors.map((e: { path: string }) => e.path)).toContain("captcha.answer")
}

describe("GET /captcha: the proof-of-work captcha", () => {
  it("answers a fresh challenge that no cache may keep", () =>
    withHarness(captchaHarness(production), async (h) => {
      const first = await call(h, "GET", "/captcha")
      expect(first.status).toBe(200)
      expect(first.headers.get("cache-control")).toBe("no-store")
      expect(first.body).toMatchObject({ algorithm: "SHA-256", maxNumber: 5_000 })
      expect(first.body.salt).toMatch(/^[0-9a-f]{32}$/u)
      expect(first.body.challenge).toMatch(/^[0-9a-f]{64}$/u)
      expect(Date.parse(first.body.expiresAt)).toBeGreaterThan(Date.now() + 9 * 60_000)
      const second = await call(h, "GET", "/captcha")
      expect(second.body.challengeId).not.toBe(first.body.challengeId)
    }))

  it("a solved challenge registers; its replay is refused, naming the captcha", () =>
    withHarness(captchaHarness(production), async (h) => {
      const termsId = await publishTerms(h)
      const captcha = await solvedChallenge(h)
      const submitted = await call(h, "POST", "/registrations", { body: registration(termsId, captcha) })
      expect(submitted.status).toBe(202)
      expect(submitted.body.registrationId).toEqual(expect.any(String))
      captchaRefused(await call(h, "POST", "/registrations", { body: registration(termsId, captcha) }))
    }))

  it("a wrong answer is refused, naming the captcha, and uses the challenge up", () =>
    withHarness(captchaHarness(production), async (h) => {
      const termsId = await publishTerms(h)
      const captcha = await solvedChallenge(h)
      const wrong = { ...captcha, answer: String((Number(captcha.answer) + 1) % 5_001) }
      captchaRefused(await call(h, "POST", "/registrations", { body: registration(termsId, wrong) }))
      captchaRefused(await call(h, "POST", "/registrations", { body: registration(termsId, captcha) }))
    }))

  it("a challenge answered after ten minutes is refused", () =>
    withHarness(captchaHarness(production), async (h) => {
      const termsId = await publishTerms(h)
      const captcha = await solvedChallenge(h)
      await h.advanceTime("10 minutes")
      captchaRefused(await call(h, "POST", "/registrations", { body: registration(termsId, captcha) }))
    }))

  it("in production /dev/captcha does not exist", () =>
    withHarness(captchaHarness(production), async (h) => {
      expect((await call(h, "GET", "/dev/captcha")).status).toBe(404)
    }))

  it("in development with the proof-of-work captcha, /dev/captcha still hands out answers that register", () =>
    withHarness(captchaHarness(development, { dev: true }), async (h) => {
      const org = await world(h).organization()
      expect(org.admin.token).toEqual(expect.any(String))
      const solved = await call(h, "GET", "/dev/captcha")
      expect(solved.body.challengeId).toMatch(/^pow1\./u)
      const browser = await solvedChallenge(h)
      const termsId = (await call(h, "GET", "/terms/current")).body.id as string
      expect((await call(h, "POST", "/registrations", { body: registration(termsId, browser) })).status).toBe(202)
    }))

  it("without CaptchaChallenges in the runtime it answers 404", () =>
    withHarness(memoryHarness(), async (h) => {
      const answer = await call(h, "GET", "/captcha")
      expect(answer.status).toBe(404)
      expect(answer.body.code).toBe("RouteNotFound")
    }))

  it("is documented in the OpenAPI document with its Schema, and left out on request", async () => {
    await withHarness(captchaHarness(production), async (h) => {
      const doc = (await call(h, "GET", "/openapi.json")).body
      const route = doc.paths["/captcha"].get
      expect(Object.keys(route.responses)).toEqual(expect.arrayContaining(["200", "404"]))
      const schema = JSON.stringify(route.responses["200"].content["application/json"].schema)
      const resolved = schema.includes("$ref")
        ? JSON.stringify(doc.components.schemas[schema.match(/schemas\/([^"]+)/u)?.[1] ?? ""])
        : schema
      for (const field of ["challengeId", "algorithm", "salt", "challenge", "maxNumber", "expiresAt"])
        expect(resolved).toContain(field)
    })
    await withHarness(captchaHarness(production, { captchaChallenges: false }), async (h) => {
      expect((await call(h, "GET", "/captcha")).status).toBe(404)
      expect((await call(h, "GET", "/openapi.json")).body.paths["/captcha"]).toBeUndefined()
    })
  })
})
