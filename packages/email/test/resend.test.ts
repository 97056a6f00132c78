import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Redacted } from "effect"
import * as fc from "fast-check"
import { PublicBaseUrl } from "../src/config.ts"
import { Mailer } from "../src/internal/core.ts"
import { renderMail } from "../src/render.tsx"
import * as ResendMailer from "../src/transports/ResendMailer.ts"
import { CaptureServer, resendError } from "./capture-server.ts"
import { MailerProbe, mailerSuite, sampleMessage, sampleNotifications } from "./core-testing.ts"

const publicBaseUrl = PublicBaseUrl.make("https://portal.example.de")
const from = "Cloud-Service-Portal <noreply@portal.example.de>"

const resendAtCapture = Layer.unwrap(
  Effect.map(CaptureServer, (server) =>
    ResendMailer.layer({
      apiKey: Redacted.make("re_test_key"),
      apiBaseUrl: server.url,
      from,
      replyTo: "support@portal.example.de",
      publicBaseUrl
    })
  )
)

const world = resendAtCapture.pipe(Layer.provideMerge(CaptureServer.layer))

const probe = Layer.effect(
  MailerProbe,
  Effect.map(CaptureServer, (server) =>
    MailerProbe.of({
      deliveries: (id) =>
        Effect.sync(() =>
          server
            .deliveries()
            .filter((r) => r.headers["idempotency-key"] === id)
            .map((r) => String((r.json?.to as Array<string> | undefined)?.[0]))
        )
    })
  )
)

mailerSuite(
  "Resend over HTTP (capture server on 127.0.0.1)",
  Layer.merge(resendAtCapture, probe).pipe(Layer.provide(CaptureServer.layer))
)

const send = (n = sampleNotifications("anna.muster@musterstadt.de")[0]!) =>
  Effect.gen(function* () {
    const message = yield* sampleMessage(n)
    const result = yield* Effect.result(Mailer.use((m) => m.send(message)))
    return { message, result }
  })

const failureOf = (status: number, name: string) =>
  Effect.gen(function* () {
    const server = yield* CaptureServer
    server.answerNext(resendError(status, name))
    const { result } = yield* send()
    assert.strictEqual(result._tag, "Failure")
    if (result._tag !== "Failure") throw new Error("unreachable")
    return result.failure
  })

describe("Resend transport", () => {
  it.effect("the request carries from, to, subject, html and text, and the message id as idempotency key", () =>
    Effect.gen(function* () {
      const notification = sampleNotifications("anna.muster@musterstadt.de")[0]!
      const { message, result } = yield* send(notification)
      assert.strictEqual(result._tag, "Success")
      const [request] = (yield* CaptureServer).requests()
      assert.isDefined(request)
      const expected = yield* renderMail(notification, publicBaseUrl)
      assert.strictEqual(request.method, "POST")
      assert.strictEqual(request.path, "/emails")
      assert.strictEqual(request.headers["idempotency-key"], message.id)
      assert.strictEqual(request.headers.authorization, "Bearer re_test_key")
      assert.strictEqual(request.json?.from, from)
      assert.deepStrictEqual(request.json?.to, ["anna.muster@musterstadt.de"])
      assert.deepStrictEqual(request.json?.reply_to, "support@portal.example.de")
      assert.strictEqual(request.json?.subject, expected.subject)
      assert.strictEqual(request.json?.html, expected.html)
      assert.strictEqual(request.json?.text, expected.text)
      assert.include(
        String(request.json?.text),
        "https://portal.example.de/registrierung/bestaetigen?token=reg-token-Zx9_abc"
      )
      assert.deepStrictEqual(request.json?.tags, [{ name: "template", value: "registration-confirmation" }])
    }).pipe(Effect.provide(world))
  )

  it.effect("5xx and 429 answers are retryable", () =>
    Effect.gen(function* () {
      for (const [status, name] of [
        [500, "internal_server_error"],
        [502, "application_error"],
        [503, "application_error"],
        [429, "rate_limit_exceeded"],
        [429, "daily_quota_exceeded"]
      ] as const) {
        const failure = yield* failureOf(status, name)
        assert.strictEqual(failure._tag, "MailDeliveryFailed")
        assert.isTrue(failure.retryable, `${status} ${name}`)
        assert.include(failure.reason, String(status))
      }
    }).pipe(Effect.provide(world))
  )

  it.effect("other 4xx answers are permanent", () =>
    Effect.gen(function* () {
      for (const [status, name] of [
        [400, "validation_error"],
        [401, "missing_api_key"],
        [403, "invalid_api_key"],
        [403, "invalid_from_address"],
        [404, "not_found"],
        [409, "invalid_idempotent_request"],
        [422, "validation_error"]
      ] as const) {
        const failure = yield* failureOf(status, name)
        assert.isFalse(failure.retryable, `${status} ${name}`)
        assert.include(failure.reason, name)
      }
    }).pipe(Effect.provide(world))
  )

  it.effect("a 409 while the same idempotency key is still in flight is retryable", () =>
    Effect.gen(function* () {
      const failure = yield* failureOf(409, "concurrent_idempotent_requests")
      assert.isTrue(failure.retryable)
    }).pipe(Effect.provide(world))
  )

  it.effect("a 5xx answer that is not JSON is retryable", () =>
    Effect.gen(function* () {
      const server = yield* CaptureServer
      server.answerNext({ status: 502, body: "<html>Bad Gateway</html>" })
      const { result } = yield* send()
      assert.isTrue(result._tag === "Failure" && result.failure.retryable)
    }).pipe(Effect.provide(world))
  )

  it.effect("an unreachable mail service is a retryable failure", () =>
    Effect.gen(function* () {
      // A port that was just free: the server behind it is closed again before the request.
      const closedUrl = yield* Effect.map(CaptureServer, (s) => s.url).pipe(Effect.provide(CaptureServer.layer))
      const message = yield* sampleMessage(sampleNotifications("a@b.test")[1]!)
      const failure = yield* Effect.flip(
        Mailer.use((m) => m.send(message)).pipe(
          Effect.provide(
            ResendMailer.layer({ apiKey: Redacted.make("re_x"), apiBaseUrl: closedUrl, from, publicBaseUrl })
          )
        )
      )
      assert.isTrue(failure.retryable)
      assert.strictEqual(failure.messageId, message.id)
    })
  )

  it("a status code decides retryability: 5xx, 429 and 408 retry, every other 4xx does not", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 400, max: 599 }),
        fc.constantFrom("validation_error", "application_error"),
        (status, name) => {
          const retryable = ResendMailer.isRetryable({ statusCode: status, name })
          assert.strictEqual(retryable, status >= 500 || status === 429 || status === 408)
        }
      )
    )
    assert.isTrue(ResendMailer.isRetryable({ statusCode: null, name: "application_error" }))
    assert.isFalse(ResendMailer.isRetryable({ statusCode: null, name: "invalid_parameter" }))
  })

  it.effect("the transport reads its settings from the environment", () =>
    Effect.gen(function* () {
      const server = yield* CaptureServer
      const env = ConfigProvider.fromEnvRecord({
        RESEND_API_KEY: "re_from_env",
        RESEND_BASE_URL: server.url,
        CLOUDPORTAL_MAIL_FROM: "Portal <noreply@example.org>",
        CLOUDPORTAL_PUBLIC_BASE_URL: "https://example.org/csp"
      })
      const message = yield* sampleMessage(sampleNotifications("a@b.test")[5]!)
      yield* Mailer.use((m) => m.send(message)).pipe(
        Effect.provide(ResendMailer.layerConfig.pipe(Layer.provide(ConfigProvider.layer(env))))
      )
      const [request] = server.requests()
      assert.strictEqual(request?.headers.authorization, "Bearer re_from_env")
      assert.strictEqual(request?.json?.from, "Portal <noreply@example.org>")
      assert.include(
        String(request?.json?.text),
        "https://example.org/csp/passwort/zuruecksetzen?token=pwr-token-Ui6_jkl"
      )
    }).pipe(Effect.provide(CaptureServer.layer))
  )

  it.effect("a public base URL with a query or without a scheme is refused at start-up", () =>
    Effect.gen(function* () {
      for (const bad of [
        "portal.example.de",
        "https://portal.example.de/?x=1",
        "ftp://portal.example.de",
        "https://u:p@portal.example.de"
      ]) {
        const env = ConfigProvider.fromEnvRecord({
          RESEND_API_KEY: "re_x",
          CLOUDPORTAL_MAIL_FROM: "Portal <noreply@example.org>",
          CLOUDPORTAL_PUBLIC_BASE_URL: bad
        })
        const exit = yield* Effect.exit(
          Layer.build(ResendMailer.layerConfig.pipe(Layer.provide(ConfigProvider.layer(env)))).pipe(Effect.scoped)
        )
        assert.strictEqual(exit._tag, "Failure", bad)
      }
    })
  )
})
