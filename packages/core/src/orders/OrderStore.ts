import { Context, DateTime, Effect, Layer, Option, Schema } from "effect"
import type { StorageError } from "../kernel/Errors.ts"
import type { AccountId, OfferingId, OrderId, OrganizationId } from "../kernel/Ids.ts"
import { Money } from "../kernel/Money.ts"
import { MemoryTable } from "../kernel/UnitOfWork.ts"
import { Order } from "./Order.ts"
import { OrderAlreadyExists, OrderNotFound, StaleOrderStatus } from "./OrderErrors.ts"
import { awaitingProviderDecision, type OrderStatus, rejectedStatuses } from "./OrderStatus.ts"

/** Whose orders a list shows; every list is one of these, so no query can cross organizations by accident. */
export type OrderScope =
  /** Orders placed for the customer organization; with `orderedBy`, only that account's own. */
  | { readonly _tag: "Customer"; readonly organizationId: OrganizationId; readonly orderedBy?: AccountId | undefined }
  /** Orders on the organization's offerings. */
  | { readonly _tag: "Provider"; readonly organizationId: OrganizationId }
  /** Flip-contract orders in which the organization is the intermediary. */
  | { readonly _tag: "Intermediary"; readonly organizationId: OrganizationId }

/** Where a page ends: lists run newest first, by placement time, ties broken by id (descending). */
export interface OrderCursor {
  readonly placedAtMillis: number
  readonly id: OrderId
}

export interface OrderListQuery {
  readonly scope: OrderScope
  readonly status?: OrderStatus | undefined
  /** 1 … 200; the use case applies the default of 50. */
  readonly limit: number
  readonly after?: OrderCursor | undefined
}

export interface OrderPage {
  readonly items: ReadonlyArray<Order>
  /** Set when more items follow. */
  readonly next: OrderCursor | null
}

export const cursorOf = (order: Order): OrderCursor => ({
  placedAtMillis: DateTime.toEpochMillis(order.placedAt),
  id: order.id
})

const CursorCodec = Schema.StringFromBase64Url.pipe(
  Schema.decodeTo(
    Schema.fromJsonString(
      Schema.Tuple([Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0))), Schema.NonEmptyString])
    )
  )
)

/** The opaque form clients get: base64url of `[millis, id]`. Adapters share it, so cursors survive a switch. */
export const encodeOrderCursor = (cursor: OrderCursor): string =>
  Schema.encodeSync(CursorCodec)([cursor.placedAtMillis, cursor.id])

/** The cursor a client sent back, or undefined when it is not one this portal issued. */
export const decodeOrderCursor = (text: string): OrderCursor | undefined =>
  Option.getOrUndefined(
    Option.map(Schema.decodeUnknownOption(CursorCodec)(text), ([placedAtMillis, id]) => ({
      placedAtMillis,
      id: id as OrderId
    }))
  )

/** Strictly after `cursor` in list order (newest first, then id descending). */
export const isAfterCursor = (order: Order, cursor: OrderCursor): boolean => {
  const millis = DateTime.toEpochMillis(order.placedAt)
  return millis < cursor.placedAtMillis || (millis === cursor.placedAtMillis && order.id < cursor.id)
}

export const inScope = (order: Order, scope: OrderScope): boolean => {
  switch (scope._tag) {
    case "Customer":
      return (
        order.customerId === scope.organizationId &&
        (scope.orderedBy === undefined || order.orderedBy.accountId === scope.orderedBy)
      )
    case "Provider":
      return order.providerId === scope.organizationId
    case "Intermediary":
      return order.intermediaryId === scope.organizationId
  }
}

const newestFirst = (a: Order, b: Order): number =>
  DateTime.toEpochMillis(b.placedAt) - DateTime.toEpochMillis(a.placedAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)

const byDeadline = (a: Order, b: Order): number =>
  DateTime.toEpochMillis(a.deadline) - DateTime.toEpochMillis(b.deadline) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/**
 * Orders. Everything frozen at order time is written once by `insert`; afterwards only the status with its
 * history (compare-and-set) and the reminder mark change, as the SQL adapter's narrow UPDATEs will.
 */
export class OrderStore extends Context.Service<
  OrderStore,
  {
    readonly insert: (order: Order) => Effect.Effect<void, OrderAlreadyExists | StorageError>
    readonly get: (id: OrderId) => Effect.Effect<Order | undefined, StorageError>
    /**
     * Writes the order's status and history if the stored status is still `expectedStatus`
     * (`UPDATE … WHERE id = ? AND status = ?`); other fields of `order` are ignored.
     */
    readonly updateStatus: (
      order: Order,
      expectedStatus: OrderStatus
    ) => Effect.Effect<void, StaleOrderStatus | OrderNotFound | StorageError>
    /** Marks the deadline reminder sent; false when it already was (another sweep got there first). */
    readonly markReminderSent: (id: OrderId, at: DateTime.Utc) => Effect.Effect<boolean, StorageError>
    readonly list: (query: OrderListQuery) => Effect.Effect<OrderPage, StorageError>
    /** Orders still awaiting the provider's decision whose deadline has passed at `now`, earliest deadline first. */
    readonly findOverdue: (now: DateTime.Utc, limit: number) => Effect.Effect<ReadonlyArray<Order>, StorageError>
    /**
     * Orders awaiting the provider's decision, not yet reminded, whose deadline lies in (`now`, `until`],
     * earliest deadline first.
     */
    readonly findReminderDue: (
      now: DateTime.Utc,
      until: DateTime.Utc,
      limit: number
    ) => Effect.Effect<ReadonlyArray<Order>, StorageError>
    /**
     * The anti-splitting sum (DOMAIN §7): counted values of the customer's orders of the offering placed on
     * the threshold ground at or after `since`, rejected ones excluded.
     */
    readonly sumCountedValues: (query: {
      readonly customerId: OrganizationId
      readonly offeringId: OfferingId
      readonly since: DateTime.Utc
    }) => Effect.Effect<Money, StorageError>
  }
>()("@cloudportal/core/OrderStore") {
  static readonly layerMemory = Layer.sync(OrderStore)(() => {
    const rows = new MemoryTable<OrderId, Order>()
    const awaiting = (o: Order) => awaitingProviderDecision.has(o.status)
    return {
      insert: (order) =>
        Effect.suspend(() =>
          rows.get(order.id) ? Effect.fail(new OrderAlreadyExists({ orderId: order.id })) : rows.set(order.id, order)
        ),
      get: (id) => Effect.sync(() => rows.get(id)),
      updateStatus: (order, expectedStatus) =>
        Effect.suspend((): Effect.Effect<void, StaleOrderStatus | OrderNotFound> => {
          const stored = rows.get(order.id)
          if (!stored) return Effect.fail(new OrderNotFound({ orderId: order.id }))
          if (stored.status !== expectedStatus)
            return Effect.fail(new StaleOrderStatus({ orderId: order.id, expectedStatus, actualStatus: stored.status }))
          return rows.set(order.id, new Order({ ...stored, status: order.status, history: order.history }))
        }),
      markReminderSent: (id, at) =>
        Effect.suspend(() => {
          const stored = rows.get(id)
          if (!stored || stored.reminderSentAt !== null) return Effect.succeed(false)
          return rows.set(id, new Order({ ...stored, reminderSentAt: at })).pipe(Effect.as(true))
        }),
      list: ({ scope, status, limit, after }) =>
        Effect.sync(() => {
          const matching = rows
            .filter(
              (o) =>
                inScope(o, scope) &&
                (status === undefined || o.status === status) &&
                (after === undefined || isAfterCursor(o, after))
            )
            .sort(newestFirst)
          const items = matching.slice(0, limit)
          const last = items.at(-1)
          return { items, next: matching.length > limit && last ? cursorOf(last) : null }
        }),
      findOverdue: (now, limit) =>
        Effect.sync(() =>
          rows
            .filter((o) => awaiting(o) && DateTime.isLessThanOrEqualTo(o.deadline, now))
            .sort(byDeadline)
            .slice(0, limit)
        ),
      findReminderDue: (now, until, limit) =>
        Effect.sync(() =>
          rows
            .filter(
              (o) =>
                awaiting(o) &&
                o.reminderSentAt === null &&
                DateTime.isGreaterThan(o.deadline, now) &&
                DateTime.isLessThanOrEqualTo(o.deadline, until)
            )
            .sort(byDeadline)
            .slice(0, limit)
        ),
      sumCountedValues: ({ customerId, offeringId, since }) =>
        Effect.sync(() => {
          let total = 0
          for (const o of rows.values())
            if (
              o.customerId === customerId &&
              o.offering.id === offeringId &&
              o.belowThreshold &&
              !rejectedStatuses.has(o.status) &&
              DateTime.isGreaterThanOrEqualTo(o.placedAt, since)
            )
              total += o.countedValue.amountCents
          return Money.cents(total)
        })
    }
  })
}
