/** @jsxRuntime automatic @jsxImportSource react */
import { P } from "../components/Layout.tsx"
import { OrderMail } from "../components/OrderMail.tsx"
import { type Locale, statusLabel } from "../format.ts"
import { type MailProps, type NotificationOf, previewBaseUrl, previewOrder, previewRecipient } from "../mail-props.ts"

type N = NotificationOf<"OrderStatusChanged">

// What a new status means for the orderer (DOMAIN §9); statuses without an entry need no explanation.
const meaning: Record<Locale, Partial<Record<string, string>>> = {
  de: {
    confirmedByProviderDV: "Der Anbieter hat die Bestellung bestätigt; sie ist damit verbindlich.",
    confirmedByProviderUV: "Der Anbieter hat die Bestellung bestätigt; sie ist damit verbindlich.",
    confirmedByIntermediaryUV: "Der Intermediär hat die Bestellung bestätigt; nun prüft der Anbieter.",
    ordered: "Die Bestellung ist abgeschlossen; der Cloud-Service wird bereitgestellt."
  },
  en: {
    confirmedByProviderDV: "The provider has confirmed the order; it is now binding.",
    confirmedByProviderUV: "The provider has confirmed the order; it is now binding.",
    confirmedByIntermediaryUV: "The intermediary has confirmed the order; the provider reviews it next.",
    ordered: "The order is complete; the cloud service is being provided."
  }
}

const copy = {
  de: {
    subject: (n: N) => `Neuer Status Ihrer Bestellung: ${statusLabel(n.to, "de")}`,
    intro: (n: N) =>
      `der Status Ihrer Bestellung „${n.offeringName}“ hat sich geändert: von „${statusLabel(n.from, "de")}“ zu „${statusLabel(n.to, "de")}“.`,
    action: "Bestellung ansehen"
  },
  en: {
    subject: (n: N) => `New status of your order: ${statusLabel(n.to, "en")}`,
    intro: (n: N) =>
      `The status of your order “${n.offeringName}” has changed from “${statusLabel(n.from, "en")}” to “${statusLabel(n.to, "en")}”.`,
    action: "View order"
  }
}

export const subject = (n: N): string => copy[n.locale].subject(n)

export default function OrderStatusChanged({ notification: n, baseUrl }: MailProps<"OrderStatusChanged">) {
  const t = copy[n.locale]
  const explanation = meaning[n.locale][n.to]
  return (
    <OrderMail notification={n} baseUrl={baseUrl} title={subject(n)} intro={t.intro(n)} status={n.to} action={t.action}>
      {explanation === undefined ? null : <P>{explanation}</P>}
    </OrderMail>
  )
}

OrderStatusChanged.PreviewProps = {
  baseUrl: previewBaseUrl,
  notification: {
    _tag: "OrderStatusChanged",
    ...previewRecipient,
    ...previewOrder,
    from: "inReviewByProviderDV",
    to: "confirmedByProviderDV"
  }
} satisfies MailProps<"OrderStatusChanged">
