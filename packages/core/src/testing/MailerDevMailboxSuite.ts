import { assert, describe, layer } from "@effect/vitest"
import { DateTime, Effect, type Layer } from "effect"
import type { OutboxMessageId } from "../kernel/Ids.ts"
import { newId, SecureRandom } from "../kernel/SecureRandom.ts"
import { DevMail, DevMailbox } from "../notifications/DevMailbox.ts"

const fresh = <A extends string>(prefix: string) => newId<A>(prefix).pipe(Effect.provide(SecureRandom.layerWebCrypto))

const mail = (to: string, sentAt: string, subject = "Betreff") =>
  Effect.map(
    fresh<OutboxMessageId>("msg"),
    (id) =>
      new DevMail({
        id,
        to,
        subject,
        text: `${subject}\n\nhttps://portal.example/registrierung/bestaetigen?token=abc`,
        html: `<p>${subject} <a href="https://portal.example/registrierung/bestaetigen?token=abc&amp;x=1">Link</a></p>`,
        links: ["https://portal.example/registrierung/bestaetigen?token=abc&x=1"],
        sentAt: DateTime.makeUnsafe(sentAt)
      })
  )

/** Every address is fresh, so the tests share a store (a database) without seeing each other's mails. */
const recipient = Effect.map(fresh("rcpt"), (id) => `${id}@dev-mailbox-suite.test`)

/** The contract of every `DevMailbox` store (memory, libSQL). */
export const devMailboxSuite = (name: string, store: Layer.Layer<DevMailbox>) =>
  describe(`DevMailbox conformance: ${name}`, () => {
    layer(store)((it) => {
      it.effect("the dev mailbox lists the newest mail first", () =>
        Effect.gen(function* () {
          const to = yield* recipient
          const box = yield* DevMailbox
          const middle = yield* mail(to, "2025-03-14T10:00:00Z", "zweite")
          const oldest = yield* mail(to, "2025-03-14T09:00:00Z", "erste")
          const newest = yield* mail(to, "2025-03-14T11:00:00Z", "dritte")
          yield* box.deliver(middle)
          yield* box.deliver(oldest)
          yield* box.deliver(newest)
          const listed = yield* box.list({ to })
          assert.deepStrictEqual(
            listed.map((m) => m.subject),
            ["dritte", "zweite", "erste"]
          )
          assert.deepStrictEqual(
            (yield* box.list({ to, limit: 2 })).map((m) => m.subject),
            ["dritte", "zweite"]
          )
        })
      )

      it.effect("mails sent at the same instant list the later delivery first", () =>
        Effect.gen(function* () {
          const to = yield* recipient
          const box = yield* DevMailbox
          for (const subject of ["a", "b", "c"]) yield* box.deliver(yield* mail(to, "2025-03-14T10:00:00Z", subject))
          assert.deepStrictEqual(
            (yield* box.list({ to })).map((m) => m.subject),
            ["c", "b", "a"]
          )
        })
      )

      it.effect("the dev mailbox filters by recipient, ignoring case", () =>
        Effect.gen(function* () {
          const to = yield* recipient
          const other = yield* recipient
          const box = yield* DevMailbox
          yield* box.deliver(yield* mail(to, "2025-03-14T10:00:00Z", "meine"))
          yield* box.deliver(yield* mail(other, "2025-03-14T10:00:00Z", "fremde"))
          assert.deepStrictEqual(
            (yield* box.list({ to: to.toUpperCase() })).map((m) => m.subject),
            ["meine"]
          )
          assert.isAtLeast((yield* box.list()).length, 2)
        })
      )

      it.effect("a mail delivered twice under the same id is kept once, as first delivered", () =>
        Effect.gen(function* () {
          const to = yield* recipient
          const box = yield* DevMailbox
          const first = yield* mail(to, "2025-03-14T10:00:00Z", "einmal")
          yield* box.deliver(first)
          yield* box.deliver(
            new DevMail({ ...first, subject: "zweimal", sentAt: DateTime.makeUnsafe("2025-03-15T10:00:00Z") })
          )
          const listed = yield* box.list({ to })
          assert.strictEqual(listed.length, 1)
          assert.strictEqual(listed[0]?.subject, "einmal")
        })
      )

      it.effect("a stored mail comes back unchanged: text, html, links and time", () =>
        Effect.gen(function* () {
          const to = yield* recipient
          const box = yield* DevMailbox
          const sent = yield* mail(to, "2025-03-14T10:00:00.123Z", "Grüße „zurück“ – ß")
          yield* box.deliver(sent)
          const [back] = yield* box.list({ to })
          assert.isDefined(back)
          assert.strictEqual(back.id, sent.id)
          assert.strictEqual(back.to, sent.to)
          assert.strictEqual(back.subject, sent.subject)
          assert.strictEqual(back.text, sent.text)
          assert.strictEqual(back.html, sent.html)
          assert.deepStrictEqual(back.links, sent.links)
          assert.strictEqual(DateTime.toEpochMillis(back.sentAt), DateTime.toEpochMillis(sent.sentAt))
        })
      )
    })
  })
