import { DateTime } from "effect"
import { Money, type Notification } from "./internal/core.ts"

export type NotificationOf<T extends Notification["_tag"]> = Extract<Notification, { readonly _tag: T }>

/** What every template gets: its notification, and the public base URL its links start with. */
export interface MailProps<T extends Notification["_tag"]> {
  readonly notification: NotificationOf<T>
  readonly baseUrl: string
}

// Fixtures of the previews (`email dev`), kept apart from the templates so the preview server lists only mails.

export const previewBaseUrl = "https://portal.example.de"

export const previewRecipient = {
  recipient: "anna.muster@musterstadt.de",
  recipientName: "Anna Muster",
  locale: "de"
} as const

export const previewOrganization = "Stadtverwaltung Musterstadt"

export const previewOrder = {
  orderId: "ord_7k2m9q4xa3",
  offeringName: "Managed Kubernetes (Stufe M)",
  contractModel: "DV",
  total: Money.cents(123456)
} as const

export const previewAt = (iso: string): DateTime.Utc => DateTime.makeUnsafe(iso)
