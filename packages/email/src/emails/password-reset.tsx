/** @jsxRuntime automatic @jsxImportSource react */
import { Action, Greeting, Layout, P } from "../components/Layout.tsx"
import { formatDateTime } from "../format.ts"
import { portalLinks } from "../links.ts"
import { type MailProps, type NotificationOf, previewAt, previewBaseUrl, previewRecipient } from "../mail-props.ts"

type N = NotificationOf<"PasswordResetLink">

const copy = {
  de: {
    subject: () => "Neues Passwort für das Cloud-Service-Portal festlegen",
    intro:
      "für Ihr Konto im Cloud-Service-Portal der Deutschen Verwaltungscloud wurde ein neues Passwort angefordert („Passwort vergessen“). Über den folgenden Link legen Sie es fest.",
    action: "Neues Passwort festlegen",
    expiry: (n: N) =>
      `Der Link ist bis ${formatDateTime(n.expiresAt, "de")} gültig und kann nur einmal verwendet werden; eine neue Anforderung macht ihn ungültig. Das neue Passwort muss mindestens 25 Zeichen lang sein. Danach werden alle bestehenden Anmeldungen beendet, und Sie melden sich mit dem neuen Passwort an.`,
    notYou:
      "Falls Sie kein neues Passwort angefordert haben, können Sie diese E-Mail ignorieren; Ihr bisheriges Passwort bleibt gültig."
  },
  en: {
    subject: () => "Set a new password for the Cloud Service Portal",
    intro:
      "A new password has been requested for your account on the Cloud Service Portal of the Deutsche Verwaltungscloud (“Passwort vergessen”, forgot password). Use the link below to set it.",
    action: "Set new password",
    expiry: (n: N) =>
      `The link is valid until ${formatDateTime(n.expiresAt, "en")} and works only once; a newer request makes it invalid. The new password must be at least 25 characters long. Afterwards every existing sign-in ends, and you sign in with the new password.`,
    notYou: "If you did not ask for a new password, you can ignore this email; your current password stays valid."
  }
}

export const subject = (n: N): string => copy[n.locale].subject()

export default function PasswordReset({ notification: n, baseUrl }: MailProps<"PasswordResetLink">) {
  const t = copy[n.locale]
  return (
    <Layout locale={n.locale} title={subject(n)} preview={t.action}>
      <Greeting locale={n.locale} name={n.recipientName} />
      <P>{t.intro}</P>
      <Action locale={n.locale} href={portalLinks(baseUrl).resetPassword(n.token)} label={t.action} />
      <P>{t.expiry(n)}</P>
      <P>{t.notYou}</P>
    </Layout>
  )
}

PasswordReset.PreviewProps = {
  baseUrl: previewBaseUrl,
  notification: {
    _tag: "PasswordResetLink",
    ...previewRecipient,
    token: "pwr-preview-token",
    expiresAt: previewAt("2025-03-14T10:30:00Z")
  }
} satisfies MailProps<"PasswordResetLink">
