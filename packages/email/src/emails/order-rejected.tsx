/** @jsxRuntime automatic @jsxImportSource react */
import { Quote } from "../components/Layout.tsx"
import { OrderMail } from "../components/OrderMail.tsx"
import { statusLabel } from "../format.ts"
import { type MailProps, type NotificationOf, previewBaseUrl, previewOrder, previewRecipient } from "../mail-props.ts"

type N = NotificationOf<"OrderRejected">

const copy = {
  de: {
    subject: (n: N) => `Ihre Bestellung wurde abgelehnt: ${n.offeringName}`,
    intro: (n: N) =>
      `Ihre Bestellung „${n.offeringName}“ wurde abgelehnt (Status „${statusLabel(n.status, "de")}“). Die Bestellung ist damit nicht zustande gekommen.`,
    reason: "Begründung",
    action: "Bestellung ansehen"
  },
  en: {
    subject: (n: N) => `Your order has been rejected: ${n.offeringName}`,
    intro: (n: N) =>
      `Your order “${n.offeringName}” has been rejected (status “${statusLabel(n.status, "en")}”). No contract has come about.`,
    reason: "Reason",
    action: "View order"
  }
}

export const subject = (n: N): string => copy[n.locale].subject(n)

export default function OrderRejected({ notification: n, baseUrl }: MailProps<"OrderRejected">) {
  const t = copy[n.locale]
  return (
    <OrderMail
      notification={n}
      baseUrl={baseUrl}
      title={subject(n)}
      intro={t.intro(n)}
      status={n.status}
      action={t.action}
    >
      <Quote label={t.reason}>{n.reason}</Quote>
    </OrderMail>
  )
}

OrderRejected.PreviewProps = {
  baseUrl: previewBaseUrl,
  notification: {
    _tag: "OrderRejected",
    ...previewRecipient,
    ...previewOrder,
    status: "rejectedByProviderDV",
    reason: "Die gewünschte Konfiguration ist in der gewählten Region nicht verfügbar."
  }
} satisfies MailProps<"OrderRejected">
