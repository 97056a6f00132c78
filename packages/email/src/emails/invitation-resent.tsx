/** @jsxRuntime automatic @jsxImportSource react */
import { Action, Greeting, Layout, P } from "../components/Layout.tsx"
import { portalLinks } from "../links.ts"
import {
  type MailProps,
  type NotificationOf,
  previewAt,
  previewBaseUrl,
  previewOrganization,
  previewRecipient
} from "../mail-props.ts"
import { invitationCopy } from "./invitation.tsx"

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

export default function InvitationResent({ notification: n, baseUrl }: MailProps<"Invitation">) {
  const t = { ...invitationCopy[n.locale], ...copy[n.locale] }
  return (
    <Layout locale={n.locale} title={subject(n)} preview={t.resent}>
      <Greeting locale={n.locale} name={n.recipientName} />
      <P>{t.intro(n)}</P>
      <P>{t.resent}</P>
      <Action locale={n.locale} href={portalLinks(baseUrl).acceptInvitation(n.token)} label={t.action} />
      <P>{t.expiry(n)}</P>
      <P>{t.password}</P>
      <P>{t.notYou}</P>
    </Layout>
  )
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
