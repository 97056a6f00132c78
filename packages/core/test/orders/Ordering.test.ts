import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect } from "effect"
import { TestClock } from "effect/testing"
import { Offering } from "../../src/catalog/Offering.ts"
import { OfferingStore } from "../../src/catalog/OfferingStore.ts"
import type { Actor } from "../../src/kernel/Actor.ts"
import { AuditLog } from "../../src/kernel/Audit.ts"
import type { AccountId, OrderId } from "../../src/kernel/Ids.ts"
import { formatDe, Money } from "../../src/kernel/Money.ts"
import type { Notification } from "../../src/kernel/Notification.ts"
import { Outbox } from "../../src/kernel/Outbox.ts"
import { Account } from "../../src/members/Account.ts"
import { AccountStore } from "../../src/members/AccountStore.ts"
import { ContractFolderStore } from "../../src/orders/ContractFolder.ts"
import { decisionDeadline } from "../../src/orders/Deadline.ts"
import { Ordering, type OrderView } from "../../src/orders/Ordering.ts"
import { OrderStore } from "../../src/orders/OrderStore.ts"
import { accounts, actor, cart, offering, orgs, plans, seed, start, utf8Text, worldLayer } from "./world.ts"

const farFuture = DateTime.makeUnsafe("2100-01-01T00:00:00Z")

/** Every notification queued so far, oldest first. */
const mails = Outbox.use((o) => o.due(farFuture, 10_000)).pipe(Effect.map((ms) => ms.map((m) => m.notification)))

const mailsOf = (tag: Notification["_tag"]) => mails.pipe(Effect.map((ns) => ns.filter((n) => n._tag === tag)))

const auditActions = (chain: string) =>
  AuditLog.use((l) => l.list(chain, { afterSequence: 0, limit: 10_000 })).pipe(
    Effect.map((es) => es.map((e) => e.action))
  )

/** What a refused request must not leave behind: no order, no folder, no audit event, no mail. */
const assertNothingWritten = Effect.gen(function* () {
  const page = yield* OrderStore.use((s) =>
    s.list({ scope: { _tag: "Customer", organizationId: orgs.customer.id }, limit: 200 })
  )
  assert.deepStrictEqual(page.items, [])
  assert.deepStrictEqual(yield* mails, [])
  for (const o of Object.values(orgs)) assert.deepStrictEqual(yield* auditActions(o.id), [])
})

const place = (who: Parameters<typeof actor>[0], overrides: Parameters<typeof cart>[0] = {}) =>
  Ordering.use((o) => o.place(actor(who), cart(overrides)))

const act = (
  who: Actor,
  order: OrderView,
  action: "startReview" | "confirm" | "reject" | "markOrdered",
  reason?: string
) =>
  Ordering.use((o) =>
    o.transition(who, order.id, { action, expectedStatus: order.status, ...(reason === undefined ? {} : { reason }) })
  )

const run = <A, E, R>(effect: Effect.Effect<A, E, R>, options?: Parameters<typeof seed>[0]) =>
  Effect.andThen(seed(options), effect).pipe(Effect.provide(worldLayer()))

const issuePaths = (error: unknown) =>
  (error as { _tag: string; issues: ReadonlyArray<{ path: string }> }).issues.map((i) => i.path)

describe("placing an order", () => {
  it.effect("any active member orders for the organization, without any permission", () =>
    run(
      Effect.gen(function* () {
        const order = yield* place("orderer")
        assert.strictEqual(order.status, "open")
        assert.strictEqual(order.statusLabel, "Offen")
        assert.strictEqual(order.customerId, orgs.customer.id)
        assert.deepStrictEqual(order.orderedBy, { accountId: accounts.orderer.id, name: "Erika Mustermann" })
        assert.deepStrictEqual(order.deadline, decisionDeadline(start))
        assert.deepStrictEqual(order.placedAt, start)
        assert.deepStrictEqual(order.allowedActions, [])
        assert.deepStrictEqual(yield* auditActions(orgs.customer.id), ["order.placed"])
      })
    )
  )

  for (const model of ["DV", "UV"] as const)
    it.effect(`the cart total is the order's, the contract folder's and the summary document's (${model})`, () =>
      run(
        Effect.gen(function* () {
          const ordering = yield* Ordering
          const request = cart({ pricePlanId: plans.perSeat.id, quantity: 7, contractModel: model })
          const check = yield* ordering.checkEligibility(actor("orderer"), request)
          assert.deepStrictEqual(check.cartTotal, Money.cents(7 * 1_250))
          assert.isTrue(check.contractModels[model].allowed)
          const order = yield* ordering.place(actor("orderer"), request)
          assert.deepStrictEqual(order.total, check.cartTotal)
          assert.strictEqual(order.contractModel, model)
          // Eligibility is checked again at order time and stored with the order.
          assert.deepStrictEqual(order.eligibility, check)

          const documents = yield* ordering.contractFolder(actor("orderer"), order.id)
          const priceDoc = documents.find((d) => d.kind === "price")!
          const price = yield* ordering.contractDocument(actor("orderer"), order.id, priceDoc.id)
          assert.strictEqual(price._tag, "Json")
          if (price._tag === "Json")
            assert.deepStrictEqual((price.body as { total: unknown }).total, { amountCents: 8_750, currency: "EUR" })
          const summaryDoc = documents.find((d) => d.kind === "orderSummary")!
          const summary = yield* ordering.contractDocument(actor("orderer"), order.id, summaryDoc.id)
          assert.strictEqual(summary._tag, "Bytes")
          if (summary._tag === "Bytes") {
            const text = utf8Text(summary.bytes)
            assert.include(text, `Gesamtpreis (netto): ${formatDe(order.total)} monatlich`)
            assert.include(text, model === "DV" ? "Vertragspartner: Anbieter-IT AöR" : "Vertragspartner: govdigital eG")
          }
        })
      )
    )

  it.effect("a contract model that is not allowed is refused with its blocking reasons, and nothing is written", () =>
    run(
      Effect.gen(function* () {
        const error = yield* Effect.flip(place("orderer", { contractModel: "UV" }))
        assert.strictEqual(error._tag, "NotEligible")
        if (error._tag === "NotEligible") {
          assert.strictEqual(error.contractModel, "UV")
          assert.deepInclude(
            error.blockingReasons.map((r) => r.kind),
            "noInhouseDeclaration"
          )
        }
        const above = yield* Effect.flip(place("orderer", { pricePlanId: plans.huge.id }))
        assert.strictEqual(above._tag, "NotEligible")
        if (above._tag === "NotEligible")
          assert.deepStrictEqual(
            above.blockingReasons.map((r) => r.kind),
            ["noInhouseDeclaration", "notFreeOfCharge", "aboveThreshold"]
          )
        yield* assertNothingWritten
      }),
      { inhouse: false }
    )
  )

  it.effect("bad input names every offending field at once, and nothing is written", () =>
    run(
      Effect.gen(function* () {
        const unknownOffering = yield* Effect.flip(place("orderer", { offeringId: "off_gibtsnicht", quantity: 0 }))
        assert.strictEqual(unknownOffering._tag, "InvalidInput")
        assert.deepStrictEqual(issuePaths(unknownOffering), ["offeringId", "quantity"])

        const everything = yield* Effect.flip(
          place("orderer", {
            contractModel: "XY",
            pricePlanId: "plan_of_another_offering",
            quantity: 2.5,
            configuration: { region: "mars", replicas: 9, colour: "blau" }
          })
        )
        assert.strictEqual(everything._tag, "InvalidInput")
        assert.sameMembers(issuePaths(everything), [
          "contractModel",
          "pricePlanId",
          "quantity",
          "configuration.region",
          "configuration.replicas",
          "configuration.colour"
        ])

        for (const quantity of [0, -1, 1.5, "3", null]) {
          const error = yield* Effect.flip(place("orderer", { pricePlanId: plans.perSeat.id, quantity }))
          assert.deepStrictEqual(issuePaths(error), ["quantity"], `quantity ${String(quantity)}`)
        }
        const missingRequired = yield* Effect.flip(place("orderer", { configuration: {} }))
        assert.deepStrictEqual(issuePaths(missingRequired), ["configuration.region"])

        yield* OfferingStore.use((s) => s.insertVersion(offering({ version: 2, models: ["DV"] })))
        const unsupported = yield* Effect.flip(place("orderer", { contractModel: "UV" }))
        assert.deepStrictEqual(issuePaths(unsupported), ["contractModel"])
        const changed = yield* Effect.flip(place("orderer", { offeringVersion: 1 }))
        assert.deepStrictEqual(issuePaths(changed), ["offeringVersion"])

        yield* OfferingStore.use((s) => s.insertVersion(offering({ version: 3, active: false })))
        const inactive = yield* Effect.flip(place("orderer"))
        assert.deepStrictEqual(issuePaths(inactive), ["offeringId"])
        yield* assertNothingWritten
      })
    )
  )

  it.effect("without a CSP-AGB version in force nobody can order, and nothing is written", () =>
    run(
      Effect.gen(function* () {
        const error = yield* Effect.flip(place("orderer"))
        assert.strictEqual(error._tag, "NoTermsInForce")
        yield* assertNothingWritten
      }),
      { withTerms: false }
    )
  )

  it.effect("only active members of an organization order", () =>
    run(
      Effect.gen(function* () {
        const ordering = yield* Ordering
        const operator = yield* Effect.flip(
          ordering.place({ _tag: "Operator", accountId: "acc_op" as AccountId }, cart())
        )
        assert.strictEqual(operator._tag, "PermissionDenied")
        const deactivated = yield* Effect.flip(
          ordering.place({ ...actor("providerDecider"), accountId: accounts.providerInactive.id }, cart())
        )
        assert.strictEqual(deactivated._tag, "Unauthenticated")
        yield* assertNothingWritten
      })
    )
  )

  it.effect("orders on the threshold ground add up for 12 months, so splitting does not get under it", () =>
    run(
      Effect.gen(function* () {
        // 100 seats × 12,50 € × 48 months = 60.000 €: under Bayern's municipal 100.000 € on its own.
        const seats = { pricePlanId: plans.perSeat.id, quantity: 100 }
        const first = yield* place("orderer", seats)
        assert.strictEqual(first.eligibility.contractModels.DV.grounds[0]?.kind, "belowThreshold")
        const second = yield* Effect.flip(place("colleague", seats))
        assert.strictEqual(second._tag, "NotEligible")
        if (second._tag === "NotEligible")
          assert.deepInclude(
            second.blockingReasons.map((r) => r.kind),
            "aboveThreshold"
          )
        // A flip contract does not rest on the threshold and is still open to the customer.
        yield* place("colleague", { ...seats, contractModel: "UV" })
        // A rejected order no longer counts.
        const reviewing = yield* act(actor("providerDecider"), first, "startReview")
        yield* act(actor("providerDecider"), reviewing, "reject", "Kapazität erschöpft")
        const again = yield* place("colleague", seats)
        assert.strictEqual(again.status, "open")
        // Twelve months later the first orders have dropped out of the sum.
        yield* TestClock.setTime(DateTime.toEpochMillis(DateTime.add(start, { months: 12, days: 1 })))
        yield* place("orderer", seats)
      })
    )
  )

  it.effect("placing an order notifies the orderer and the acting party's deciders", () =>
    run(
      Effect.gen(function* () {
        const dv = yield* place("orderer")
        const uv = yield* place("orderer", { contractModel: "UV" })
        const placed = (yield* mailsOf("OrderPlaced")) as Array<Extract<Notification, { _tag: "OrderPlaced" }>>
        const to = (id: OrderId, audience: string) =>
          placed
            .filter((n) => n.orderId === id && n.audience === audience)
            .map((n) => n.recipient)
            .sort()
        assert.deepStrictEqual(to(dv.id, "customer"), [accounts.orderer.email])
        assert.deepStrictEqual(
          to(dv.id, "actingParty"),
          [accounts.providerAdmin.email, accounts.providerDecider.email].sort()
        )
        assert.deepStrictEqual(to(uv.id, "customer"), [accounts.orderer.email])
        assert.deepStrictEqual(
          to(uv.id, "actingParty"),
          [accounts.intermediaryAdmin.email, accounts.intermediaryDecider.email].sort()
        )
        for (const n of placed) {
          assert.deepStrictEqual(n.total, n.orderId === dv.id ? dv.total : uv.total)
          assert.deepStrictEqual(n.deadline, dv.deadline)
        }
      })
    )
  )

  it.effect("an order, its audit events and its messages get ids that sort by the instant they were made", () =>
    run(
      Effect.gen(function* () {
        // Five orders a millisecond apart: random ids would come out in this order once in 120 runs.
        const placed: Array<OrderView> = []
        for (let i = 0; i < 5; i++) {
          placed.push(yield* place("orderer"))
          yield* TestClock.adjust("1 millis")
        }
        const ids: Array<string> = placed.map((o) => o.id)
        assert.deepStrictEqual([...ids].sort(), ids)
        const events = (yield* AuditLog.use((l) => l.list(orgs.customer.id, { afterSequence: 0, limit: 100 }))).filter(
          (e) => e.action === "order.placed"
        )
        assert.deepStrictEqual(
          events.map((e) => e.subject.id),
          ids
        )
        assert.deepStrictEqual(
          events.map((e) => e.id).sort(),
          events.map((e) => e.id)
        )
        const messages = (yield* Outbox.use((o) => o.due(farFuture, 100))).filter(
          (m) => m.notification._tag === "OrderPlaced"
        )
        const orderOf = (m: (typeof messages)[number]) =>
          m.notification._tag === "OrderPlaced" ? ids.indexOf(m.notification.orderId) : -1
        const byId = [...messages].sort((a, b) => (a.id < b.id ? -1 : 1))
        assert.deepStrictEqual(byId.map(orderOf), [...byId.map(orderOf)].sort())
        assert.isAtLeast(messages.length, ids.length)
      })
    )
  )

  it.effect("the orderer's name is the one at order time, even after a rename or deletion", () =>
    run(
      Effect.gen(function* () {
        const order = yield* place("orderer")
        yield* AccountStore.use((s) =>
          s.update(new Account({ ...accounts.orderer, lastName: "Neumann", status: "deleted" }))
        )
        const seen = yield* Ordering.use((o) => o.get(actor("customerViewer"), order.id))
        assert.deepStrictEqual(seen.orderedBy, { accountId: accounts.orderer.id, name: "Erika Mustermann" })
        // The organization keeps the order: its main admin now hears about it.
        yield* act(actor("providerDecider"), order, "startReview")
        const changed = yield* mailsOf("OrderStatusChanged")
        assert.deepStrictEqual(
          changed.map((n) => n.recipient),
          [accounts.customerAdmin.email]
        )
      })
    )
  )
})

describe("order workflow", () => {
  it.effect(
    "direct contract: the provider reviews, confirms and marks the order ordered; the orderer hears of each step",
    () =>
      run(
        Effect.gen(function* () {
          const provider = actor("providerDecider")
          const open = yield* place("orderer")
          assert.deepStrictEqual((yield* Ordering.use((o) => o.get(provider, open.id))).allowedActions, [
            { action: "startReview", to: "inReviewByProviderDV" },
            { action: "reject", to: "rejectedByProviderDV" }
          ])
          const reviewing = yield* act(provider, open, "startReview")
          const confirmed = yield* act(provider, reviewing, "confirm")
          const ordered = yield* act(provider, confirmed, "markOrdered")
          assert.strictEqual(ordered.status, "ordered")
          assert.deepStrictEqual(ordered.total, open.total)
          assert.deepStrictEqual(
            ordered.history.map((h) => [h.from, h.action, h.to, h.actor.accountId]),
            [
              ["open", "startReview", "inReviewByProviderDV", accounts.providerDecider.id],
              ["inReviewByProviderDV", "confirm", "confirmedByProviderDV", accounts.providerDecider.id],
              ["confirmedByProviderDV", "markOrdered", "ordered", accounts.providerDecider.id]
            ]
          )
          const changed = (yield* mailsOf("OrderStatusChanged")) as Array<
            Extract<Notification, { _tag: "OrderStatusChanged" }>
          >
          assert.deepStrictEqual(
            changed.map((n) => [n.recipient, n.from, n.to]),
            [
              [accounts.orderer.email, "open", "inReviewByProviderDV"],
              [accounts.orderer.email, "inReviewByProviderDV", "confirmedByProviderDV"],
              [accounts.orderer.email, "confirmedByProviderDV", "ordered"]
            ]
          )
          const steps = ["order.startReview", "order.confirm", "order.markOrdered"]
          assert.deepStrictEqual(yield* auditActions(orgs.customer.id), ["order.placed", ...steps])
          assert.deepStrictEqual(yield* auditActions(orgs.provider.id), steps)
        })
      )
  )

  it.effect("flip contract: intermediary, then provider, then the intermediary marks the order ordered", () =>
    run(
      Effect.gen(function* () {
        const intermediary = actor("intermediaryDecider")
        const provider = actor("providerAdmin")
        let order = yield* place("orderer", { contractModel: "UV" })
        // The provider has nothing to do before the intermediary's confirmation.
        assert.deepStrictEqual((yield* Ordering.use((o) => o.get(provider, order.id))).allowedActions, [])
        order = yield* act(intermediary, order, "startReview")
        order = yield* act(intermediary, order, "confirm")
        order = yield* act(provider, order, "startReview")
        order = yield* act(provider, order, "confirm")
        const early = yield* Effect.flip(act(provider, order, "markOrdered"))
        assert.strictEqual(early._tag, "PermissionDenied")
        order = yield* act(intermediary, order, "markOrdered")
        assert.deepStrictEqual(
          order.history.map((h) => h.to),
          [
            "inReviewByIntermediaryUV",
            "confirmedByIntermediaryUV",
            "inReviewByProviderUV",
            "confirmedByProviderUV",
            "ordered"
          ]
        )
      })
    )
  )

  it.effect("a rejection carries a reason, which the customer is told", () =>
    run(
      Effect.gen(function* () {
        const provider = actor("providerDecider")
        const order = yield* place("orderer")
        const mailsBefore = (yield* mails).length
        const missing = yield* Effect.flip(act(provider, order, "reject", "  "))
        assert.strictEqual(missing._tag, "ReasonRequired")
        assert.strictEqual((yield* mails).length, mailsBefore)
        assert.strictEqual((yield* Ordering.use((o) => o.get(provider, order.id))).status, "open")

        const rejected = yield* act(provider, order, "reject", "Region de-west ist ausgebucht.")
        assert.strictEqual(rejected.status, "rejectedByProviderDV")
        assert.strictEqual(rejected.history.at(-1)?.reason, "Region de-west ist ausgebucht.")
        const seen = yield* Ordering.use((o) => o.get(actor("orderer"), order.id))
        assert.strictEqual(seen.history.at(-1)?.reason, "Region de-west ist ausgebucht.")
        const notices = (yield* mailsOf("OrderRejected")) as Array<Extract<Notification, { _tag: "OrderRejected" }>>
        assert.deepStrictEqual(
          notices.map((n) => [n.recipient, n.status, n.reason]),
          [[accounts.orderer.email, "rejectedByProviderDV", "Region de-west ist ausgebucht."]]
        )
      })
    )
  )

  it.effect("of two decisions made on the same status only the first applies (compare-and-set)", () =>
    run(
      Effect.gen(function* () {
        const order = yield* place("orderer")
        yield* act(actor("providerDecider"), order, "startReview")
        const second = yield* Effect.flip(act(actor("providerAdmin"), order, "reject", "zu spät gesehen"))
        assert.strictEqual(second._tag, "StaleOrderStatus")

        const other = yield* place("orderer")
        const results = yield* Effect.all(
          [act(actor("providerDecider"), other, "startReview"), act(actor("providerAdmin"), other, "reject", "nein")],
          { concurrency: "unbounded", mode: "result" }
        )
        assert.strictEqual(results.filter((r) => r._tag === "Success").length, 1)
        const stored = yield* Ordering.use((o) => o.get(actor("providerAdmin"), other.id))
        assert.strictEqual(stored.history.length, 1)
      })
    )
  )

  it.effect("a decision after the deadline is refused", () =>
    run(
      Effect.gen(function* () {
        const order = yield* place("orderer")
        yield* TestClock.setTime(DateTime.toEpochMillis(order.deadline))
        const late = yield* Effect.flip(act(actor("providerDecider"), order, "startReview"))
        assert.strictEqual(late._tag, "DeadlineExpired")
        assert.deepStrictEqual(
          (yield* Ordering.use((o) => o.get(actor("providerDecider"), order.id))).allowedActions,
          []
        )
      })
    )
  )

  it.effect("another organization's order does not exist for outsiders, whatever they try", () =>
    run(
      Effect.gen(function* () {
        const ordering = yield* Ordering
        const dv = yield* place("orderer")
        const outsiders = [
          actor("strangerAdmin"),
          actor("providerCatalog"),
          actor("intermediaryDecider"),
          actor("colleague")
        ]
        for (const who of outsiders) {
          assert.strictEqual((yield* Effect.flip(ordering.get(who, dv.id)))._tag, "OrderNotFound")
          assert.strictEqual((yield* Effect.flip(act(who, dv, "startReview")))._tag, "OrderNotFound")
          assert.strictEqual((yield* Effect.flip(ordering.contractFolder(who, dv.id)))._tag, "OrderNotFound")
        }
        assert.strictEqual((yield* Effect.flip(ordering.get(actor("orderer"), "ord_unbekannt")))._tag, "OrderNotFound")
        // Customers see their orders but cannot decide them.
        const own = yield* Effect.flip(act(actor("orderer"), dv, "startReview"))
        assert.strictEqual(own._tag, "PermissionDenied")
      })
    )
  )
})

describe("order lists", () => {
  it.effect("everyone sees their own orders; the whole organization's need orders.viewOrganization", () =>
    run(
      Effect.gen(function* () {
        const ordering = yield* Ordering
        const mine = yield* place("orderer")
        yield* TestClock.adjust("1 minute")
        const theirs = yield* place("colleague")
        const ids = (p: { items: ReadonlyArray<OrderView> }) => p.items.map((o) => o.id)

        assert.deepStrictEqual(ids(yield* ordering.list(actor("orderer"))), [mine.id])
        assert.deepStrictEqual(ids(yield* ordering.list(actor("colleague"), { scope: "own" })), [theirs.id])
        const refused = yield* Effect.flip(ordering.list(actor("colleague"), { scope: "organization" }))
        assert.strictEqual(refused._tag, "PermissionDenied")
        assert.deepStrictEqual(ids(yield* ordering.list(actor("customerViewer"), { scope: "organization" })), [
          theirs.id,
          mine.id
        ])

        const first = yield* ordering.list(actor("customerAdmin"), { scope: "organization", limit: 1 })
        assert.deepStrictEqual(ids(first), [theirs.id])
        assert.isNotNull(first.nextCursor)
        const second = yield* ordering.list(actor("customerAdmin"), {
          scope: "organization",
          limit: 1,
          cursor: first.nextCursor!
        })
        assert.deepStrictEqual(ids(second), [mine.id])
        assert.isNull(second.nextCursor)
        assert.deepStrictEqual(
          ids(yield* ordering.list(actor("customerAdmin"), { scope: "organization", status: "ordered" })),
          []
        )

        const bad = yield* Effect.flip(ordering.list(actor("orderer"), { limit: 201, cursor: "nicht-von-uns" }))
        assert.deepStrictEqual(issuePaths(bad), ["limit", "cursor"])
      })
    )
  )

  it.effect("providers and intermediaries list the orders they act on", () =>
    run(
      Effect.gen(function* () {
        const ordering = yield* Ordering
        const dv = yield* place("orderer")
        yield* TestClock.adjust("1 minute")
        const uv = yield* place("orderer", { contractModel: "UV" })
        const ids = (p: { items: ReadonlyArray<OrderView> }) => p.items.map((o) => o.id)
        assert.deepStrictEqual(ids(yield* ordering.listAsProvider(actor("providerDecider"))), [uv.id, dv.id])
        assert.deepStrictEqual(ids(yield* ordering.listAsIntermediary(actor("intermediaryDecider"))), [uv.id])
        const page = yield* ordering.listAsProvider(actor("providerDecider"))
        assert.deepStrictEqual(
          page.items.map((o) => o.allowedActions.map((a) => a.action)),
          [[], ["startReview", "reject"]]
        )
        assert.strictEqual(
          (yield* Effect.flip(ordering.listAsProvider(actor("providerCatalog"))))._tag,
          "PermissionDenied"
        )
        assert.deepStrictEqual(ids(yield* ordering.listAsProvider(actor("strangerAdmin"))), [])
      })
    )
  )
})

describe("deadline sweeps", () => {
  it.effect("orders without the provider's decision expire once the deadline has passed, and the orderer is told", () =>
    run(
      Effect.gen(function* () {
        const ordering = yield* Ordering
        const dv = yield* place("orderer")
        const uv = yield* place("orderer", { contractModel: "UV" })
        const settled = yield* place("orderer")
        const reviewing = yield* act(actor("providerDecider"), settled, "startReview")
        yield* act(actor("providerDecider"), reviewing, "confirm")

        yield* TestClock.setTime(DateTime.toEpochMillis(dv.deadline) - 1)
        assert.strictEqual(yield* ordering.expireOverdue(), 0)
        yield* TestClock.setTime(DateTime.toEpochMillis(dv.deadline))
        assert.strictEqual(yield* ordering.expireOverdue(), 2)
        assert.strictEqual(yield* ordering.expireOverdue(), 0)

        const status = (id: OrderId) => ordering.get(actor("orderer"), id).pipe(Effect.map((o) => o.status))
        assert.strictEqual(yield* status(dv.id), "expired")
        assert.strictEqual(yield* status(uv.id), "expired")
        assert.strictEqual(yield* status(settled.id), "confirmedByProviderDV")
        const expired = (yield* mailsOf("OrderExpired")) as Array<Extract<Notification, { _tag: "OrderExpired" }>>
        assert.sameMembers(
          expired.map((n) => n.orderId),
          [dv.id, uv.id]
        )
        const last = (yield* ordering.get(actor("orderer"), dv.id)).history.at(-1)
        assert.deepStrictEqual([last?.action, last?.party, last?.actor.kind], ["expire", "system", "System"])
      })
    )
  )

  it.effect("the party whose move it is gets one reminder five days before the deadline", () =>
    run(
      Effect.gen(function* () {
        const ordering = yield* Ordering
        const dv = yield* place("orderer")
        const uv = yield* place("orderer", { contractModel: "UV" })
        const fiveDaysBefore = DateTime.toEpochMillis(DateTime.subtract(dv.deadline, { days: 5 }))
        yield* TestClock.setTime(fiveDaysBefore - 1)
        assert.strictEqual(yield* ordering.remindUpcomingDeadlines(), 0)
        yield* TestClock.setTime(fiveDaysBefore)
        assert.strictEqual(yield* ordering.remindUpcomingDeadlines(), 2)
        assert.strictEqual(yield* ordering.remindUpcomingDeadlines(), 0)
        const reminders = (yield* mailsOf("OrderDeadlineReminder")) as Array<
          Extract<Notification, { _tag: "OrderDeadlineReminder" }>
        >
        const to = (id: OrderId) =>
          reminders
            .filter((n) => n.orderId === id)
            .map((n) => n.recipient)
            .sort()
        assert.deepStrictEqual(to(dv.id), [accounts.providerAdmin.email, accounts.providerDecider.email].sort())
        assert.deepStrictEqual(to(uv.id), [accounts.intermediaryAdmin.email, accounts.intermediaryDecider.email].sort())
        for (const n of reminders) assert.deepStrictEqual(n.deadline, dv.deadline)
      })
    )
  )
})

describe("contract folder", () => {
  it.effect(
    "the contract folder freezes everything at order time; its documents are listed and fetched one by one",
    () =>
      run(
        Effect.gen(function* () {
          const ordering = yield* Ordering
          const order = yield* place("orderer", { configuration: { region: "de-ost", backup: true } })
          const documents = yield* ordering.contractFolder(actor("orderer"), order.id)
          assert.deepStrictEqual(
            documents.map((d) => [d.kind, d.title, d.mediaType]),
            [
              ["orderSummary", "Übersicht der Bestellinformationen", "text/plain; charset=utf-8"],
              ["masterData", "Stammdaten", "application/json"],
              ["productDescription", "Produktbeschreibung", "application/json"],
              ["price", "Gewählter Preis", "application/json"],
              ["configuration", "Konfigurierte Eigenschaften", "application/json"],
              ["terms", "CSP-AGB (gültig zum Zeitpunkt der Bestellung)", "application/json"],
              ["maturity", "Informationen zum Reifegradmodell", "application/json"],
              ["serviceConditions", "Servicespezifische Bedingungen", "application/json"],
              ["eligibility", "Prüfung des Vertragsmodells", "application/json"]
            ]
          )
          const body = (kind: string) =>
            Effect.gen(function* () {
              const doc = yield* ordering.contractDocument(
                actor("providerDecider"),
                order.id,
                documents.find((d) => d.kind === kind)!.id
              )
              return doc._tag === "Json" ? (doc.body as Record<string, unknown>) : utf8Text(doc.bytes)
            })
          assert.deepInclude(yield* body("masterData"), {
            name: "Stadt Musterstadt",
            defaultAddress: {
              street: "Rathausplatz 1",
              postalCode: "80331",
              city: "Musterstadt",
              phone: "+49 89 1234567",
              leitwegId: null
            }
          })
          assert.deepInclude(yield* body("terms"), { version: "2025-03" })
          assert.deepInclude(yield* body("serviceConditions"), { version: "2025-01" })
          assert.deepInclude(yield* body("maturity"), { level: 3 })
          assert.deepStrictEqual(yield* body("configuration"), [
            { key: "region", label: { de: "Region", en: "Region" }, value: "de-ost" },
            { key: "backup", label: { de: "Sicherung", en: "Backup" }, value: true }
          ] as unknown as Record<string, unknown>)
          const summary = (yield* body("orderSummary")) as string
          assert.include(summary, "Übersicht der Bestellinformationen")
          assert.include(summary, "Bestellt von: Erika Mustermann")
          assert.include(summary, "Entscheidungsfrist des Anbieters: bis 02.07.2025, 24:00 Uhr")
          assert.include(summary, "Region: de-ost")
          assert.include(summary, "Sicherung: ja")
          assert.include(summary, "CSP-AGB: Version 2025-03")

          const missing = yield* Effect.flip(ordering.contractDocument(actor("orderer"), order.id, "doc_unbekannt"))
          assert.strictEqual(missing._tag, "ContractDocumentNotFound")

          // A later version of the offering changes neither the order nor its folder.
          yield* OfferingStore.use((s) =>
            s.insertVersion(
              new Offering({ ...offering({ version: 2 }), pricePlans: [{ ...plans.once, amountCents: 1 }] })
            )
          )
          const folder = yield* ContractFolderStore.use((s) => s.get(order.id))
          assert.deepStrictEqual(folder?.price.total, order.total)
          assert.deepStrictEqual((yield* ordering.get(actor("orderer"), order.id)).total, order.total)
        })
      )
  )
})
