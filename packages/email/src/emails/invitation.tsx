/** @jsxRuntime automatic @jsxImportSource react */
import { Action, Greeting, Layout, P } from "../components/Layout.tsx"
import { formatDateTime } from "../format.ts"
import { portalLinks } from "../links.ts"
import {
  type MailProps,
  type NotificationOf,
  previewAt,
  previewBaseUrl,
  previewOrganization,
  previewRecipient
} from "../mail-props.ts"

type N = NotificationOf<"Invitation">

/** Shared with the re-sent invitation, which says the same plus that older links are dead. */
export const invitationCopy = {
  de: {
    subject: (n: N) => `Einladung zum Cloud-Service-Portal: ${n.organizationName}`,
    intro: (n: N) =>
      `${n.invitedBy} hat für Sie ein Konto der Organisation „${n.organizationName}“ im Cloud-Service-Portal der Deutschen Verwaltungscloud angelegt. Bitte nehmen Sie die Einladung an und legen Sie dabei Ihr Passwort fest.`,
    action: "Einladung annehmen",
    expiry: (n: N) =>
      `Der Link ist bis ${formatDateTime(n.expiresAt, "de")} gültig, kann nur einmal verwendet werden und gilt nur für diese E-Mail-Adresse. Ist er abgelaufen, kann Ihr Admin die Einladung erneut senden.`,
    password:
      "Ihr Passwort muss mindestens 25 Zeichen lang sein; ein Satz, den Sie sich gut merken können, eignet sich gut.",
    notYou: "Falls Sie diese Einladung nicht erwartet haben, können Sie diese E-Mail ignorieren."
  },
  en: {
    subject: (n: N) => `Invitation to the Cloud Service Portal: ${n.organizationName}`,
    intro: (n: N) =>
      `${n.invitedBy} has created an account for you in the organization “${n.organizationName}” on the Cloud Service Portal of the Deutsche Verwaltungscloud. Please accept the invitation and set your password.`,
    action: "Accept invitation",
    expiry: (n: N) =>
      `The link is valid until ${formatDateTime(n.expiresAt, "en")}, works only once and only for this email address. Once it has expired, your admin can send the invitation again.`,
    password: "Your password must be at least 25 characters long; a sentence you remember easily works well.",
    notYou: "If you did not expect this invitation, you can ignore this email."
  }
}

export const subject = (n: N): string => invitationCopy[n.locale].subject(n)

/** The invitation mail; the re-sent one adds a notice after the intro and previews that notice instead. */
export const InvitationMail = (
  props: MailProps<"Invitation"> & { readonly title: string; readonly notice?: string }
) => {
  const n = props.notification
  const t = invitationCopy[n.locale]
  return (
    <Layout locale={n.locale} title={props.title} preview={props.notice ?? t.intro(n)}>
      <Greeting locale={n.locale} name={n.recipientName} />
      <P>{t.intro(n)}</P>
      {props.notice === undefined ? null : <P>{props.notice}</P>}
      <Action locale={n.locale} href={portalLinks(props.baseUrl).acceptInvitation(n.token)} label={t.action} />
      <P>{t.expiry(n)}</P>
      <P>{t.password}</P>
      <P>{t.notYou}</P>
    </Layout>
  )
}

export default function Invitation(props: MailProps<"Invitation">) {
  return <InvitationMail {...props} title={subject(props.notification)} />
}

Invitation.PreviewProps = {
  baseUrl: previewBaseUrl,
  notification: {
    _tag: "Invitation",
    ...previewRecipient,
    organizationName: previewOrganization,
    invitedBy: "Max Beispiel",
    token: "inv-preview-token",
    expiresAt: previewAt("2025-03-17T09:30:00Z"),
    resent: false
  }
} satisfies MailProps<"Invitation">
