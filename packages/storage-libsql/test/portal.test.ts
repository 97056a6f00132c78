import { assert, describe, it, layer } from "@effect/vitest"
import { DateTime, Effect, Layer } from "effect"
import { AccountStore, AuditLog, OrderStore, Outbox } from "../src/internal/core.ts"
import { LibsqlDatabase } from "../src/LibsqlDatabase.ts"
import {
  Catalog,
  defaultDemoPassword,
  demoAccounts,
  Members,
  Ordering,
  seedDemoWorld,
  verifyChain
} from "./support/core.ts"
import { fileUrl, portal, setToday, signIn } from "./support/portal.ts"

/** Rows per table: what "the second run changed nothing" is checked against. */
const rowCounts = Effect.gen(function* () {
  const { client } = yield* LibsqlDatabase
  const tables = yield* Effect.promise(() =>
    client.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
  )
  const counts: Record<string, number> = {}
  for (const { name } of tables.rows) {
    const rs = yield* Effect.promise(() => client.execute(`SELECT count(*) AS n FROM "${String(name)}"`))
    counts[String(name)] = Number(rs.rows[0]?.n)
  }
  return counts
})

const signInAs = (email: string) => signIn(email, defaultDemoPassword)

/** Every message in the outbox, sent or not yet. */
const outbox = Outbox.use((o) => o.due(DateTime.makeUnsafe("9999-01-01T00:00:00Z"), 100_000))

describe("the whole core over libSQL (useCases + platformDefaults on a file database)", () => {
  it.effect("the demo world is seeded through the rules once, and a restart on the same file keeps it unchanged", () =>
    Effect.gen(function* () {
      yield* setToday
      const url = yield* fileUrl
      const first = yield* Effect.gen(function* () {
        assert.isTrue((yield* seedDemoWorld()).created)
        return yield* rowCounts
      }).pipe(Effect.provide(portal(url)))
      // The demo world of API.md: four organizations registered and approved, five offerings.
      assert.strictEqual(first.registrations, 4)
      assert.strictEqual(first.offerings, 5)
      assert.strictEqual(first.inhouse_declarations, 2)

      // A new process: a new client on the same file.
      yield* Effect.gen(function* () {
        assert.isFalse((yield* seedDemoWorld()).created)
        assert.deepStrictEqual(yield* rowCounts, first)
        for (const email of Object.values(demoAccounts)) yield* signInAs(email)
        const kommune = yield* signInAs(demoAccounts.kommune)
        const offerings = (yield* Catalog.use((c) => c.list(kommune, { limit: 50 }))).items
        assert.deepStrictEqual(offerings.map((o) => o.serviceType).sort(), ["IaaS", "PaaS", "SaaS", "SaaS", "SaaS"])
        if (kommune._tag !== "Member") return assert.fail(kommune._tag)
        const events = yield* AuditLog.use((l) => l.list(kommune.organizationId, { afterSequence: 0, limit: 10_000 }))
        assert.isAbove(events.length, 0)
        assert.deepStrictEqual(yield* verifyChain(events), { ok: true })
      }).pipe(Effect.provide(portal(url)))
    })
  )

  layer(Layer.unwrap(Effect.map(fileUrl, portal)), { timeout: 60_000 })((it) => {
    it.effect("of 50 concurrent confirmations of one order exactly one wins, the others get StaleOrderStatus", () =>
      Effect.gen(function* () {
        yield* setToday
        yield* seedDemoWorld()
        const kommune = yield* signInAs(demoAccounts.kommune)
        const provider = yield* signInAs(demoAccounts.providerB)
        const ordering = yield* Ordering
        const offerings = (yield* Catalog.use((c) => c.list(kommune, { limit: 50 }))).items
        const free = offerings.find((o) => o.name.de === "Videokonferenz Basis")!
        const order = yield* ordering.place(kommune, {
          offeringId: free.id,
          pricePlanId: "frei",
          quantity: 1,
          contractModel: "DV"
        })
        yield* ordering.transition(provider, order.id, { action: "startReview", expectedStatus: "open" })

        const outcomes = yield* Effect.forEach(
          Array.from({ length: 50 }),
          () =>
            ordering.transition(provider, order.id, { action: "confirm", expectedStatus: "inReviewByProviderDV" }).pipe(
              Effect.as("confirmed"),
              Effect.catchTag("StaleOrderStatus", (e) => Effect.succeed(e._tag))
            ),
          { concurrency: "unbounded" }
        )
        assert.strictEqual(outcomes.filter((o) => o === "confirmed").length, 1)
        assert.strictEqual(outcomes.filter((o) => o === "StaleOrderStatus").length, 49)

        const stored = yield* OrderStore.use((s) => s.get(order.id))
        assert.strictEqual(stored?.status, "confirmedByProviderDV")
        assert.deepStrictEqual(
          stored?.history.map((h) => h.action),
          ["startReview", "confirm"]
        )
        // One confirmation, one audit event, one mail: the losers left nothing behind.
        if (kommune._tag !== "Member") return assert.fail(kommune._tag)
        const events = yield* AuditLog.use((l) => l.list(kommune.organizationId, { afterSequence: 0, limit: 10_000 }))
        assert.strictEqual(events.filter((e) => e.action === "order.confirm" && e.subject.id === order.id).length, 1)
        const mails = yield* outbox
        assert.strictEqual(
          mails.filter(
            (m) =>
              m.notification._tag === "OrderStatusChanged" &&
              m.notification.orderId === order.id &&
              m.notification.to === "confirmedByProviderDV"
          ).length,
          1
        )
      })
    )

    it.effect("of 50 concurrent invitations of one email exactly one invitation exists", () =>
      Effect.gen(function* () {
        yield* setToday
        yield* seedDemoWorld()
        const admin = yield* signInAs(demoAccounts.kommune)
        const email = "neue.kollegin@kommune.demo.cloudportal.test"
        const outcomes = yield* Effect.forEach(
          Array.from({ length: 50 }),
          (_, i) =>
            Members.use((m) => m.invite(admin, { email, firstName: "Nora", lastName: `Neu ${i}` })).pipe(
              Effect.as("invited"),
              Effect.catchTag("EmailAlreadyRegistered", (e) => Effect.succeed(e._tag))
            ),
          { concurrency: "unbounded" }
        )
        assert.strictEqual(outcomes.filter((o) => o === "invited").length, 1)
        assert.strictEqual(outcomes.filter((o) => o === "EmailAlreadyRegistered").length, 49)

        const invited = yield* AccountStore.use((s) => s.findByEmail(email as never))
        assert.strictEqual(invited?.status, "invited")
        if (admin._tag !== "Member") return assert.fail(admin._tag)
        const members = yield* AccountStore.use((s) => s.listByOrganization(admin.organizationId))
        assert.strictEqual(members.filter((a) => a.email === email).length, 1)
        const mails = yield* outbox
        assert.strictEqual(
          mails.filter((m) => m.notification._tag === "Invitation" && m.notification.recipient === email).length,
          1
        )
      })
    )
  })
})
