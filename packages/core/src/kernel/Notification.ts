import { Schema } from "effect"
import { ContractModel } from "./ContractModel.ts"
import { Money } from "./Money.ts"

/**
 * Every email the portal sends (DOMAIN §10), as typed data. Core never renders mail: the email package
 * turns each notification into a template. Fields named `token` carry a link secret; they are the only
 * place a secret exists in clear, and `redact` removes them once the mail is sent.
 */
const Recipient = {
  recipient: Schema.String,
  recipientName: Schema.String,
  locale: Schema.Literals(["de", "en"])
}

const OrderFields = {
  orderId: Schema.String,
  offeringName: Schema.String,
  contractModel: ContractModel,
  total: Money
}

export const Notification = Schema.TaggedUnion({
  RegistrationConfirmationLink: {
    ...Recipient,
    organizationName: Schema.String,
    token: Schema.String,
    expiresAt: Schema.DateTimeUtc
  },
  RegistrationApproved: { ...Recipient, organizationName: Schema.String },
  RegistrationRejected: { ...Recipient, organizationName: Schema.String, reason: Schema.String },
  Invitation: {
    ...Recipient,
    organizationName: Schema.String,
    invitedBy: Schema.String,
    token: Schema.String,
    expiresAt: Schema.DateTimeUtc,
    resent: Schema.Boolean
  },
  PasswordResetLink: { ...Recipient, token: Schema.String, expiresAt: Schema.DateTimeUtc },
  PasswordChanged: { ...Recipient, changedAt: Schema.DateTimeUtc },
  OrderPlaced: {
    ...Recipient,
    ...OrderFields,
    audience: Schema.Literals(["customer", "actingParty"]),
    deadline: Schema.DateTimeUtc
  },
  OrderStatusChanged: { ...Recipient, ...OrderFields, from: Schema.String, to: Schema.String },
  OrderRejected: { ...Recipient, ...OrderFields, status: Schema.String, reason: Schema.String },
  OrderDeadlineReminder: { ...Recipient, ...OrderFields, deadline: Schema.DateTimeUtc },
  OrderExpired: { ...Recipient, ...OrderFields }
})
export type Notification = typeof Notification.Type

/** The notification with its link secret blanked: what may stay at rest after sending. */
export const redact = (n: Notification): Notification => ("token" in n ? { ...n, token: "[redacted]" } : n)
