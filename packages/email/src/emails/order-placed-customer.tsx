/** @jsxRuntime automatic @jsxImportSource react */
import { OrderMail } from "../components/OrderMail.tsx"
import { formatDeadline, statusLabel } from "../format.ts"
import {
  type MailProps,
  type NotificationOf,
  previewAt,
  previewBaseUrl,
  previewOrder,
  previewRecipient
} from "../mail-props.ts"

type N = NotificationOf<"OrderPlaced">

const copy = {
  de: {
    subject: (n: N) => `Ihre Bestellung ist eingegangen: ${n.offeringName}`,
    intro: (n: N) =>
      `vielen Dank für Ihre Bestellung im Cloud-Service-Portal. Sie hat den Status „${statusLabel("open", "de")}“ und wird nun geprüft. Verbindlich wird sie erst mit der Bestätigung durch den Anbieter; der Anbieter entscheidet bis spätestens ${formatDeadline(n.deadline, "de")}.`,
    action: "Bestellung ansehen",
    next: "Über jede Änderung des Status informieren wir Sie per E-Mail. Die Vertragsmappe mit der Übersicht der Bestellinformationen finden Sie bei der Bestellung im Portal."
  },
  en: {
    subject: (n: N) => `Your order has been received: ${n.offeringName}`,
    intro: (n: N) =>
      `Thank you for your order on the Cloud Service Portal. Its status is “${statusLabel("open", "en")}” and it will now be reviewed. It becomes binding only when the provider confirms it; the provider decides by ${formatDeadline(n.deadline, "en")} at the latest.`,
    action: "View order",
    next: "We will tell you about every change of its status by email. The contract folder with the order summary is with the order in the portal."
  }
}

export const subject = (n: N): string => copy[n.locale].subject(n)

export default function OrderPlacedCustomer({ notification: n, baseUrl }: MailProps<"OrderPlaced">) {
  const t = copy[n.locale]
  return (
    <OrderMail
      notification={n}
      baseUrl={baseUrl}
      title={subject(n)}
      intro={t.intro(n)}
      status="open"
      deadline={n.deadline}
      action={t.action}
      next={t.next}
    />
  )
}

OrderPlacedCustomer.PreviewProps = {
  baseUrl: previewBaseUrl,
  notification: {
    _tag: "OrderPlaced",
    ...previewRecipient,
    ...previewOrder,
    audience: "customer",
    deadline: previewAt("2025-04-13T22:00:00Z")
  }
} satisfies MailProps<"OrderPlaced">
