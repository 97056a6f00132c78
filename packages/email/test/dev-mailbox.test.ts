import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { PublicBaseUrl } from "../src/config.ts"
import { DevMailbox } from "../src/internal/core.ts"
import * as DevMailboxMailer from "../src/transports/DevMailboxMailer.ts"
import {
  Dispatcher,
  enqueue,
  MailerProbe,
  mailerSuite,
  Outbox,
  SecureRandom,
  sampleNotifications
} from "./core-testing.ts"

const transport = DevMailboxMailer.layer({ publicBaseUrl: PublicBaseUrl.make("http://localhost:8787") })

const probe = Layer.effect(
  MailerProbe,
  Effect.map(DevMailbox, (box) =>
    MailerProbe.of({
      deliveries: (id) =>
        box.list().pipe(
          Effect.orDie,
          Effect.map((mails) => mails.filter((m) => m.id === id).map((m) => m.to))
        )
    })
  )
)

mailerSuite("dev mailbox (memory)", Layer.merge(transport, probe).pipe(Layer.provide(DevMailbox.layerMemory)))

const world = Dispatcher.layer().pipe(
  Layer.provideMerge(
    Layer.mergeAll(
      Outbox.layerMemory,
      transport.pipe(Layer.provideMerge(DevMailbox.layerMemory)),
      SecureRandom.layerSeeded(9)
    )
  )
)

describe("dev mailbox transport", () => {
  it.effect("the dev mailbox shows each sent mail rendered, with its links, newest first", () =>
    Effect.gen(function* () {
      const [confirmation, approved] = sampleNotifications("Anna.Muster@musterstadt.de")
      yield* TestClock.adjust("1 hour")
      const first = yield* enqueue(confirmation!)
      yield* Dispatcher.use((d) => d.runOnce())
      yield* TestClock.adjust("1 minute")
      const second = yield* enqueue(approved!)
      yield* Dispatcher.use((d) => d.runOnce())
      yield* enqueue(sampleNotifications("someone.else@example.org")[1]!)
      yield* Dispatcher.use((d) => d.runOnce())

      const mails = yield* DevMailbox.use((b) => b.list({ to: "anna.muster@musterstadt.de" }))
      assert.deepStrictEqual(
        mails.map((m) => m.id),
        [second.id, first.id]
      )
      const [, confirmationMail] = mails
      assert.strictEqual(confirmationMail?.subject, "Bitte bestätigen Sie Ihre Registrierung im Cloud-Service-Portal")
      assert.deepStrictEqual(confirmationMail?.links, [
        "http://localhost:8787/registrierung/bestaetigen?token=reg-token-Zx9_abc"
      ])
      assert.include(confirmationMail?.text, "Registrierung bestätigen:")
      assert.include(confirmationMail?.html, '<html dir="ltr" lang="de">')
      assert.strictEqual(DateTime.toEpochMillis(confirmationMail!.sentAt), 3_600_000)
    }).pipe(Effect.provide(world))
  )
})
