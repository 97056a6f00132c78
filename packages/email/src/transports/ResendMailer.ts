import { Config, Duration, Effect, Layer, Option, Redacted } from "effect"
import { Resend } from "resend"
import { type PublicBaseUrl, publicBaseUrlConfig } from "../config.ts"
import { MailDeliveryFailed, Mailer, type OutboxMessage } from "../internal/core.ts"
import { renderMail } from "../render.tsx"

export interface ResendSettings {
  readonly apiKey: Redacted.Redacted<string>
  /** Resend's API, `https://api.resend.com` unless set; tests point it at a capture server on loopback. */
  readonly apiBaseUrl?: string
  /** The sender, on a domain verified with Resend: `Cloud-Service-Portal <noreply@portal.example.de>`. */
  readonly from: string
  readonly replyTo?: string
  /** Where the links in the mails point. */
  readonly publicBaseUrl: PublicBaseUrl
  /** One request's limit; a timeout is retryable. Default 15 seconds. */
  readonly timeout?: Duration.Input
}

/** What Resend answers on failure (`{ statusCode, name, message }`), or the SDK's own stand-in. */
export interface ResendError {
  readonly statusCode?: number | null
  readonly name?: string
  readonly message?: string
}

const retryableNames = new Set([
  "rate_limit_exceeded",
  "daily_quota_exceeded",
  "monthly_quota_exceeded",
  "concurrent_idempotent_requests",
  "application_error",
  "internal_server_error"
])

/**
 * Whether trying again can help: 5xx, 429 (rate limit, quota), 408, and the 409 that Resend answers while
 * another request with the same idempotency key is still running; no answer at all (network) too. Any other
 * 4xx is permanent: the request itself is wrong (recipient, sender, key, payload).
 */
export const isRetryable = (error: ResendError): boolean => {
  const status = error.statusCode
  if (typeof status === "number" && status > 0) {
    if (status >= 500 || status === 429 || status === 408) return true
    if (status === 409) return error.name === "concurrent_idempotent_requests"
    return false
  }
  return error.name === undefined || retryableNames.has(error.name)
}

const describe = (error: ResendError): string =>
  `Resend ${error.statusCode ?? "no response"} ${error.name ?? "unknown"}: ${error.message ?? ""}`.trim()

/**
 * Mails through Resend's HTTP API, rendering each notification to HTML and plain text first. The outbox
 * message id goes out as `Idempotency-Key`, so Resend sends a message at most once however often the
 * dispatcher retries it (within Resend's 24-hour key window).
 */
export const layer = (settings: ResendSettings): Layer.Layer<Mailer> =>
  Layer.sync(Mailer)(() => {
    // Without a base URL the SDK falls back to the RESEND_BASE_URL environment variable; passing ours always
    // keeps configuration in one place (and works where there is no environment, as on workerd).
    const client = new Resend(Redacted.value(settings.apiKey), {
      baseUrl: (settings.apiBaseUrl ?? "https://api.resend.com").replace(/\/+$/u, "")
    })
    const timeout = settings.timeout ?? "15 seconds"
    const failed = (message: OutboxMessage, retryable: boolean, reason: string) =>
      new MailDeliveryFailed({ messageId: message.id, retryable, reason })

    const send = Effect.fn("ResendMailer.send")(function* (message: OutboxMessage) {
      const mail = yield* renderMail(message.notification, settings.publicBaseUrl).pipe(
        Effect.mapError((e) =>
          failed(message, false, `template ${e.template} could not be rendered: ${String(e.cause)}`)
        )
      )
      const response = yield* Effect.tryPromise({
        try: (signal) =>
          client.emails.send(
            {
              from: settings.from,
              to: [mail.to],
              subject: mail.subject,
              html: mail.html,
              text: mail.text,
              ...(settings.replyTo === undefined ? {} : { replyTo: settings.replyTo }),
              tags: [{ name: "template", value: mail.template }]
            },
            { idempotencyKey: message.id, signal }
          ),
        catch: (cause) => failed(message, true, `Resend request failed: ${String(cause)}`)
      }).pipe(
        Effect.timeoutOrElse({
          duration: timeout,
          orElse: () =>
            Effect.fail(
              failed(
                message,
                true,
                `Resend did not answer within ${Duration.format(Duration.fromInputUnsafe(timeout))}`
              )
            )
        })
      )
      if (response.error) return yield* failed(message, isRetryable(response.error), describe(response.error))
    })
    return Mailer.of({ send })
  })

/**
 * The same from the environment: `RESEND_API_KEY`, `RESEND_BASE_URL` (optional), `CLOUDPORTAL_MAIL_FROM`,
 * `CLOUDPORTAL_MAIL_REPLY_TO` (optional), `CLOUDPORTAL_PUBLIC_BASE_URL`.
 */
export const layerConfig: Layer.Layer<Mailer, Config.ConfigError> = Layer.unwrap(
  Effect.gen(function* () {
    const apiKey = yield* Config.Redacted("RESEND_API_KEY")
    const apiBaseUrl = yield* Config.option(Config.String("RESEND_BASE_URL"))
    const from = yield* Config.NonEmptyString("CLOUDPORTAL_MAIL_FROM")
    const replyTo = yield* Config.option(Config.String("CLOUDPORTAL_MAIL_REPLY_TO"))
    const publicBaseUrl = yield* publicBaseUrlConfig
    return layer({
      apiKey,
      from,
      publicBaseUrl,
      ...Option.match(apiBaseUrl, { onNone: () => ({}), onSome: (url) => ({ apiBaseUrl: url }) }),
      ...Option.match(replyTo, { onNone: () => ({}), onSome: (address) => ({ replyTo: address }) })
    })
  })
)
