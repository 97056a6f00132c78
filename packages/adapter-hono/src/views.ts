import {
  AccountProfile,
  Configuration,
  ContractModel,
  EligibilityAnswer,
  MemberView,
  Money,
  OrderAction,
  OrderedBy,
  OrderedOffering,
  OrderHistoryEntry,
  OrderId,
  OrderStatus,
  type OrderView,
  Organization,
  OrganizationId,
  Permission,
  PricePlan,
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

/** An order as its viewer sees it (API.md "Order"). */
export const OrderViewJson = Schema.Struct({
  id: OrderId,
  status: OrderStatus,
  statusLabel: Schema.String,
  contractModel: ContractModel,
  total: Money,
  deadline: Schema.DateTimeUtc,
  placedAt: Schema.DateTimeUtc,
  orderedBy: OrderedBy,
  customerId: OrganizationId,
  providerId: OrganizationId,
  intermediaryId: Schema.NullOr(OrganizationId),
  offering: OrderedOffering,
  pricePlan: PricePlan,
  quantity: Schema.Int,
  configuration: Configuration,
  eligibility: EligibilityAnswer,
  history: Schema.Array(OrderHistoryEntry),
  allowedActions: Schema.Array(AllowedOrderAction)
})

/** The order in the viewer's locale: the status label in German, or English with `Accept-Language: en`. */
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
