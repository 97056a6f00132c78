import { assert, describe, layer } from "@effect/vitest"
import { DateTime, Effect, Layer, Schema } from "effect"
import type { OutboxMessageId } from "../kernel/Ids.ts"
import { type Notification, redact } from "../kernel/Notification.ts"
import { enqueue, enqueueAll, Outbox, OutboxMessage } from "../kernel/Outbox.ts"
import { newId, SecureRandom } from "../kernel/SecureRandom.ts"
import { sampleNotifications } from "./MailerSuite.ts"

const OutboxMessageJson = Schema.toCodecJson(OutboxMessage)
/** Messages as plain JSON, so comparisons see every field and nothing of how a store caches values. */
const json = (messages: ReadonlyArray<OutboxMessage | undefined>) =>
  messages.map((m) => (m === undefined ? undefined : Schema.encodeSync(OutboxMessageJson)(m)))

const recipient = Effect.map(newId("rcpt"), (id) => `${id}@outbox-suite.test`)

const message = (
  notification: Notification,
  fields: Partial<Pick<OutboxMessage, "createdAt" | "nextAttemptAt" | "status" | "attempts" | "lastError">> = {}
) =>
  Effect.gen(function* () {
    const now = yield* DateTime.now
    return new OutboxMessage({
      id: yield* newId<OutboxMessageId>("msg"),
      notification,
      createdAt: now,
      status: "pending",
      attempts: 0,
      nextAttemptAt: now,
      lastError: null,
      ...fields
    })
  })

const at = (iso: string) => DateTime.makeUnsafe(iso)

const add = (m: OutboxMessage) => Outbox.use((o) => o.add(m))
const get = (id: OutboxMessageId) => Outbox.use((o) => o.get(id))
const dueIds = (now: DateTime.Utc, limit: number) =>
  Outbox.use((o) => o.due(now, limit)).pipe(Effect.map((ms) => ms.map((m) => m.id)))
const dueOf = (m: OutboxMessage, now: DateTime.Utc) =>
  dueIds(now, 10_000).pipe(Effect.map((ids) => ids.filter((id) => id === m.id)))

/**
 * The contract of every `Outbox`: messages read back unchanged, `due` lists pending messages whose
 * time has come (oldest first, up to a limit), and `update` replaces a message.
 *
 * `due` sees every message of the store. The test of its order and limit works in 1900, before any
 * message of the other tests; the others look only at their own messages in what `due` returns.
 */
export const outboxSuite = <E>(name: string, outbox: Layer.Layer<Outbox, E>) =>
  describe(`Outbox conformance: ${name}`, () => {
    layer(Layer.merge(outbox, SecureRandom.layerWebCrypto))((it) => {
      it.effect("every kind of notification reads back from the outbox unchanged", () =>
        Effect.gen(function* () {
          const to = yield* recipient
          for (const locale of ["de", "en"] as const)
            for (const notification of sampleNotifications(to, locale)) {
              const m = yield* message(notification)
              yield* add(m)
              assert.deepStrictEqual(json([yield* get(m.id)]), json([m]), notification._tag)
            }
        })
      )

      it.effect("an unknown message id finds nothing", () =>
        Effect.gen(function* () {
          assert.strictEqual(yield* get(yield* newId<OutboxMessageId>("msg")), undefined)
        })
      )

      it.effect("due lists the pending messages whose time has come, oldest first, up to the limit", () =>
        Effect.gen(function* () {
          const to = yield* recipient
          const [n1, n2, n3, n4, n5, n6] = sampleNotifications(to)
          const now = at("1900-06-01T12:00:00Z")
          // Added out of creation order, so the order of `due` cannot come from insertion.
          const third = yield* message(n3!, { createdAt: at("1900-05-03T00:00:00Z"), nextAttemptAt: now })
          const first = yield* message(n1!, {
            createdAt: at("1900-05-01T00:00:00Z"),
            nextAttemptAt: at("1900-05-01T00:00:00Z")
          })
          const later = yield* message(n4!, {
            createdAt: at("1900-04-01T00:00:00Z"),
            nextAttemptAt: at("1900-06-01T12:00:00.001Z")
          })
          const second = yield* message(n2!, {
            createdAt: at("1900-05-02T00:00:00Z"),
            nextAttemptAt: at("1900-05-30T00:00:00Z")
          })
          const sent = yield* message(n5!, {
            createdAt: at("1900-04-02T00:00:00Z"),
            nextAttemptAt: at("1900-04-02T00:00:00Z"),
            status: "sent",
            attempts: 1
          })
          const failed = yield* message(n6!, {
            createdAt: at("1900-04-03T00:00:00Z"),
            nextAttemptAt: at("1900-04-03T00:00:00Z"),
            status: "failed",
            attempts: 5,
            lastError: "mailbox unavailable"
          })
          for (const m of [third, first, later, second, sent, failed]) yield* add(m)

          assert.deepStrictEqual(yield* dueIds(now, 10), [first.id, second.id, third.id])
          assert.deepStrictEqual(yield* dueIds(now, 2), [first.id, second.id])
          assert.deepStrictEqual(yield* dueIds(at("1900-04-30T00:00:00Z"), 10), [])
          assert.deepStrictEqual(yield* dueIds(at("1900-06-01T12:00:00.001Z"), 10), [
            later.id,
            first.id,
            second.id,
            third.id
          ])
        })
      )

      it.effect("update replaces a message: a sent one with its secret redacted is due no more", () =>
        Effect.gen(function* () {
          const to = yield* recipient
          const link = sampleNotifications(to).find((n) => n._tag === "PasswordResetLink")!
          const now = at("1960-01-01T00:00:00Z")
          const m = yield* message(link, { createdAt: now, nextAttemptAt: now })
          yield* add(m)
          assert.deepStrictEqual(yield* dueOf(m, now), [m.id])

          const retry = new OutboxMessage({
            ...m,
            attempts: 1,
            lastError: "503 from the mail service",
            nextAttemptAt: at("1960-01-01T00:05:00Z")
          })
          yield* Outbox.use((o) => o.update(retry))
          assert.deepStrictEqual(json([yield* get(m.id)]), json([retry]))
          assert.deepStrictEqual(yield* dueOf(m, now), [])
          assert.deepStrictEqual(yield* dueOf(m, at("1960-01-01T00:05:00Z")), [m.id])

          const sent = new OutboxMessage({
            ...retry,
            status: "sent",
            attempts: 2,
            notification: redact(m.notification)
          })
          yield* Outbox.use((o) => o.update(sent))
          const stored = yield* get(m.id)
          assert.deepStrictEqual(json([stored]), json([sent]))
          assert.strictEqual(
            stored?.notification._tag === "PasswordResetLink" && stored.notification.token,
            "[redacted]"
          )
          assert.deepStrictEqual(yield* dueOf(m, at("1960-01-02T00:00:00Z")), [])
          // Purging what settled messages left behind changes no message.
          yield* Outbox.use((o) => o.purgeSettled)
          assert.deepStrictEqual(json([yield* get(m.id)]), json([sent]))
        })
      )

      it.effect("addAll stores every message unchanged, and due sends messages of one instant in the order added", () =>
        Effect.gen(function* () {
          const to = yield* recipient
          const kinds = sampleNotifications(to)
          // One, a few, and more than a store may write with one statement.
          for (const [count, year] of [
            [1, 1931],
            [3, 1932],
            [17, 1933],
            [130, 1934]
          ] as const) {
            const now = at(`${year}-01-01T00:00:00Z`)
            const batch: Array<OutboxMessage> = []
            for (let i = 0; i < count; i++)
              batch.push(yield* message(kinds[i % kinds.length]!, { createdAt: now, nextAttemptAt: now }))
            yield* Outbox.use((o) => o.addAll(batch))
            assert.deepStrictEqual(json(yield* Effect.forEach(batch, (m) => get(m.id))), json(batch), `${count}`)
            const ids = new Set(batch.map((m) => m.id))
            const due = (yield* dueIds(now, 10_000)).filter((id) => ids.has(id))
            assert.deepStrictEqual(
              due,
              batch.map((m) => m.id),
              `${count}`
            )
          }
          yield* Outbox.use((o) => o.addAll([]))
        })
      )

      it.effect("enqueueAll queues pending messages due at once, sent in the order given", () =>
        Effect.gen(function* () {
          const to = yield* recipient
          const notifications = sampleNotifications(to).slice(0, 3)
          const queued = yield* enqueueAll(notifications)
          assert.deepStrictEqual(
            queued.map((m) => m.notification),
            notifications
          )
          assert.deepStrictEqual(json(yield* Effect.forEach(queued, (m) => get(m.id))), json(queued))
          const first = queued[0]!
          const ids = new Set(queued.map((m) => m.id))
          assert.deepStrictEqual(
            (yield* dueIds(first.createdAt, 10_000)).filter((id) => ids.has(id)),
            queued.map((m) => m.id)
          )
          for (const m of queued) {
            assert.strictEqual(m.status, "pending")
            assert.isTrue(DateTime.Equivalence(m.nextAttemptAt, first.createdAt))
          }
          assert.deepStrictEqual(yield* enqueueAll([]), [])
        })
      )

      it.effect("enqueue stores a pending message that is due at once", () =>
        Effect.gen(function* () {
          const to = yield* recipient
          const queued = yield* enqueue(sampleNotifications(to)[1]!)
          const stored = yield* get(queued.id)
          assert.deepStrictEqual(json([stored]), json([queued]))
          assert.strictEqual(stored?.status, "pending")
          assert.strictEqual(stored?.attempts, 0)
          assert.isTrue(stored !== undefined && DateTime.Equivalence(stored.nextAttemptAt, stored.createdAt))
        })
      )
    })
  })
