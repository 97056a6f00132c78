import { assert, describe, it } from "@effect/vitest"
import type { InStatement } from "@libsql/client"
import { DateTime, Effect } from "effect"
import {
  type OrderListQuery,
  OrderStore,
  RegistrationStore,
  type Registration as RegistrationType
} from "../src/internal/core.ts"
import { awaitingProviderDecision } from "./support/core.ts"
import { plan, recorded } from "./support/queryPlans.ts"

const sqlOf = (statement: InStatement) => (typeof statement === "string" ? statement : statement.sql)

/**
 * The plan of the single statement `run` sends to `table`: it must reach the rows through the named index
 * (SEARCH, i.e. a bounded range of it), never scan the table or the whole index, and never sort.
 */
const usesIndex = <A, E, R>(table: string, index: string, run: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const { client, sent, stores } = yield* recorded
    yield* Effect.provide(run, stores)
    const statements = sent.filter((s) => new RegExp(`from "${table}"|update "${table}"`, "iu").test(sqlOf(s)))
    assert.isAbove(statements.length, 0, `no statement on ${table}`)
    for (const statement of statements) {
      const details = yield* plan(client, statement)
      const onTable = details.filter((d) => new RegExp(`\\b${table}\\b`, "u").test(d))
      assert.isAbove(onTable.length, 0, `${sqlOf(statement)}: ${details.join(" | ")}`)
      for (const d of onTable) {
        assert.match(d, new RegExp(`^SEARCH ${table} USING (COVERING )?INDEX ${index} \\(`, "u"), sqlOf(statement))
      }
      for (const d of details) assert.notMatch(d, /TEMP B-TREE/u, `${sqlOf(statement)} sorts: ${details.join(" | ")}`)
    }
  })

const org = "org_plan" as Parameters<OrderStore["Service"]["sumCountedValues"]>[0]["customerId"]
const account = "acc_plan" as NonNullable<Extract<OrderListQuery["scope"], { _tag: "Customer" }>["orderedBy"]>
const now = DateTime.makeUnsafe("2026-01-01T00:00:00Z")
const after: OrderListQuery["after"] = { placedAtMillis: DateTime.toEpochMillis(now), id: "ord_plan" as never }

const list = (query: Omit<OrderListQuery, "limit">) => OrderStore.use((s) => s.list({ ...query, limit: 50 }))

describe("query plans: GET /orders pages and the sweeps read a bounded index range at any table size", () => {
  const scopes = [
    [
      "the customer's orders",
      { _tag: "Customer", organizationId: org },
      "orders_customer_idx",
      "orders_customer_status_idx"
    ],
    [
      "an employee's own orders",
      { _tag: "Customer", organizationId: org, orderedBy: account },
      "orders_orderer_idx",
      undefined
    ],
    [
      "the provider's orders",
      { _tag: "Provider", organizationId: org },
      "orders_provider_idx",
      "orders_provider_status_idx"
    ],
    [
      "the intermediary's orders",
      { _tag: "Intermediary", organizationId: org },
      "orders_intermediary_idx",
      "orders_intermediary_status_idx"
    ]
  ] as const

  for (const [what, scope, index, statusIndex] of scopes) {
    it.effect(`${what}: first page and the pages after a cursor`, () =>
      Effect.gen(function* () {
        yield* usesIndex("orders", index, list({ scope }))
        yield* usesIndex("orders", index, list({ scope, after }))
      })
    )
    if (statusIndex)
      it.effect(`${what} in one status`, () =>
        Effect.gen(function* () {
          yield* usesIndex("orders", statusIndex, list({ scope, status: "open" }))
          yield* usesIndex("orders", statusIndex, list({ scope, status: "open", after }))
        })
      )
  }

  it.effect("an employee's own orders in one status read the employee's index range", () =>
    usesIndex(
      "orders",
      "orders_orderer_idx",
      list({ scope: { _tag: "Customer", organizationId: org, orderedBy: account }, status: "open" })
    )
  )

  it.effect("the expiry sweep reads only orders awaiting the decision, by deadline", () =>
    usesIndex(
      "orders",
      "orders_awaiting_deadline_idx",
      OrderStore.use((s) => s.findOverdue(now, 100))
    )
  )

  it.effect("the reminder sweep reads only orders awaiting the decision, by deadline", () =>
    usesIndex(
      "orders",
      "orders_awaiting_deadline_idx",
      OrderStore.use((s) => s.findReminderDue(now, DateTime.add(now, { days: 5 }), 100))
    )
  )

  it.effect("the anti-splitting sum reads its covering index alone", () =>
    usesIndex(
      "orders",
      "orders_threshold_sum_idx",
      OrderStore.use((s) =>
        s.sumCountedValues({
          customerId: org,
          offeringId: "off_plan" as never,
          since: DateTime.subtract(now, { days: 365 })
        })
      )
    )
  )

  it.effect("reading, deciding on and reminding one order go by its primary key", () =>
    Effect.gen(function* () {
      yield* usesIndex(
        "orders",
        "sqlite_autoindex_orders_1",
        OrderStore.use((s) => s.get("ord_plan" as never))
      )
      yield* usesIndex(
        "orders",
        "sqlite_autoindex_orders_1",
        OrderStore.use((s) => s.markReminderSent("ord_plan" as never, now))
      )
    })
  )

  it.effect("the partial index of the sweeps names exactly core's statuses awaiting the provider's decision", () =>
    Effect.gen(function* () {
      const { client } = yield* recorded
      const rs = yield* Effect.promise(() =>
        client.execute("SELECT sql FROM sqlite_master WHERE name = 'orders_awaiting_deadline_idx'")
      )
      const statuses = [...String(rs.rows[0]?.sql).matchAll(/'([A-Za-z]+)'/gu)].map((m) => m[1])
      assert.deepStrictEqual(statuses.sort(), [...awaitingProviderDecision].sort())
    })
  )

  it.effect("the registration sweep and the operator's lists read their index ranges", () =>
    Effect.gen(function* () {
      const status: RegistrationType["status"] = "awaitingOperatorReview"
      yield* usesIndex(
        "registrations",
        "registrations_status_deadline_idx",
        RegistrationStore.use((s) => s.listOverdue(now, 100))
      )
      yield* usesIndex(
        "registrations",
        "registrations_status_submitted_idx",
        RegistrationStore.use((s) => s.listByStatus(status, { limit: 50 }))
      )
      yield* usesIndex(
        "registrations",
        "registrations_status_submitted_idx",
        RegistrationStore.use((s) =>
          s.listByStatus(status, { limit: 50, after: { submittedAt: now, id: "reg_x" as never } })
        )
      )
      yield* usesIndex(
        "registrations",
        "registrations_open_email_unique",
        RegistrationStore.use((s) => s.findOpenByEmail("a@b.de" as never))
      )
      yield* usesIndex(
        "registrations",
        "registrations_open_organization_name_unique",
        RegistrationStore.use((s) => s.findOpenByOrganizationName("Stadt Musterstadt"))
      )
    })
  )
})
