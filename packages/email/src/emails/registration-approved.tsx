/** @jsxRuntime automatic @jsxImportSource react */
import { Action, Greeting, Layout, P } from "../components/Layout.tsx"
import { portalLinks } from "../links.ts"
import {
  type MailProps,
  type NotificationOf,
  previewBaseUrl,
  previewOrganization,
  previewRecipient
} from "../mail-props.ts"

type N = NotificationOf<"RegistrationApproved">

const copy = {
  de: {
    subject: () => "Ihre Registrierung im Cloud-Service-Portal wurde freigegeben",
    intro: (n: N) =>
      `der Betrieb der Deutschen Verwaltungscloud hat die Registrierung der Organisation „${n.organizationName}“ geprüft und freigegeben. Sie sind Hauptadmin Ihrer Organisation und können sich ab sofort anmelden.`,
    action: "Zur Anmeldung",
    next: "Bitte prüfen Sie nach der Anmeldung die Stammdaten Ihrer Organisation und machen Sie vor der ersten Bestellung unter „Ergänzende Angaben zur Organisation“ Ihre Angaben zur Inhousefähigkeit. Weitere Personen Ihrer Organisation erhalten ihr Konto über „Konto hinzufügen“."
  },
  en: {
    subject: () => "Your registration with the Cloud Service Portal has been approved",
    intro: (n: N) =>
      `The operators of the Deutsche Verwaltungscloud have reviewed and approved the registration of the organization “${n.organizationName}”. You are the main admin of your organization and can sign in now.`,
    action: "Sign in",
    next: "After signing in, please review your organization's master data and, before the first order, declare your in-house status under “Ergänzende Angaben zur Organisation” (supplementary information). Other people of your organization get their accounts through “Konto hinzufügen” (add account)."
  }
}

export const subject = (n: N): string => copy[n.locale].subject()

export default function RegistrationApproved({ notification: n, baseUrl }: MailProps<"RegistrationApproved">) {
  const t = copy[n.locale]
  return (
    <Layout locale={n.locale} title={subject(n)} preview={t.intro(n)}>
      <Greeting locale={n.locale} name={n.recipientName} />
      <P>{t.intro(n)}</P>
      <Action locale={n.locale} href={portalLinks(baseUrl).login} label={t.action} />
      <P>{t.next}</P>
    </Layout>
  )
}

RegistrationApproved.PreviewProps = {
  baseUrl: previewBaseUrl,
  notification: { _tag: "RegistrationApproved", ...previewRecipient, organizationName: previewOrganization }
} satisfies MailProps<"RegistrationApproved">
