import { DateTime, Effect, Layer } from "effect"
import type { PublicBaseUrl } from "../config.ts"
import { DevMail, DevMailbox, MailDeliveryFailed, Mailer, type OutboxMessage } from "../internal/core.ts"
import { renderMail } from "../render.tsx"

/**
 * Development transport: renders each mail exactly as Resend would get it and drops it into the
 * `DevMailbox` (`GET /dev/mailbox`) instead of sending it. Never for production: the box keeps link
 * tokens in clear so scripts can follow them.
 */
export const layer = (settings: { readonly publicBaseUrl: PublicBaseUrl }): Layer.Layer<Mailer, never, DevMailbox> =>
  Layer.effect(
    Mailer,
    Effect.gen(function* () {
      const box = yield* DevMailbox
      const send = Effect.fn("DevMailboxMailer.send")(function* (message: OutboxMessage) {
        const mail = yield* renderMail(message.notification, settings.publicBaseUrl).pipe(
          Effect.mapError(
            (e) =>
              new MailDeliveryFailed({
                messageId: message.id,
                retryable: false,
                reason: `template ${e.template} could not be rendered: ${String(e.cause)}`
              })
          )
        )
        const sentAt = yield* DateTime.now
        yield* box
          .deliver(
            new DevMail({
              id: message.id,
              to: mail.to,
              subject: mail.subject,
              text: mail.text,
              html: mail.html,
              links: mail.links,
              sentAt
            })
          )
          .pipe(
            Effect.mapError(
              (e) =>
                new MailDeliveryFailed({
                  messageId: message.id,
                  retryable: true,
                  reason: `dev mailbox: ${e.operation}`
                })
            )
          )
      })
      return Mailer.of({ send })
    })
  )
