import { Schema } from "effect"

// Ids are opaque strings; the brand keeps an OrderId from being passed where an AccountId is meant.

export const OrganizationId = Schema.NonEmptyString.pipe(Schema.brand("OrganizationId"))
export type OrganizationId = typeof OrganizationId.Type
export const AccountId = Schema.NonEmptyString.pipe(Schema.brand("AccountId"))
export type AccountId = typeof AccountId.Type
export const RegistrationId = Schema.NonEmptyString.pipe(Schema.brand("RegistrationId"))
export type RegistrationId = typeof RegistrationId.Type
export const RoleId = Schema.NonEmptyString.pipe(Schema.brand("RoleId"))
export type RoleId = typeof RoleId.Type
export const AddressId = Schema.NonEmptyString.pipe(Schema.brand("AddressId"))
export type AddressId = typeof AddressId.Type
export const SessionId = Schema.NonEmptyString.pipe(Schema.brand("SessionId"))
export type SessionId = typeof SessionId.Type
export const InvitationId = Schema.NonEmptyString.pipe(Schema.brand("InvitationId"))
export type InvitationId = typeof InvitationId.Type
export const OfferingId = Schema.NonEmptyString.pipe(Schema.brand("OfferingId"))
export type OfferingId = typeof OfferingId.Type
export const PricePlanId = Schema.NonEmptyString.pipe(Schema.brand("PricePlanId"))
export type PricePlanId = typeof PricePlanId.Type
export const OrderId = Schema.NonEmptyString.pipe(Schema.brand("OrderId"))
export type OrderId = typeof OrderId.Type
export const DocumentId = Schema.NonEmptyString.pipe(Schema.brand("DocumentId"))
export type DocumentId = typeof DocumentId.Type
export const DeclarationId = Schema.NonEmptyString.pipe(Schema.brand("DeclarationId"))
export type DeclarationId = typeof DeclarationId.Type
export const TermsId = Schema.NonEmptyString.pipe(Schema.brand("TermsId"))
export type TermsId = typeof TermsId.Type
export const AuditEventId = Schema.NonEmptyString.pipe(Schema.brand("AuditEventId"))
export type AuditEventId = typeof AuditEventId.Type
export const OutboxMessageId = Schema.NonEmptyString.pipe(Schema.brand("OutboxMessageId"))
export type OutboxMessageId = typeof OutboxMessageId.Type
