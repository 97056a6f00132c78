import { Schema } from "effect"
import type { ContractModel } from "../kernel/ContractModel.ts"

/** The twelve order statuses of DOMAIN §9, in workflow order. */
export const orderStatuses = [
  "open",
  "inReviewByProviderDV",
  "confirmedByProviderDV",
  "inReviewByIntermediaryUV",
  "confirmedByIntermediaryUV",
  "inReviewByProviderUV",
  "confirmedByProviderUV",
  "ordered",
  "rejectedByProviderDV",
  "rejectedByIntermediaryUV",
  "rejectedByProviderUV",
  "expired"
] as const

export const OrderStatus = Schema.Literals(orderStatuses)
export type OrderStatus = typeof OrderStatus.Type

/** User-visible labels; the German ones are verbatim from the portal. */
export const orderStatusLabels: Record<OrderStatus, { readonly de: string; readonly en: string }> = {
  open: { de: "Offen", en: "Open" },
  inReviewByProviderDV: { de: "In Prüfung durch Anbieter (DV)", en: "In review by provider (direct contract)" },
  confirmedByProviderDV: { de: "Bestätigt durch Anbieter (DV)", en: "Confirmed by provider (direct contract)" },
  inReviewByIntermediaryUV: {
    de: "In Prüfung durch Intermediär (UV)",
    en: "In review by intermediary (flip contract)"
  },
  confirmedByIntermediaryUV: { de: "Bestätigt durch Intermediär", en: "Confirmed by intermediary" },
  inReviewByProviderUV: { de: "In Prüfung durch Anbieter (UV)", en: "In review by provider (flip contract)" },
  confirmedByProviderUV: { de: "Bestätigt durch Anbieter (UV)", en: "Confirmed by provider (flip contract)" },
  ordered: { de: "Bestellt", en: "Ordered" },
  rejectedByProviderDV: { de: "Abgelehnt durch Anbieter (DV)", en: "Rejected by provider (direct contract)" },
  rejectedByIntermediaryUV: { de: "Abgelehnt durch Intermediär", en: "Rejected by intermediary" },
  rejectedByProviderUV: { de: "Abgelehnt durch Anbieter (UV)", en: "Rejected by provider (flip contract)" },
  expired: { de: "Abgelaufen", en: "Expired" }
}

export const statusLabel = (status: OrderStatus, locale: "de" | "en" = "de"): string =>
  orderStatusLabels[status][locale]

/** Nothing leaves these: the order succeeded, was rejected, or expired. */
export const terminalStatuses: ReadonlySet<OrderStatus> = new Set<OrderStatus>([
  "ordered",
  "rejectedByProviderDV",
  "rejectedByIntermediaryUV",
  "rejectedByProviderUV",
  "expired"
])

export const isTerminal = (status: OrderStatus): boolean => terminalStatuses.has(status)

/** The rejected outcomes; a rejected order does not count toward the anti-splitting sum (DOMAIN §7). */
export const rejectedStatuses: ReadonlySet<OrderStatus> = new Set<OrderStatus>([
  "rejectedByProviderDV",
  "rejectedByIntermediaryUV",
  "rejectedByProviderUV"
])

/**
 * Non-terminal and before the provider's confirmation: the 30-day deadline runs, a decision after it is
 * refused, and the sweep expires the order (DOMAIN §8, §9). After the provider's confirmation the order is
 * binding and the deadline no longer matters.
 */
export const awaitingProviderDecision: ReadonlySet<OrderStatus> = new Set<OrderStatus>([
  "open",
  "inReviewByProviderDV",
  "inReviewByIntermediaryUV",
  "confirmedByIntermediaryUV",
  "inReviewByProviderUV"
])

/** The statuses an order of a contract model can ever be in. */
export const statusesOf: Record<ContractModel, ReadonlyArray<OrderStatus>> = {
  DV: ["open", "inReviewByProviderDV", "confirmedByProviderDV", "ordered", "rejectedByProviderDV", "expired"],
  UV: [
    "open",
    "inReviewByIntermediaryUV",
    "confirmedByIntermediaryUV",
    "inReviewByProviderUV",
    "confirmedByProviderUV",
    "ordered",
    "rejectedByIntermediaryUV",
    "rejectedByProviderUV",
    "expired"
  ]
}
