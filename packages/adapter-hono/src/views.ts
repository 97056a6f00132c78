import {
  AccountProfile,
  MemberView,
  Order,
  OrderAction,
  OrderStatus,
  type OrderView,
  Organization,
  Permission,
  RegistrationView,
  statusLabel
} from "@cloudportal/core"
import { Schema } from "effect"
import { type JsonOf, toJson } from "./json.ts"
import type { Locale } from "./locale.ts"

// JSON forms of core's answers that core types as interfaces: the adapter encodes them with these Schemas.

export const IssuedSessionJson = Schema.Struct({ token: Schema.String, expiresAt: Schema.DateTimeUtc })

/** `GET /me`: the signed-in account, its organization and permissions. */
export const SignedInJson = Schema.Struct({
  account: Schema.Union([MemberView, AccountProfile]),
  organization: Schema.NullOr(Organization),
  permissions: Schema.Array(Permission)
})

/** Login and invitation acceptance: `SignedIn` with the session (its token is the cookie's too). */
export const LoggedInJson = Schema.Struct({ ...SignedInJson.fields, session: IssuedSessionJson })

export const AllowedOrderAction = Schema.Struct({ action: OrderAction, to: OrderStatus })

// What an order keeps for core alone: the anti-splitting bookkeeping and the reminder's mark.
const { belowThreshold: _below, countedValue: _counted, reminderSentAt: _reminded, ...publicOrderFields } = Order.fields

/** An order as its viewer sees it (API.md "Order"): core's order without its bookkeeping, plus label and actions. */
export const OrderViewJson = Schema.Struct({
  ...publicOrderFields,
  statusLabel: Schema.String,
  allowedActions: Schema.Array(AllowedOrderAction)
})

export const orderJson = (view: OrderView, locale: Locale): JsonOf<typeof OrderViewJson.Type> => ({
  ...toJson(OrderViewJson, view),
  statusLabel: statusLabel(view.status, locale)
})

export const RegistrationApprovalJson = Schema.Struct({
  registration: RegistrationView,
  organizationId: Schema.String,
  accountId: Schema.String
})

export const RegistrationSubmittedJson = Schema.Struct({ registrationId: Schema.String })
export const RegistrationConfirmedJson = Schema.Struct({
  registrationId: Schema.String,
  status: Schema.Literal("awaitingOperatorReview")
})
export const CountJson = Schema.Struct({ expired: Schema.Int })
