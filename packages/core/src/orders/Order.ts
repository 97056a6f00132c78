import { Schema } from "effect"
import { Configuration } from "../catalog/Configuration.ts"
import { PricePlan } from "../catalog/Offering.ts"
import { EligibilityAnswer } from "../eligibility/EligibilityAnswer.ts"
import { ContractModel } from "../kernel/ContractModel.ts"
import { AccountId, OfferingId, OrderId, OrganizationId } from "../kernel/Ids.ts"
import { Money } from "../kernel/Money.ts"
import { OrderStatus } from "./OrderStatus.ts"

/** Every action on an order; `expire` is the deadline sweep's own (DOMAIN §9). */
export const orderActions = ["startReview", "confirm", "reject", "markOrdered", "expire"] as const
export const OrderAction = Schema.Literals(orderActions)
export type OrderAction = typeof OrderAction.Type

/** The actions a person may request; `expire` belongs to the system. */
export const MemberOrderAction = Schema.Literals(["startReview", "confirm", "reject", "markOrdered"])
export type MemberOrderAction = typeof MemberOrderAction.Type

/** Who acts on an order at a step: the offering's provider, the order's intermediary, or the portal itself. */
export const ActingParty = Schema.Literals(["provider", "intermediary", "system"])
export type ActingParty = typeof ActingParty.Type

/** Who ordered, with the name as it was at order time: it stays even if the account is renamed or deleted. */
export const OrderedBy = Schema.Struct({ accountId: AccountId, name: Schema.String })
export type OrderedBy = typeof OrderedBy.Type

const Text = Schema.Struct({ de: Schema.String, en: Schema.String })

/** The offering an order was placed on, at the version it had then. */
export const OrderedOffering = Schema.Struct({
  id: OfferingId,
  version: Schema.Int,
  name: Text
})
export type OrderedOffering = typeof OrderedOffering.Type

/** One step of an order's life, shown to everyone who may see the order. */
export class OrderHistoryEntry extends Schema.Class<OrderHistoryEntry>("@cloudportal/core/OrderHistoryEntry")({
  from: OrderStatus,
  to: OrderStatus,
  action: OrderAction,
  /** The party the actor acted for. */
  party: ActingParty,
  actor: Schema.Struct({ kind: Schema.String, accountId: Schema.NullOr(Schema.String) }),
  /** Required on rejection and shown to the customer; a note otherwise. */
  reason: Schema.optionalKey(Schema.String),
  at: Schema.DateTimeUtc
}) {}

/**
 * An order (DOMAIN §8, §9). Everything the customer agreed to is frozen in it at order time: the offering
 * version, the price plan as it was, the total, the configuration and the eligibility answer, so later
 * catalog changes never change a placed order.
 */
export class Order extends Schema.Class<Order>("@cloudportal/core/Order")({
  id: OrderId,
  status: OrderStatus,
  contractModel: ContractModel,
  /** Equals the cart total of the eligibility answer; no fee or uplift is ever added (DOMAIN §8). */
  total: Money,
  /** End of the provider's decision period (§§ 187, 188 BGB), see `decisionDeadline`. */
  deadline: Schema.DateTimeUtc,
  placedAt: Schema.DateTimeUtc,
  orderedBy: OrderedBy,
  /** The customer organization the order was placed for. */
  customerId: OrganizationId,
  /** The offering's provider. */
  providerId: OrganizationId,
  /** Flip contracts only: the intermediary that contracts with the customer and invoices. */
  intermediaryId: Schema.NullOr(OrganizationId),
  offering: OrderedOffering,
  pricePlan: PricePlan,
  quantity: Schema.Int,
  configuration: Configuration,
  eligibility: EligibilityAnswer,
  /**
   * Placed as a direct contract whose only ground was the procurement threshold: such orders add up
   * against the threshold for 12 months, so splitting an order does not get under it (DOMAIN §7).
   */
  belowThreshold: Schema.Boolean,
  /** This order's estimated contract value, the amount it adds to the anti-splitting sum. */
  countedValue: Money,
  history: Schema.Array(OrderHistoryEntry),
  /** When the deadline reminder went out, so the sweep sends it once. */
  reminderSentAt: Schema.NullOr(Schema.DateTimeUtc)
}) {}

/** The party whose organization a step belongs to, on this order. */
export const organizationOf = (order: Order, party: ActingParty): OrganizationId | null =>
  party === "provider" ? order.providerId : party === "intermediary" ? order.intermediaryId : null
