/** @jsxRuntime automatic @jsxImportSource react */
import { Greeting, Layout, P, Quote } from "../components/Layout.tsx"
import {
  type MailProps,
  type NotificationOf,
  previewBaseUrl,
  previewOrganization,
  previewRecipient
} from "../mail-props.ts"

type N = NotificationOf<"RegistrationRejected">

const copy = {
  de: {
    subject: () => "Ihre Registrierung im Cloud-Service-Portal wurde abgelehnt",
    intro: (n: N) =>
      `der Betrieb der Deutschen Verwaltungscloud hat die Registrierung der Organisation „${n.organizationName}“ geprüft und abgelehnt.`,
    reason: "Begründung",
    next: "Bei Fragen wenden Sie sich bitte an den Support der Deutschen Verwaltungscloud. Ist Ihre Organisation bereits registriert, erhalten Sie ein Konto von deren Admin."
  },
  en: {
    subject: () => "Your registration with the Cloud Service Portal has been rejected",
    intro: (n: N) =>
      `The operators of the Deutsche Verwaltungscloud have reviewed and rejected the registration of the organization “${n.organizationName}”.`,
    reason: "Reason",
    next: "If you have questions, please contact the support of the Deutsche Verwaltungscloud. If your organization is already registered, its admin can give you an account."
  }
}

export const subject = (n: N): string => copy[n.locale].subject()

export default function RegistrationRejected({ notification: n }: MailProps<"RegistrationRejected">) {
  const t = copy[n.locale]
  return (
    <Layout locale={n.locale} title={subject(n)} preview={t.intro(n)}>
      <Greeting locale={n.locale} name={n.recipientName} />
      <P>{t.intro(n)}</P>
      <Quote label={t.reason}>{n.reason}</Quote>
      <P>{t.next}</P>
    </Layout>
  )
}

RegistrationRejected.PreviewProps = {
  baseUrl: previewBaseUrl,
  notification: {
    _tag: "RegistrationRejected",
    ...previewRecipient,
    organizationName: previewOrganization,
    reason: "Die Organisation ist bereits über den IT-Dienstleister des Landes registriert."
  }
} satisfies MailProps<"RegistrationRejected">
