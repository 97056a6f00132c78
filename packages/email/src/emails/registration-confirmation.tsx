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

type N = NotificationOf<"RegistrationConfirmationLink">

const copy = {
  de: {
    subject: () => "Bitte bestätigen Sie Ihre Registrierung im Cloud-Service-Portal",
    intro: (n: N) =>
      `Sie haben die Organisation „${n.organizationName}“ im Cloud-Service-Portal der Deutschen Verwaltungscloud registriert. Bitte bestätigen Sie Ihre E-Mail-Adresse. Danach prüft der Betrieb der Deutschen Verwaltungscloud Ihre Registrierung; über das Ergebnis informieren wir Sie per E-Mail.`,
    action: "Registrierung bestätigen",
    expiry: (n: N) =>
      `Der Link ist bis ${formatDateTime(n.expiresAt, "de")} gültig und kann nur einmal verwendet werden. Danach können Sie im Portal einen neuen Link anfordern.`,
    notYou: "Falls Sie sich nicht registriert haben, können Sie diese E-Mail ignorieren."
  },
  en: {
    subject: () => "Please confirm your registration with the Cloud Service Portal",
    intro: (n: N) =>
      `You have registered the organization “${n.organizationName}” with the Cloud Service Portal of the Deutsche Verwaltungscloud. Please confirm your email address. The operators of the Deutsche Verwaltungscloud will then review your registration; we will tell you the result by email.`,
    action: "Confirm registration",
    expiry: (n: N) =>
      `The link is valid until ${formatDateTime(n.expiresAt, "en")} and works only once. After that you can request a new link in the portal.`,
    notYou: "If you did not register, you can ignore this email."
  }
}

export const subject = (n: N): string => copy[n.locale].subject()

export default function RegistrationConfirmation({
  notification: n,
  baseUrl
}: MailProps<"RegistrationConfirmationLink">) {
  const t = copy[n.locale]
  return (
    <Layout locale={n.locale} title={subject(n)} preview={t.action}>
      <Greeting locale={n.locale} name={n.recipientName} />
      <P>{t.intro(n)}</P>
      <Action locale={n.locale} href={portalLinks(baseUrl).confirmRegistration(n.token)} label={t.action} />
      <P>{t.expiry(n)}</P>
      <P>{t.notYou}</P>
    </Layout>
  )
}

RegistrationConfirmation.PreviewProps = {
  baseUrl: previewBaseUrl,
  notification: {
    _tag: "RegistrationConfirmationLink",
    ...previewRecipient,
    organizationName: previewOrganization,
    token: "reg-preview-token",
    expiresAt: previewAt("2025-03-17T09:30:00Z")
  }
} satisfies MailProps<"RegistrationConfirmationLink">
