import { assert, describe, layer } from "@effect/vitest"
import { Context, DateTime, Effect, Layer } from "effect"
import type { OutboxMessageId } from "../kernel/Ids.ts"
import { Money } from "../kernel/Money.ts"
import type { Notification } from "../kernel/Notification.ts"
import { OutboxMessage } from "../kernel/Outbox.ts"
import { newId, SecureRandom } from "../kernel/SecureRandom.ts"
import { MailCapture, Mailer } from "../notifications/Mailer.ts"

/**
 * What a transport under test actually delivered, seen from the far side (the capture, the dev mailbox,
 * the mail service's API). Each adapter's test provides one beside its `Mailer`.
 */
export class MailerProbe extends Context.Service<
  MailerProbe,
  {
    /** The recipient of every mail that reached an inbox for this message id: one entry per mail. */
    readonly deliveries: (id: OutboxMessageId) => Effect.Effect<ReadonlyArray<string>>
  }
>()("@cloudportal/core/testing/MailerProbe") {
  /** The probe of `Mailer.layerMemory`. */
  static readonly layerCapture = Layer.effect(
    MailerProbe,
    Effect.map(MailCapture, (capture) =>
      MailerProbe.of({
        deliveries: (id) =>
          Effect.map(capture.delivered, (all) => all.filter((m) => m.id === id).map((m) => m.notification.recipient))
      })
    )
  )
}

const at = (iso: string) => DateTime.makeUnsafe(iso)

const person = (recipient: string, locale: "de" | "en") => ({
  recipient,
  recipientName: locale === "de" ? "Anna Muster" : "Anna Example",
  locale
})

const order = {
  orderId: "ord_7k2m9q4x",
  offeringName: "Managed Kubernetes (Stufe M)",
  contractModel: "DV" as const,
  total: Money.cents(123456)
}

/**
 * One notification of every kind and variant the portal mails (DOMAIN §10): thirteen, because an
 * invitation may be re-sent and an order placement goes to the customer and to the acting party.
 */
export const sampleNotifications = (recipient: string, locale: "de" | "en" = "de"): ReadonlyArray<Notification> => {
  const to = person(recipient, locale)
  const organizationName = "Stadtverwaltung Musterstadt"
  return [
    {
      _tag: "RegistrationConfirmationLink",
      ...to,
      organizationName,
      token: "reg-token-Zx9_abc",
      expiresAt: at("2025-03-17T09:30:00Z")
    },
    { _tag: "RegistrationApproved", ...to, organizationName },
    { _tag: "RegistrationRejected", ...to, organizationName, reason: "Die Organisation ist bereits registriert." },
    {
      _tag: "Invitation",
      ...to,
      organizationName,
      invitedBy: "Max Beispiel",
      token: "inv-token-Qw8_def",
      expiresAt: at("2025-03-17T09:30:00Z"),
      resent: false
    },
    {
      _tag: "Invitation",
      ...to,
      organizationName,
      invitedBy: "Max Beispiel",
      token: "inv-token-Rt7_ghi",
      expiresAt: at("2025-03-20T09:30:00Z"),
      resent: true
    },
    { _tag: "PasswordResetLink", ...to, token: "pwr-token-Ui6_jkl", expiresAt: at("2025-03-14T10:30:00Z") },
    { _tag: "PasswordChanged", ...to, changedAt: at("2025-03-14T09:45:00Z") },
    { _tag: "OrderPlaced", ...to, ...order, audience: "customer", deadline: at("2025-04-13T22:00:00Z") },
    { _tag: "OrderPlaced", ...to, ...order, audience: "actingParty", deadline: at("2025-04-13T22:00:00Z") },
    { _tag: "OrderStatusChanged", ...to, ...order, from: "open", to: "inReviewByProviderDV" },
    {
      _tag: "OrderRejected",
      ...to,
      ...order,
      status: "rejectedByProviderDV",
      reason: "Die gewünschte Konfiguration ist nicht verfügbar."
    },
    { _tag: "OrderDeadlineReminder", ...to, ...order, deadline: at("2025-04-13T22:00:00Z") },
    { _tag: "OrderExpired", ...to, ...order }
  ]
}

/** A pending outbox message around a notification, with a fresh id. */
export const sampleMessage = (notification: Notification) =>
  Effect.gen(function* () {
    const now = yield* DateTime.now
    return new OutboxMessage({
      id: yield* newId<OutboxMessageId>("msg"),
      notification,
      createdAt: now,
      status: "pending",
      attempts: 0,
      nextAttemptAt: now,
      lastError: null
    })
  }).pipe(Effect.provide(SecureRandom.layerWebCrypto))

const uniqueRecipient = Effect.map(newId("rcpt"), (id) => `${id}@mailer-suite.test`).pipe(
  Effect.provide(SecureRandom.layerWebCrypto)
)

const send = (message: OutboxMessage) => Mailer.use((m) => m.send(message))

/**
 * The contract of every `Mailer` transport: each kind of notification is delivered to its recipient,
 * and the message id works as idempotency key.
 */
export const mailerSuite = (name: string, mailer: Layer.Layer<Mailer | MailerProbe>) =>
  describe(`Mailer conformance: ${name}`, () => {
    layer(mailer)((it) => {
      for (const locale of ["de", "en"] as const) {
        it.effect(`every kind of notification is delivered to its recipient (${locale})`, () =>
          Effect.gen(function* () {
            const recipient = yield* uniqueRecipient
            const probe = yield* MailerProbe
            for (const notification of sampleNotifications(recipient, locale)) {
              const message = yield* sampleMessage(notification)
              yield* send(message)
              assert.deepStrictEqual(yield* probe.deliveries(message.id), [recipient], notification._tag)
            }
          })
        )
      }

      it.effect("a message sent twice under the same id reaches its recipient once", () =>
        Effect.gen(function* () {
          const recipient = yield* uniqueRecipient
          const message = yield* sampleMessage(sampleNotifications(recipient)[0]!)
          yield* send(message)
          yield* send(message)
          assert.deepStrictEqual(yield* MailerProbe.use((p) => p.deliveries(message.id)), [recipient])
        })
      )

      it.effect("two messages with equal content are two mails", () =>
        Effect.gen(function* () {
          const recipient = yield* uniqueRecipient
          const notification = sampleNotifications(recipient)[1]!
          const first = yield* sampleMessage(notification)
          const second = yield* sampleMessage(notification)
          yield* send(first)
          yield* send(second)
          const probe = yield* MailerProbe
          assert.deepStrictEqual(yield* probe.deliveries(first.id), [recipient])
          assert.deepStrictEqual(yield* probe.deliveries(second.id), [recipient])
        })
      )
    })
  })
