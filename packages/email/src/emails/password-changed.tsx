/** @jsxRuntime automatic @jsxImportSource react */
import type { ReactNode } from "react"
import { Action, Greeting, InlineLink, Layout, P } from "../components/Layout.tsx"
import { formatDateTime } from "../format.ts"
import { portalLinks } from "../links.ts"
import { type MailProps, type NotificationOf, previewAt, previewBaseUrl, previewRecipient } from "../mail-props.ts"

type N = NotificationOf<"PasswordChanged">

const copy = {
  de: {
    subject: () => "Ihr Passwort für das Cloud-Service-Portal wurde geändert",
    intro: (n: N) =>
      `das Passwort Ihres Kontos im Cloud-Service-Portal der Deutschen Verwaltungscloud wurde am ${formatDateTime(n.changedAt, "de")} neu festgelegt. Aus Sicherheitsgründen wurden dabei alle bestehenden Anmeldungen beendet; bitte melden Sie sich mit dem neuen Passwort an.`,
    action: "Zur Anmeldung",
    notYou: (forgot: ReactNode) => (
      <>
        Falls Sie Ihr Passwort nicht selbst geändert haben, fordern Sie bitte sofort über „Passwort vergessen“ ein neues
        an: {forgot}. Informieren Sie außerdem den Admin Ihrer Organisation.
      </>
    )
  },
  en: {
    subject: () => "Your password for the Cloud Service Portal has been changed",
    intro: (n: N) =>
      `The password of your account on the Cloud Service Portal of the Deutsche Verwaltungscloud was set anew on ${formatDateTime(n.changedAt, "en")}. For your security every existing sign-in has been ended; please sign in with the new password.`,
    action: "Sign in",
    notYou: (forgot: ReactNode) => (
      <>
        If you did not change your password yourself, please request a new one at once through “Passwort vergessen”
        (forgot password): {forgot}. Please also tell the admin of your organization.
      </>
    )
  }
}

export const subject = (n: N): string => copy[n.locale].subject()

export default function PasswordChanged({ notification: n, baseUrl }: MailProps<"PasswordChanged">) {
  const t = copy[n.locale]
  const links = portalLinks(baseUrl)
  return (
    <Layout locale={n.locale} title={subject(n)} preview={t.intro(n)}>
      <Greeting locale={n.locale} name={n.recipientName} />
      <P>{t.intro(n)}</P>
      <Action locale={n.locale} href={links.login} label={t.action} />
      <P>{t.notYou(<InlineLink href={links.forgotPassword}>{links.forgotPassword}</InlineLink>)}</P>
    </Layout>
  )
}

PasswordChanged.PreviewProps = {
  baseUrl: previewBaseUrl,
  notification: { _tag: "PasswordChanged", ...previewRecipient, changedAt: previewAt("2025-03-14T09:45:00Z") }
} satisfies MailProps<"PasswordChanged">
