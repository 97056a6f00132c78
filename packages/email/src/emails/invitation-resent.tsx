/** @jsxRuntime automatic @jsxImportSource react */
import {
  type MailProps,
  type NotificationOf,
  previewAt,
  previewBaseUrl,
  previewOrganization,
  previewRecipient
} from "../mail-props.ts"
import { InvitationMail } from "./invitation.tsx"

type N = NotificationOf<"Invitation">

const copy = {
  de: {
    subject: (n: N) => `Erneute Einladung zum Cloud-Service-Portal: ${n.organizationName}`,
    resent:
      "Dies ist eine erneut gesendete Einladung („Einladung erneut senden“). Links aus früheren Einladungs-E-Mails sind damit ungültig; bitte verwenden Sie nur diesen."
  },
  en: {
    subject: (n: N) => `Invitation re-sent: Cloud Service Portal, ${n.organizationName}`,
    resent:
      "This invitation has been sent again. Links in earlier invitation emails no longer work; please use only this one."
  }
}

export const subject = (n: N): string => copy[n.locale].subject(n)

export default function InvitationResent(props: MailProps<"Invitation">) {
  const n = props.notification
  return <InvitationMail {...props} title={subject(n)} notice={copy[n.locale].resent} />
}

InvitationResent.PreviewProps = {
  baseUrl: previewBaseUrl,
  notification: {
    _tag: "Invitation",
    ...previewRecipient,
    organizationName: previewOrganization,
    invitedBy: "Max Beispiel",
    token: "inv-resent-preview-token",
    expiresAt: previewAt("2025-03-20T09:30:00Z"),
    resent: true
  }
} satisfies MailProps<"Invitation">
