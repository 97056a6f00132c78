/** @jsxRuntime automatic @jsxImportSource react */
import { OrderMail } from "../components/OrderMail.tsx"
import { statusLabel } from "../format.ts"
import { type MailProps, type NotificationOf, previewBaseUrl, previewOrder, previewRecipient } from "../mail-props.ts"

type N = NotificationOf<"OrderExpired">

const copy = {
  de: {
    subject: (n: N) => `Ihre Bestellung ist abgelaufen: ${n.offeringName}`,
    intro: (n: N) =>
      `über Ihre Bestellung „${n.offeringName}“ wurde nicht innerhalb der Frist von 30 Tagen entschieden. Sie ist damit abgelaufen (Status „${statusLabel("expired", "de")}“) und nicht zustande gekommen.`,
    next: "Wenn Sie den Cloud-Service weiterhin benötigen, können Sie ihn erneut bestellen.",
    action: "Bestellung ansehen"
  },
  en: {
    subject: (n: N) => `Your order has expired: ${n.offeringName}`,
    intro: (n: N) =>
      `No decision was made on your order “${n.offeringName}” within the 30-day period. It has therefore expired (status “${statusLabel("expired", "en")}”) and no contract has come about.`,
    next: "If you still need the cloud service, you can order it again.",
    action: "View order"
  }
}

export const subject = (n: N): string => copy[n.locale].subject(n)

export default function OrderExpired({ notification: n, baseUrl }: MailProps<"OrderExpired">) {
  const t = copy[n.locale]
  return (
    <OrderMail
      notification={n}
      baseUrl={baseUrl}
      title={subject(n)}
      intro={t.intro(n)}
      status="expired"
      action={t.action}
      next={t.next}
    />
  )
}

OrderExpired.PreviewProps = {
  baseUrl: previewBaseUrl,
  notification: { _tag: "OrderExpired", ...previewRecipient, ...previewOrder }
} satisfies MailProps<"OrderExpired">
