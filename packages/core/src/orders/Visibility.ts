import { type Actor, can } from "../kernel/Actor.ts"
import type { Order } from "./Order.ts"

/**
 * Who may see an order (DOMAIN §9, §11): the orderer; members of the customer organization with
 * `orders.viewOrganization`; members of the provider or (flip contract) intermediary organization who decide
 * orders there; the portal itself. Anybody else must not learn the order exists, so callers answer
 * `OrderNotFound`, never a permission error.
 */
export const canView = (order: Order, viewer: Actor): boolean => {
  switch (viewer._tag) {
    case "System":
      return true
    case "Operator":
      // Portal staff see no organization's orders: DOMAIN §11 opens orders only to their parties.
      return false
    case "Member":
      return (
        (viewer.organizationId === order.customerId &&
          (order.orderedBy.accountId === viewer.accountId ||
            can(viewer, "orders.viewOrganization", order.customerId))) ||
        can(viewer, "orders.decideAsProvider", order.providerId) ||
        (order.intermediaryId !== null && can(viewer, "orders.decideAsIntermediary", order.intermediaryId))
      )
  }
}
