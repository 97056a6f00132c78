/**
 * Order transition decisions in process: core's pure `transition` over the transition table, against the
 * compare-and-set write each accepted decision leads to (one `UPDATE … WHERE id = ? AND status = ?`
 * transaction on a libSQL file), measured in the same run.
 *
 *   pnpm --filter @cloudportal/benchmarks bench:decisions [-- --quick]
 *
 * Prints figures; not a test.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  type AccountId,
  type Actor,
  allowedActions,
  decisionDeadline,
  type Member,
  Money,
  type OfferingId,
  Order,
  type OrderAction,
  type OrderId,
  type OrderStatus,
  type OrganizationId,
  type Permission,
  type PricePlanId,
  transition,
  transitionTable
} from "@cloudportal/core"
import { createClient } from "@libsql/client"
import { DateTime, Result } from "effect"
import { emit, fixed, int, isQuick, machineLine, median, ratio, secondsSince } from "./lib/report.ts"

const started = performance.now()
const quick = isQuick()
const batches = quick ? 15 : 25
const batchSize = 20_000
const writes = quick ? 1_000 : 2_000

const customer = "org_customer" as OrganizationId
const provider = "org_provider" as OrganizationId
const intermediary = "org_intermediary" as OrganizationId
const member = (organizationId: OrganizationId, accountId: string, permissions: ReadonlyArray<Permission>): Member => ({
  _tag: "Member",
  accountId: accountId as AccountId,
  organizationId,
  isAdmin: false,
  isMainAdmin: false,
  permissions: new Set(permissions)
})
const providerDecider = member(provider, "acc_provider", ["orders.decideAsProvider"])
const intermediaryDecider = member(intermediary, "acc_intermediary", ["orders.decideAsIntermediary"])
const stranger = member("org_stranger" as OrganizationId, "acc_stranger", [
  "orders.decideAsProvider",
  "orders.decideAsIntermediary"
])

const placedAt = DateTime.makeUnsafe("2025-03-10T09:00:00Z")
const now = DateTime.makeUnsafe("2025-03-20T09:00:00Z")
const afterDeadline = DateTime.makeUnsafe("2025-05-20T09:00:00Z")

const orderIn = (i: number, contractModel: "DV" | "UV", status: OrderStatus): Order => {
  const total = Money.cents(12_345)
  return new Order({
    id: `ord_${i}` as OrderId,
    status,
    contractModel,
    total,
    deadline: decisionDeadline(placedAt),
    placedAt,
    orderedBy: { accountId: "acc_orderer" as AccountId, name: "Erika Mustermann" },
    customerId: customer,
    providerId: provider,
    intermediaryId: contractModel === "UV" ? intermediary : null,
    offering: { id: "off_bench" as OfferingId, version: 1, name: { de: "Dienst", en: "Service" } },
    pricePlan: {
      _tag: "OneTime",
      id: "plan_once" as PricePlanId,
      name: { de: "Einmalig", en: "One-time" },
      amountCents: total.amountCents
    },
    quantity: 1,
    configuration: { region: "de-west" },
    eligibility: {
      cartTotal: total,
      evaluatedAt: placedAt,
      contractModels: {
        DV: { allowed: contractModel === "DV", grounds: [], blockingReasons: [] },
        UV: { allowed: contractModel === "UV", grounds: [], blockingReasons: [] }
      }
    },
    belowThreshold: false,
    countedValue: total,
    history: [],
    reminderSentAt: null
  })
}

interface Decision {
  readonly order: Order
  readonly action: OrderAction
  readonly actor: Actor
  readonly at: DateTime.Utc
  readonly expectedStatus: OrderStatus
  readonly reason?: string
}

// Every member step of the table, taken by the party it belongs to: the decisions users make.
const accepted: Array<Decision> = transitionTable
  .filter((rule) => rule.party !== "system")
  .map((rule, i) => ({
    order: orderIn(i, rule.contractModel, rule.from),
    action: rule.action,
    actor: rule.party === "provider" ? providerDecider : intermediaryDecider,
    at: now,
    expectedStatus: rule.from,
    ...(rule.action === "reject" ? { reason: "Kontingent erschöpft" } : {})
  }))
// One of each refusal, in the order `transition` checks them.
const refused: Array<Decision> = [
  { order: orderIn(100, "DV", "open"), action: "confirm", actor: providerDecider, at: now, expectedStatus: "ordered" },
  { order: orderIn(101, "DV", "open"), action: "markOrdered", actor: providerDecider, at: now, expectedStatus: "open" },
  { order: orderIn(102, "UV", "open"), action: "startReview", actor: stranger, at: now, expectedStatus: "open" },
  {
    order: orderIn(103, "DV", "open"),
    action: "startReview",
    actor: providerDecider,
    at: afterDeadline,
    expectedStatus: "open"
  },
  { order: orderIn(104, "DV", "open"), action: "reject", actor: providerDecider, at: now, expectedStatus: "open" }
]
const mixed = [...accepted, ...accepted, ...refused]

const decide = (d: Decision) =>
  transition(d.order, d.action, d.actor, d.at, {
    expectedStatus: d.expectedStatus,
    ...(d.reason === undefined ? {} : { reason: d.reason })
  })

// Sanity: the fixture really is accepted and refused as labelled, or the figures would measure the wrong path.
for (const d of accepted) if (Result.isFailure(decide(d))) throw new Error(`expected acceptance: ${d.action}`)
for (const d of refused) if (Result.isSuccess(decide(d))) throw new Error(`expected refusal: ${d.action}`)

/** Median calls per second over `batches` timed batches, after one untimed warm-up batch. */
const perSecond = (items: ReadonlyArray<Decision>, call: (d: Decision) => unknown): number => {
  let sink = 0
  const run = () => {
    for (let i = 0; i < batchSize; i++) if (call(items[i % items.length]!)) sink++
  }
  run()
  const rates: Array<number> = []
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now()
    run()
    rates.push(batchSize / ((performance.now() - t0) / 1000))
  }
  if (sink < 0) console.log(sink)
  return median(rates)
}

const acceptedRate = perSecond(accepted, decide)
const refusedRate = perSecond(refused, decide)
const mixedRate = perSecond(mixed, decide)
const listedRate = perSecond(mixed, (d) => allowedActions(d.order, d.actor, d.at))

// --- The write an accepted decision leads to: one compare-and-set transaction on a libSQL file --------------

const directory = mkdtempSync(join(tmpdir(), "cloudportal-bench-decisions-"))
const client = createClient({ url: `file:${join(directory, "cas.db")}` })
await client.execute("PRAGMA journal_mode = WAL")
await client.execute("CREATE TABLE orders (id TEXT PRIMARY KEY, status TEXT NOT NULL, history TEXT NOT NULL)")
await client.batch(
  Array.from({ length: writes }, (_, i) => ({
    sql: "INSERT INTO orders VALUES (?, 'open', '[]')",
    args: [`ord_${i}`]
  })),
  "write"
)
const writeStart = performance.now()
for (let i = 0; i < writes; i++) {
  const tx = await client.transaction("write")
  const result = await tx.execute({
    sql: "UPDATE orders SET status = 'inReviewByProviderDV', history = ? WHERE id = ? AND status = 'open'",
    args: ['[{"action":"startReview"}]', `ord_${i}`]
  })
  if (result.rowsAffected !== 1) throw new Error("compare-and-set missed")
  await tx.commit()
}
const writeRate = writes / ((performance.now() - writeStart) / 1000)
client.close()
rmSync(directory, { recursive: true, force: true })

emit({
  id: "decisions",
  title: "Core decisions in process: order transitions",
  tables: [
    {
      title: "",
      columns: ["workload", "per second (median of batches)", "µs each", "vs. one CAS write"],
      rows: [
        [
          `\`transition\`, accepted (${accepted.length} member steps of the table)`,
          int(acceptedRate),
          fixed(1e6 / acceptedRate, 2),
          ratio(acceptedRate / writeRate)
        ],
        [
          `\`transition\`, refused (stale, illegal, permission, deadline, reason)`,
          int(refusedRate),
          fixed(1e6 / refusedRate, 2),
          ratio(refusedRate / writeRate)
        ],
        [
          "`transition`, mix 2 : 1 accepted : refused",
          int(mixedRate),
          fixed(1e6 / mixedRate, 2),
          ratio(mixedRate / writeRate)
        ],
        [
          "`allowedActions` (what a viewer may do now)",
          int(listedRate),
          fixed(1e6 / listedRate, 2),
          ratio(listedRate / writeRate)
        ],
        [
          "baseline: one compare-and-set UPDATE transaction, libSQL file (WAL)",
          int(writeRate),
          fixed(1e6 / writeRate, 1),
          "1×"
        ]
      ]
    }
  ],
  figures: {
    "transition.accepted_per_s": acceptedRate,
    "transition.refused_per_s": refusedRate,
    "transition.mixed_per_s": mixedRate,
    allowedActions_per_s: listedRate,
    cas_write_per_s: writeRate
  },
  targets: [],
  notes: [
    `${batches} batches of ${int(batchSize)} calls each after a warm-up batch; an accepted decision builds the next \`Order\` (Schema-validated) and its history entry.`,
    "No target of its own: the last column says how many decisions fit in the time of the write one of them leads to.",
    `machine: ${machineLine()}`
  ],
  seconds: secondsSince(started)
})
