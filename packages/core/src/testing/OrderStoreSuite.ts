import { assert, describe, layer } from "@effect/vitest"
import { DateTime, Effect, Exit, Layer, Schema } from "effect"
import type { ContractModel } from "../kernel/ContractModel.ts"
import type { AccountId, OfferingId, OrderId, OrganizationId, PricePlanId } from "../kernel/Ids.ts"
import { Money } from "../kernel/Money.ts"
import { newId, SecureRandom } from "../kernel/SecureRandom.ts"
import { UnitOfWork } from "../kernel/UnitOfWork.ts"
import { decisionDeadline } from "../orders/Deadline.ts"
import { Order, OrderHistoryEntry } from "../orders/Order.ts"
import type { OrderStatus } from "../orders/OrderStatus.ts"
import { decodeOrderCursor, encodeOrderCursor, OrderStore } from "../orders/OrderStore.ts"

/** Fresh ids for one test, so tests share nothing and may run in any order against one store. */
const ids = Effect.gen(function* () {
  return {
    customer: yield* newId<OrganizationId>("org"),
    provider: yield* newId<OrganizationId>("org"),
    intermediary: yield* newId<OrganizationId>("org"),
    offering: yield* newId<OfferingId>("off"),
    account: yield* newId<AccountId>("acc")
  }
})
type TestIds = Effect.Success<typeof ids>

const at = (iso: string) => DateTime.makeUnsafe(iso)

/** A complete order as `Ordering.place` writes one; every frozen field carries a distinguishable value. */
export const sampleOrder = (
  t: TestIds,
  options: {
    readonly status?: OrderStatus
    readonly contractModel?: ContractModel
    readonly placedAt?: DateTime.Utc
    readonly orderedBy?: AccountId
    readonly customer?: OrganizationId
    readonly offering?: OfferingId
    readonly belowThreshold?: boolean
    readonly countedCents?: number
  } = {}
) =>
  Effect.gen(function* () {
    const contractModel = options.contractModel ?? "DV"
    const placedAt = options.placedAt ?? at("2025-06-02T08:15:00Z")
    const total = Money.cents(48_000)
    return new Order({
      id: yield* newId<OrderId>("ord"),
      status: options.status ?? "open",
      contractModel,
      total,
      deadline: decisionDeadline(placedAt),
      placedAt,
      orderedBy: { accountId: options.orderedBy ?? t.account, name: "Erika Mustermann" },
      customerId: options.customer ?? t.customer,
      providerId: t.provider,
      intermediaryId: contractModel === "UV" ? t.intermediary : null,
      offering: {
        id: options.offering ?? t.offering,
        version: 3,
        name: { de: "Objektspeicher", en: "Object storage" }
      },
      pricePlan: {
        _tag: "PerUnit",
        id: "plan_tb" as PricePlanId,
        name: { de: "Pro TB", en: "Per TB" },
        unitCents: 12_000,
        unit: { de: "TB", en: "TB" },
        billing: "monthly",
        termMonths: null
      },
      quantity: 4,
      configuration: { region: "de-west", replicas: 3, encrypted: true },
      eligibility: {
        cartTotal: total,
        evaluatedAt: placedAt,
        contractModels: {
          DV: {
            allowed: contractModel === "DV",
            grounds:
              contractModel === "DV"
                ? [
                    {
                      kind: "belowThreshold",
                      value: total,
                      threshold: Money.cents(1_500_000),
                      thresholdSource: "Bund",
                      detail: "unter der Wertgrenze"
                    }
                  ]
                : [],
            blockingReasons: []
          },
          UV: {
            allowed: contractModel === "UV",
            grounds: [],
            blockingReasons:
              contractModel === "UV" ? [] : [{ kind: "customerNotInhouseWithIntermediary", detail: "keine Kette" }]
          }
        }
      },
      belowThreshold: options.belowThreshold ?? false,
      countedValue: Money.cents(options.countedCents ?? 48_000 * 48),
      history: [],
      reminderSentAt: null
    })
  })

const encoded = (o: Order | undefined) => (o === undefined ? undefined : Schema.encodeSync(Order)(o))

const withStatus = (o: Order, to: OrderStatus, when: DateTime.Utc) =>
  new Order({
    ...o,
    status: to,
    history: [
      ...o.history,
      new OrderHistoryEntry({
        from: o.status,
        to,
        action: "startReview",
        party: "provider",
        actor: { kind: "Member", accountId: "acc_x" },
        at: when
      })
    ]
  })

/**
 * The conformance suite of `OrderStore`: every adapter must pass it. `layer` provides the store and the
 * unit of work of the same adapter. Tests create their own organizations, so one store serves all of them.
 */
export const orderStoreSuite = (name: string, storeLayer: Layer.Layer<OrderStore | UnitOfWork, unknown>) =>
  describe(`OrderStore conformance: ${name}`, () => {
    layer(Layer.merge(storeLayer, SecureRandom.layerWebCrypto))((it) => {
      it.effect("an inserted order reads back unchanged", () =>
        Effect.gen(function* () {
          const store = yield* OrderStore
          const order = yield* sampleOrder(yield* ids, { contractModel: "UV", belowThreshold: true })
          yield* store.insert(order)
          assert.deepStrictEqual(encoded(yield* store.get(order.id)), encoded(order))
          assert.isUndefined(yield* store.get(`${order.id}x` as OrderId))
        })
      )

      it.effect("an order id is stored once", () =>
        Effect.gen(function* () {
          const store = yield* OrderStore
          const order = yield* sampleOrder(yield* ids)
          yield* store.insert(order)
          const error = yield* Effect.flip(store.insert(order))
          assert.strictEqual(error._tag, "OrderAlreadyExists")
        })
      )

      it.effect("a status change applies only while the stored status is the expected one (compare-and-set)", () =>
        Effect.gen(function* () {
          const store = yield* OrderStore
          const order = yield* sampleOrder(yield* ids)
          yield* store.insert(order)
          const reviewed = withStatus(order, "inReviewByProviderDV", at("2025-06-03T10:00:00Z"))
          yield* store.updateStatus(reviewed, "open")
          assert.deepStrictEqual(encoded(yield* store.get(order.id)), encoded(reviewed))

          const late = withStatus(order, "rejectedByProviderDV", at("2025-06-03T10:00:01Z"))
          const error = yield* Effect.flip(store.updateStatus(late, "open"))
          assert.strictEqual(error._tag, "StaleOrderStatus")
          if (error._tag === "StaleOrderStatus") assert.strictEqual(error.actualStatus, "inReviewByProviderDV")
          assert.deepStrictEqual(encoded(yield* store.get(order.id)), encoded(reviewed))

          const missing = yield* sampleOrder(yield* ids)
          const notFound = yield* Effect.flip(store.updateStatus(missing, "open"))
          assert.strictEqual(notFound._tag, "OrderNotFound")
        })
      )

      it.effect("of two concurrent decisions on the same status exactly one wins", () =>
        Effect.gen(function* () {
          const store = yield* OrderStore
          const uow = yield* UnitOfWork
          const order = yield* sampleOrder(yield* ids)
          yield* store.insert(order)
          const when = at("2025-06-03T10:00:00Z")
          const results = yield* Effect.all(
            [
              uow.transaction(store.updateStatus(withStatus(order, "inReviewByProviderDV", when), "open")),
              uow.transaction(store.updateStatus(withStatus(order, "rejectedByProviderDV", when), "open"))
            ],
            { concurrency: "unbounded", mode: "result" }
          )
          assert.strictEqual(results.filter((r) => r._tag === "Success").length, 1)
          const stored = yield* store.get(order.id)
          assert.strictEqual(stored?.history.length, 1)
        })
      )

      it.effect("a status change never rewrites what was frozen at order time", () =>
        Effect.gen(function* () {
          const store = yield* OrderStore
          const order = yield* sampleOrder(yield* ids)
          yield* store.insert(order)
          const tampered = new Order({
            ...withStatus(order, "inReviewByProviderDV", at("2025-06-03T10:00:00Z")),
            total: Money.cents(1),
            quantity: 99,
            configuration: {}
          })
          yield* store.updateStatus(tampered, "open")
          const stored = yield* store.get(order.id)
          assert.strictEqual(stored?.status, "inReviewByProviderDV")
          assert.deepStrictEqual(stored?.total, order.total)
          assert.strictEqual(stored?.quantity, order.quantity)
          assert.deepStrictEqual(stored?.configuration, order.configuration)
        })
      )

      it.effect("a write inside a failed unit of work leaves nothing behind", () =>
        Effect.gen(function* () {
          const store = yield* OrderStore
          const uow = yield* UnitOfWork
          const kept = yield* sampleOrder(yield* ids)
          yield* store.insert(kept)
          const lost = yield* sampleOrder(yield* ids)
          const exit = yield* Effect.exit(
            uow.transaction(
              Effect.gen(function* () {
                yield* store.insert(lost)
                yield* store.updateStatus(withStatus(kept, "inReviewByProviderDV", at("2025-06-03T10:00:00Z")), "open")
                return yield* Effect.fail("boom" as const)
              })
            )
          )
          assert.isTrue(Exit.isFailure(exit))
          assert.isUndefined(yield* store.get(lost.id))
          assert.strictEqual((yield* store.get(kept.id))?.status, "open")
        })
      )

      it.effect("lists show only the orders of their scope, newest first", () =>
        Effect.gen(function* () {
          const store = yield* OrderStore
          const t = yield* ids
          const other = yield* ids
          const colleague = yield* newId<AccountId>("acc")
          const mine1 = yield* sampleOrder(t, { placedAt: at("2025-06-01T08:00:00Z") })
          const mine2 = yield* sampleOrder(t, { placedAt: at("2025-06-03T08:00:00Z"), contractModel: "UV" })
          const theirs = yield* sampleOrder(t, { placedAt: at("2025-06-02T08:00:00Z"), orderedBy: colleague })
          const foreign = yield* sampleOrder(other, { placedAt: at("2025-06-02T09:00:00Z") })
          for (const o of [mine1, mine2, theirs, foreign]) yield* store.insert(o)

          const list = (scope: Parameters<OrderStore["Service"]["list"]>[0]["scope"], status?: OrderStatus) =>
            store.list({ scope, status, limit: 50 }).pipe(Effect.map((p) => p.items.map((o) => o.id)))

          assert.deepStrictEqual(yield* list({ _tag: "Customer", organizationId: t.customer }), [
            mine2.id,
            theirs.id,
            mine1.id
          ])
          assert.deepStrictEqual(yield* list({ _tag: "Customer", organizationId: t.customer, orderedBy: t.account }), [
            mine2.id,
            mine1.id
          ])
          assert.deepStrictEqual(yield* list({ _tag: "Provider", organizationId: t.provider }), [
            mine2.id,
            theirs.id,
            mine1.id
          ])
          // The intermediary takes part in flip contracts only.
          assert.deepStrictEqual(yield* list({ _tag: "Intermediary", organizationId: t.intermediary }), [mine2.id])
          assert.deepStrictEqual(yield* list({ _tag: "Customer", organizationId: other.customer }), [foreign.id])
          assert.deepStrictEqual(yield* list({ _tag: "Customer", organizationId: t.customer }, "ordered"), [])
        })
      )

      it.effect("cursor pages cover every order exactly once, ties at one instant included", () =>
        Effect.gen(function* () {
          const store = yield* OrderStore
          const t = yield* ids
          const same = at("2025-06-05T10:00:00Z")
          const orders: Array<Order> = []
          for (let i = 0; i < 7; i++)
            orders.push(yield* sampleOrder(t, { placedAt: i < 4 ? same : DateTime.add(same, { hours: i }) }))
          for (const o of orders) yield* store.insert(o)

          const seen: Array<OrderId> = []
          let after: ReturnType<typeof decodeOrderCursor>
          let pages = 0
          do {
            const page = yield* store.list({ scope: { _tag: "Customer", organizationId: t.customer }, limit: 2, after })
            seen.push(...page.items.map((o) => o.id))
            // Clients get the cursor as an opaque string and hand it back.
            after = page.next === null ? undefined : decodeOrderCursor(encodeOrderCursor(page.next))
            pages++
          } while (after !== undefined && pages < 10)
          assert.strictEqual(pages, 4)
          assert.deepStrictEqual([...seen].sort(), orders.map((o) => o.id).sort())
          assert.strictEqual(new Set(seen).size, seen.length)
          const full = yield* store.list({ scope: { _tag: "Customer", organizationId: t.customer }, limit: 7 })
          assert.deepStrictEqual(
            full.items.map((o) => o.id),
            seen
          )
          assert.isNull(full.next)
        })
      )

      it.effect("overdue orders are those still awaiting the provider's decision after their deadline", () =>
        Effect.gen(function* () {
          const store = yield* OrderStore
          const t = yield* ids
          // A year no other test uses, so the global query sees only this test's orders due.
          const placedAt = at("1991-03-04T10:00:00Z")
          const awaiting: ReadonlyArray<OrderStatus> = ["open", "inReviewByProviderDV"]
          const uvAwaiting: ReadonlyArray<OrderStatus> = [
            "open",
            "inReviewByIntermediaryUV",
            "confirmedByIntermediaryUV",
            "inReviewByProviderUV"
          ]
          const settled: ReadonlyArray<OrderStatus> = [
            "confirmedByProviderDV",
            "ordered",
            "rejectedByProviderDV",
            "expired"
          ]
          const due: Array<Order> = []
          const notDue: Array<Order> = []
          for (const status of awaiting) due.push(yield* sampleOrder(t, { status, placedAt }))
          for (const status of uvAwaiting) due.push(yield* sampleOrder(t, { status, placedAt, contractModel: "UV" }))
          for (const status of settled) notDue.push(yield* sampleOrder(t, { status, placedAt }))
          notDue.push(yield* sampleOrder(t, { status: "confirmedByProviderUV", placedAt, contractModel: "UV" }))
          notDue.push(yield* sampleOrder(t, { placedAt: DateTime.add(placedAt, { days: 1 }) }))
          for (const o of [...due, ...notDue]) yield* store.insert(o)
          const deadline = decisionDeadline(placedAt)

          const mine = new Set([...due, ...notDue].map((o) => o.id))
          const overdue = (now: DateTime.Utc) =>
            store.findOverdue(now, 200).pipe(Effect.map((os) => os.filter((o) => mine.has(o.id)).map((o) => o.id)))
          assert.deepStrictEqual(yield* overdue(DateTime.subtract(deadline, { milliseconds: 1 })), [])
          assert.deepStrictEqual([...(yield* overdue(deadline))].sort(), due.map((o) => o.id).sort())
          assert.isAtMost((yield* store.findOverdue(deadline, 2)).length, 2)
        })
      )

      it.effect("a deadline reminder is due once, within the lead time before the deadline", () =>
        Effect.gen(function* () {
          const store = yield* OrderStore
          const t = yield* ids
          const placedAt = at("1992-05-04T10:00:00Z")
          const order = yield* sampleOrder(t, { placedAt })
          const settled = yield* sampleOrder(t, { placedAt, status: "confirmedByProviderDV" })
          yield* store.insert(order)
          yield* store.insert(settled)
          const deadline = decisionDeadline(placedAt)
          const due = (now: DateTime.Utc, until: DateTime.Utc) =>
            store
              .findReminderDue(now, until, 200)
              .pipe(Effect.map((os) => os.filter((o) => o.id === order.id || o.id === settled.id).map((o) => o.id)))
          const fiveDaysBefore = DateTime.subtract(deadline, { days: 5 })
          assert.deepStrictEqual(
            yield* due(
              DateTime.subtract(fiveDaysBefore, { days: 1 }),
              DateTime.subtract(deadline, { days: 1, milliseconds: 1 })
            ),
            []
          )
          assert.deepStrictEqual(yield* due(fiveDaysBefore, DateTime.add(fiveDaysBefore, { days: 5 })), [order.id])
          assert.deepStrictEqual(yield* due(deadline, DateTime.add(deadline, { days: 5 })), [])
          assert.isTrue(yield* store.markReminderSent(order.id, fiveDaysBefore))
          assert.isFalse(yield* store.markReminderSent(order.id, fiveDaysBefore))
          assert.deepStrictEqual(yield* due(fiveDaysBefore, deadline), [])
          assert.deepStrictEqual((yield* store.get(order.id))?.reminderSentAt, fiveDaysBefore)
        })
      )

      it.effect(
        "the anti-splitting sum counts the customer's threshold orders of the offering for 12 months, rejected ones excluded",
        () =>
          Effect.gen(function* () {
            const store = yield* OrderStore
            const t = yield* ids
            const other = yield* ids
            const since = at("2024-06-02T08:15:00Z")
            const counted = (status: OrderStatus, cents: number, placedAt = at("2025-01-10T09:00:00Z")) =>
              sampleOrder(t, { status, belowThreshold: true, countedCents: cents, placedAt })
            const orders = [
              yield* counted("open", 100),
              yield* counted("ordered", 200),
              yield* counted("expired", 400),
              yield* counted("confirmedByProviderDV", 800, since),
              yield* counted("rejectedByProviderDV", 1_600),
              yield* counted("open", 3_200, DateTime.subtract(since, { milliseconds: 1 })),
              yield* sampleOrder(t, { belowThreshold: false, countedCents: 6_400 }),
              yield* sampleOrder(t, { belowThreshold: true, countedCents: 12_800, offering: other.offering }),
              yield* sampleOrder(other, { belowThreshold: true, countedCents: 25_600, offering: t.offering })
            ]
            for (const o of orders) yield* store.insert(o)
            const sum = yield* store.sumCountedValues({ customerId: t.customer, offeringId: t.offering, since })
            assert.deepStrictEqual(sum, Money.cents(100 + 200 + 400 + 800))
            const none = yield* store.sumCountedValues({
              customerId: other.intermediary,
              offeringId: t.offering,
              since
            })
            assert.deepStrictEqual(none, Money.zero)
          })
      )
    })
  })
