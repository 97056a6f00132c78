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

type N = NotificationOf<"OrderDeadlineReminder">

const copy = {
  de: {
    subject: (n: N) => `Erinnerung: Bestellung wartet auf Ihre Entscheidung – ${n.offeringName}`,
    intro: (n: N) =>
      `die Bestellung „${n.offeringName}“ wartet noch auf die Entscheidung Ihrer Organisation. Die Frist endet am ${formatDeadline(n.deadline, "de")}. Ohne Entscheidung bis dahin läuft die Bestellung ab (Status „${statusLabel("expired", "de")}“) und kann nicht mehr bestätigt werden.`,
    action: "Bestellung prüfen"
  },
  en: {
    subject: (n: N) => `Reminder: an order awaits your decision – ${n.offeringName}`,
    intro: (n: N) =>
      `The order “${n.offeringName}” still awaits your organization's decision. The period ends on ${formatDeadline(n.deadline, "en")}. Without a decision by then, the order expires (status “${statusLabel("expired", "en")}”) and can no longer be confirmed.`,
    action: "Review order"
  }
}

export const subject = (n: N): string => copy[n.locale].subject(n)

export default function OrderDeadlineReminder({ notification: n, baseUrl }: MailProps<"OrderDeadlineReminder">) {
  const t = copy[n.locale]
  return (
    <OrderMail
      notification={n}
      baseUrl={baseUrl}
      title={subject(n)}
      intro={t.intro(n)}
      deadline={n.deadline}
      action={t.action}
    />
  )
}

OrderDeadlineReminder.PreviewProps = {
  baseUrl: previewBaseUrl,
  notification: {
    _tag: "OrderDeadlineReminder",
    ...previewRecipient,
    recipient: "bestellungen@anbieter.example.de",
    recipientName: "Bernd Anbieter",
    ...previewOrder,
    deadline: previewAt("2025-04-13T22:00:00Z")
  }
} satisfies MailProps<"OrderDeadlineReminder">
