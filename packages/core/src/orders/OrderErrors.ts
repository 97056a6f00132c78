import { Schema } from "effect"
import { BlockingReason } from "../eligibility/EligibilityAnswer.ts"
import { ContractModel } from "../kernel/ContractModel.ts"
import { OrderAction } from "./Order.ts"
import { OrderStatus } from "./OrderStatus.ts"

/** No such order, or not one the viewer may see: another organization's order is never "forbidden" (DOMAIN §11). */
export class OrderNotFound extends Schema.TaggedError<OrderNotFound>()("OrderNotFound", {
  orderId: Schema.String
}) {}

/** The transition table has no such step from the order's status in its contract model (DOMAIN §9). */
export class IllegalOrderTransition extends Schema.TaggedError<IllegalOrderTransition>()("IllegalOrderTransition", {
  orderId: Schema.String,
  contractModel: ContractModel,
  status: OrderStatus,
  action: OrderAction
}) {}

/**
 * Compare-and-set failed: the order is no longer in the status the caller saw, because someone else acted
 * in between. Reload and decide again.
 */
export class StaleOrderStatus extends Schema.TaggedError<StaleOrderStatus>()("StaleOrderStatus", {
  orderId: Schema.String,
  expectedStatus: OrderStatus,
  actualStatus: OrderStatus
}) {}

/** A rejection always carries a reason, shown to the customer (DOMAIN §9). */
export class ReasonRequired extends Schema.TaggedError<ReasonRequired>()("ReasonRequired", {
  orderId: Schema.String
}) {}

/** The decision period has ended; the order can only expire now (DOMAIN §8). */
export class DeadlineExpired extends Schema.TaggedError<DeadlineExpired>()("DeadlineExpired", {
  orderId: Schema.String,
  deadline: Schema.DateTimeUtc
}) {}

/** `expire` before the deadline has passed: the provider still has time to decide. */
export class DeadlineNotReached extends Schema.TaggedError<DeadlineNotReached>()("DeadlineNotReached", {
  orderId: Schema.String,
  deadline: Schema.DateTimeUtc
}) {}

/** The chosen contract model is not allowed for this cart; the blocking reasons say why (DOMAIN §7). */
export class NotEligible extends Schema.TaggedError<NotEligible>()("NotEligible", {
  contractModel: ContractModel,
  blockingReasons: Schema.Array(BlockingReason)
}) {}

/** An order id the store already holds. */
export class OrderAlreadyExists extends Schema.TaggedError<OrderAlreadyExists>()("OrderAlreadyExists", {
  orderId: Schema.String
}) {}

/** The order's contract folder has no document with this id. */
export class ContractDocumentNotFound extends Schema.TaggedError<ContractDocumentNotFound>()(
  "ContractDocumentNotFound",
  { orderId: Schema.String, documentId: Schema.String }
) {}
