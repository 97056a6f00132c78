import { and, asc, desc, eq, getTableColumns, gt, isNull, lte, notInArray, type SQL, sql } from "drizzle-orm"
import { Effect, Layer } from "effect"
import {
  ContractFolder,
  ContractFolderAlreadyExists,
  ContractFolderStore,
  cursorOf,
  Money,
  Order,
  OrderAlreadyExists,
  OrderNotFound,
  type OrderScope,
  OrderStore,
  rejectedStatuses,
  StaleOrderStatus
} from "../internal/core.ts"
import { whenDone } from "../internal/execute-now.ts"
import { jsonColumn } from "../internal/json.ts"
import { placeholders, prepared, preparedStatement } from "../internal/prepared.ts"
import { storable } from "../internal/text.ts"
import { fromMillis, fromMillisOrNull, toMillis, toMillisOrNull } from "../internal/time.ts"
import type { ConstraintViolation } from "../LibsqlDatabase.ts"
import { LibsqlDatabase } from "../LibsqlDatabase.ts"
import { type ContractFolderRow, contractFolders } from "../schema/contract-folders.ts"
import { awaitingDecision, countedBelowThreshold, type OrderRow, orders } from "../schema/orders.ts"

/**
 * The order's and its folder's JSON columns are written as `JSON.stringify` writes them (see `jsonColumn`); the
 * configuration's numbers may be NaN or infinite, which only the codec writes, so a configuration holding one
 * goes through it.
 */
const plain = { plain: true } as const
const plainUnlessNonFinite = { plain: "finite" } as const
const o = Order.fields
const offeringName = jsonColumn(o.offering.fields.name, plain)
const pricePlan = jsonColumn(o.pricePlan, plain)
const configuration = jsonColumn(o.configuration, plainUnlessNonFinite)
const eligibility = jsonColumn(o.eligibility, plain)
const history = jsonColumn(o.history, plain)

export const toRow = (order: Order): OrderRow => ({
  id: order.id,
  status: order.status,
  contractModel: order.contractModel,
  totalCents: order.total.amountCents,
  deadline: toMillis(order.deadline),
  placedAt: toMillis(order.placedAt),
  orderedByAccountId: order.orderedBy.accountId,
  orderedByName: order.orderedBy.name,
  customerId: order.customerId,
  providerId: order.providerId,
  intermediaryId: order.intermediaryId,
  offeringId: order.offering.id,
  offeringVersion: order.offering.version,
  offeringName: offeringName.write(order.offering.name),
  pricePlan: pricePlan.write(order.pricePlan),
  quantity: order.quantity,
  configuration: configuration.write(order.configuration),
  eligibility: eligibility.write(order.eligibility),
  belowThreshold: order.belowThreshold,
  countedValueCents: order.countedValue.amountCents,
  history: history.write(order.history),
  reminderSentAt: toMillisOrNull(order.reminderSentAt)
})

export const toDomain = (r: OrderRow): Order =>
  new Order({
    id: r.id as Order["id"],
    status: r.status as Order["status"],
    contractModel: r.contractModel as Order["contractModel"],
    total: Money.cents(r.totalCents),
    deadline: fromMillis(r.deadline),
    placedAt: fromMillis(r.placedAt),
    orderedBy: { accountId: r.orderedByAccountId as Order["orderedBy"]["accountId"], name: r.orderedByName },
    customerId: r.customerId as Order["customerId"],
    providerId: r.providerId as Order["providerId"],
    intermediaryId: r.intermediaryId as Order["intermediaryId"],
    offering: {
      id: r.offeringId as Order["offering"]["id"],
      version: r.offeringVersion,
      name: offeringName.read(r.offeringName)
    },
    pricePlan: pricePlan.read(r.pricePlan),
    quantity: r.quantity,
    configuration: configuration.read(r.configuration),
    eligibility: eligibility.read(r.eligibility),
    belowThreshold: r.belowThreshold,
    countedValue: Money.cents(r.countedValueCents),
    history: history.read(r.history),
    reminderSentAt: fromMillisOrNull(r.reminderSentAt)
  })

/** The WHERE term of a scope: each one is the leading column of its own index. */
export const scopeCondition = (scope: OrderScope): SQL | undefined => {
  switch (scope._tag) {
    case "Customer":
      return and(
        eq(orders.customerId, scope.organizationId),
        scope.orderedBy === undefined ? undefined : eq(orders.orderedByAccountId, scope.orderedBy)
      )
    case "Provider":
      return eq(orders.providerId, scope.organizationId)
    case "Intermediary":
      return eq(orders.intermediaryId, scope.organizationId)
  }
}

const rejected = [...rejectedStatuses]

const insertOrder = preparedStatement((db) => db.insert(orders).values(placeholders(orders)))
const orderById = prepared((db) =>
  db
    .select()
    .from(orders)
    .where(eq(orders.id, sql.placeholder("id")))
    .prepare()
)
const countedSum = preparedStatement((db) =>
  db
    .select({ total: sql<number>`coalesce(sum(${orders.countedValueCents}), 0)` })
    .from(orders)
    .where(
      and(
        countedBelowThreshold,
        eq(orders.customerId, sql.placeholder("customerId")),
        eq(orders.offeringId, sql.placeholder("offeringId")),
        sql`${orders.placedAt} >= ${sql.placeholder("since")}`,
        notInArray(orders.status, rejected)
      )
    )
)

/**
 * Orders. Status changes are a compare-and-set (`UPDATE orders SET status = ?, history = ? WHERE id = ? AND
 * status = ?`; zero rows = `StaleOrderStatus`); lists page newest first by (placed_at, id) on one index per
 * scope; the sweeps read a partial index of the orders still awaiting the provider's decision; the
 * anti-splitting sum reads a covering partial index of the orders counted against the threshold.
 */
export const layer: Layer.Layer<OrderStore, never, LibsqlDatabase> = Layer.effect(
  OrderStore,
  Effect.gen(function* () {
    const { read, write, transaction } = yield* LibsqlDatabase
    return OrderStore.of({
      insert: (order) =>
        Effect.asVoid(
          write(
            "OrderStore.insert",
            (db) => insertOrder(db).run(storable(orders, toRow(order))),
            (v: ConstraintViolation) =>
              (v.kind === "primaryKey" || v.kind === "unique") && v.message.includes("orders.id")
                ? new OrderAlreadyExists({ orderId: order.id })
                : undefined
          )
        ),
      get: (id) =>
        read("OrderStore.get", async (db) => {
          const row = await orderById(db).get({ id })
          return row && toDomain(row)
        }),
      updateStatus: (order, expectedStatus) =>
        // The lookup after a refused compare-and-set must see the row the UPDATE saw: one transaction.
        transaction(
          Effect.gen(function* () {
            const updated = yield* write(
              "OrderStore.updateStatus",
              async (db) =>
                (
                  await db
                    .update(orders)
                    .set(storable(orders, { status: order.status, history: history.write(order.history) }))
                    .where(and(eq(orders.id, order.id), eq(orders.status, expectedStatus)))
                ).rowsAffected
            )
            if (updated === 1) return
            const stored = yield* read("OrderStore.updateStatus", async (db) => {
              const [row] = await db.select({ status: orders.status }).from(orders).where(eq(orders.id, order.id))
              return row
            })
            return yield* stored
              ? new StaleOrderStatus({
                  orderId: order.id,
                  expectedStatus,
                  actualStatus: stored.status as Order["status"]
                })
              : new OrderNotFound({ orderId: order.id })
          })
        ),
      markReminderSent: (id, at) =>
        write(
          "OrderStore.markReminderSent",
          async (db) =>
            (
              await db
                .update(orders)
                .set({ reminderSentAt: toMillis(at) })
                .where(and(eq(orders.id, id), isNull(orders.reminderSentAt)))
            ).rowsAffected === 1
        ),
      list: ({ scope, status, limit, after }) =>
        read("OrderStore.list", async (db) => {
          const rows = await db
            .select()
            .from(orders)
            .where(
              and(
                scopeCondition(scope),
                status === undefined ? undefined : eq(orders.status, status),
                after === undefined
                  ? undefined
                  : sql`(${orders.placedAt}, ${orders.id}) < (${after.placedAtMillis}, ${after.id})`
              )
            )
            .orderBy(desc(orders.placedAt), desc(orders.id))
            .limit(limit + 1)
          const items = rows.slice(0, limit).map(toDomain)
          const last = items.at(-1)
          return { items, next: rows.length > limit && last ? cursorOf(last) : null }
        }),
      findOverdue: (now, limit) =>
        read("OrderStore.findOverdue", async (db) =>
          (
            await db
              .select()
              .from(orders)
              .where(and(awaitingDecision, lte(orders.deadline, toMillis(now))))
              .orderBy(asc(orders.deadline), asc(orders.id))
              .limit(limit)
          ).map(toDomain)
        ),
      findReminderDue: (now, until, limit) =>
        read("OrderStore.findReminderDue", async (db) =>
          (
            await db
              .select()
              .from(orders)
              .where(
                and(
                  awaitingDecision,
                  gt(orders.deadline, toMillis(now)),
                  lte(orders.deadline, toMillis(until)),
                  isNull(orders.reminderSentAt)
                )
              )
              .orderBy(asc(orders.deadline), asc(orders.id))
              .limit(limit)
          ).map(toDomain)
        ),
      sumCountedValues: ({ customerId, offeringId, since }) =>
        read("OrderStore.sumCountedValues", (db) =>
          whenDone(countedSum(db).run({ customerId, offeringId, since: toMillis(since) }), (result) =>
            Money.cents(Number(result.rows[0]?.[0] ?? 0))
          )
        )
    })
  })
)

const folder = ContractFolder.fields
const documents = jsonColumn(folder.documents, plain)
const masterData = jsonColumn(folder.masterData, plain)
const product = jsonColumn(folder.product, plain)
const price = jsonColumn(folder.price, plain)
const configured = jsonColumn(folder.configuration, plainUnlessNonFinite)
const terms = jsonColumn(folder.terms, plain)
const maturity = jsonColumn(folder.maturity, plain)
const serviceConditions = jsonColumn(folder.serviceConditions, plain)
const folderEligibility = jsonColumn(folder.eligibility, plain)

export const folderToRow = (f: ContractFolder): ContractFolderRow => ({
  orderId: f.orderId,
  customerId: f.customerId,
  createdAt: toMillis(f.createdAt),
  documents: documents.write(f.documents),
  masterData: masterData.write(f.masterData),
  product: product.write(f.product),
  price: price.write(f.price),
  configuration: configured.write(f.configuration),
  terms: terms.write(f.terms),
  maturity: maturity.write(f.maturity),
  serviceConditions: serviceConditions.write(f.serviceConditions),
  eligibility: folderEligibility.write(f.eligibility),
  summaryMediaType: f.orderSummary.mediaType,
  summary: f.orderSummary.bytes
})

export const folderToDomain = (r: ContractFolderRow): ContractFolder =>
  new ContractFolder({
    orderId: r.orderId as ContractFolder["orderId"],
    customerId: r.customerId as ContractFolder["customerId"],
    createdAt: fromMillis(r.createdAt),
    documents: documents.read(r.documents),
    masterData: masterData.read(r.masterData),
    product: product.read(r.product),
    price: price.read(r.price),
    configuration: configured.read(r.configuration),
    terms: terms.read(r.terms),
    maturity: maturity.read(r.maturity),
    serviceConditions: serviceConditions.read(r.serviceConditions),
    eligibility: folderEligibility.read(r.eligibility),
    orderSummary: { mediaType: r.summaryMediaType, bytes: r.summary }
  })

const { summary: _summary, ...folderColumns } = getTableColumns(contractFolders)

const fromHex = (hex: string): Uint8Array => {
  const bytes = new Uint8Array(hex.length / 2)
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return bytes
}

const insertFolder = preparedStatement((db) => db.insert(contractFolders).values(placeholders(contractFolders)))

/** Contract folders, one per order, written once (the primary key refuses a second) and never changed. */
export const layerContractFolders: Layer.Layer<ContractFolderStore, never, LibsqlDatabase> = Layer.effect(
  ContractFolderStore,
  Effect.gen(function* () {
    const { read, write } = yield* LibsqlDatabase
    return ContractFolderStore.of({
      insert: (f) =>
        Effect.asVoid(
          write(
            "ContractFolderStore.insert",
            (db) => insertFolder(db).run(storable(contractFolders, folderToRow(f))),
            (v) =>
              (v.kind === "primaryKey" || v.kind === "unique") && v.message.includes("contract_folders.order_id")
                ? new ContractFolderAlreadyExists({ orderId: f.orderId })
                : undefined
          )
        ),
      get: (orderId) =>
        read("ContractFolderStore.get", async (db) => {
          // The summary is read as hex text: without Node's Buffer (workerd), drizzle's libSQL session turns every
          // blob into UTF-8 text before a column type sees it, which empties or mangles a PDF.
          const [row] = await db
            .select({ ...folderColumns, summaryHex: sql<string>`hex(${contractFolders.summary})` })
            .from(contractFolders)
            .where(eq(contractFolders.orderId, orderId))
          if (!row) return undefined
          const { summaryHex, ...rest } = row
          return folderToDomain({ ...rest, summary: fromHex(summaryHex) })
        })
    })
  })
)
