/** @jsxRuntime automatic @jsxImportSource react */
import { OrderMail } from "../components/OrderMail.tsx"
import { formatDeadline } from "../format.ts"
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
    subject: (n: N) => `Neue Bestellung zur Prüfung: ${n.offeringName}`,
    intro: (n: N) =>
      `im Cloud-Service-Portal ist eine neue Bestellung eingegangen, über die Ihre Organisation entscheidet. Bitte prüfen Sie die Bestellung und bestätigen oder lehnen Sie sie bis spätestens ${formatDeadline(n.deadline, "de")} ab. Ohne Entscheidung bis dahin läuft die Bestellung ab.`,
    action: "Bestellung prüfen",
    next: "Eine Ablehnung braucht eine Begründung; sie wird dem Kunden angezeigt."
  },
  en: {
    subject: (n: N) => `New order to review: ${n.offeringName}`,
    intro: (n: N) =>
      `A new order has been placed on the Cloud Service Portal, and your organization decides on it. Please review the order and confirm or reject it by ${formatDeadline(n.deadline, "en")} at the latest. Without a decision by then, the order expires.`,
    action: "Review order",
    next: "A rejection needs a reason; the customer is shown it."
  }
}

export const subject = (n: N): string => copy[n.locale].subject(n)

export default function OrderPlacedActingParty({ notification: n, baseUrl }: MailProps<"OrderPlaced">) {
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

OrderPlacedActingParty.PreviewProps = {
  baseUrl: previewBaseUrl,
  notification: {
    _tag: "OrderPlaced",
    ...previewRecipient,
    recipient: "bestellungen@anbieter.example.de",
    recipientName: "Bernd Anbieter",
    ...previewOrder,
    audience: "actingParty",
    deadline: previewAt("2025-04-13T22:00:00Z")
  }
} satisfies MailProps<"OrderPlaced">
