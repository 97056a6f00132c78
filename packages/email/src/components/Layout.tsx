/** @jsxRuntime automatic @jsxImportSource react */
import { Body, Button, Container, Head, Heading, Hr, Html, Link, Preview, Section, Text } from "@react-email/components"
import type { ReactNode } from "react"
import type { Locale } from "../format.ts"

// Contrast against white: text 17.2:1, muted and brand 8.9:1 (WCAG AAA for body text asks 7:1).
const colors = { text: "#1b1b1b", muted: "#4a4a4a", brand: "#004b87", line: "#c9d1d9", page: "#f3f5f7" }
const font = "Arial, Helvetica, sans-serif"

const chrome = {
  de: {
    portal: "Cloud-Service-Portal der Deutschen Verwaltungscloud",
    footer:
      "Diese E-Mail wurde automatisch vom Cloud-Service-Portal der Deutschen Verwaltungscloud versendet. Antworten auf diese E-Mail werden nicht gelesen.",
    fallback: "Falls die Schaltfläche nicht funktioniert, öffnen Sie diese Adresse in Ihrem Browser:"
  },
  en: {
    portal: "Cloud Service Portal of the Deutsche Verwaltungscloud",
    footer:
      "This email was sent automatically by the Cloud Service Portal of the Deutsche Verwaltungscloud. Replies to this email are not read.",
    fallback: "If the button does not work, open this address in your browser:"
  }
} as const

export const Layout = (props: {
  readonly locale: Locale
  readonly title: string
  readonly preview: string
  readonly children: ReactNode
}) => (
  <Html lang={props.locale} dir="ltr">
    <Head>
      <title>{props.title}</title>
    </Head>
    <Preview>{props.preview}</Preview>
    <Body style={{ backgroundColor: colors.page, color: colors.text, fontFamily: font, margin: 0, padding: "24px 0" }}>
      <Container style={{ backgroundColor: "#ffffff", border: `1px solid ${colors.line}`, maxWidth: 600, padding: 32 }}>
        <Text style={{ color: colors.brand, fontSize: 14, fontWeight: 700, margin: "0 0 16px" }}>
          {chrome[props.locale].portal}
        </Text>
        <Heading as="h1" style={{ color: colors.text, fontSize: 22, lineHeight: "30px", margin: "0 0 16px" }}>
          {props.title}
        </Heading>
        {props.children}
        <Hr style={{ borderColor: colors.line, margin: "32px 0 16px" }} />
        <Text style={{ color: colors.muted, fontSize: 13, lineHeight: "20px", margin: 0 }}>
          {chrome[props.locale].footer}
        </Text>
      </Container>
    </Body>
  </Html>
)

export const P = (props: { readonly children: ReactNode }) => (
  <Text style={{ color: colors.text, fontSize: 16, lineHeight: "24px", margin: "0 0 16px" }}>{props.children}</Text>
)

export const Greeting = (props: { readonly locale: Locale; readonly name: string }) => (
  <P>{props.locale === "de" ? `Guten Tag ${props.name},` : `Dear ${props.name},`}</P>
)

/**
 * The one thing the mail asks the reader to do: a real link styled as a button, and the address written
 * out beneath it for clients that break buttons. The written-out address is left out of the text part,
 * where the button's own link already shows it.
 */
export const Action = (props: { readonly locale: Locale; readonly href: string; readonly label: string }) => (
  <Section style={{ margin: "8px 0 24px" }}>
    <Button
      className="action"
      href={props.href}
      style={{
        backgroundColor: colors.brand,
        borderRadius: 4,
        color: "#ffffff",
        display: "inline-block",
        fontSize: 16,
        fontWeight: 700,
        padding: "12px 20px",
        textDecoration: "none"
      }}
    >
      {props.label}
    </Button>
    <Text
      data-skip-in-text="true"
      style={{ color: colors.muted, fontSize: 13, lineHeight: "20px", margin: "16px 0 0" }}
    >
      {chrome[props.locale].fallback}{" "}
      <Link href={props.href} style={{ color: colors.brand, textDecoration: "underline", wordBreak: "break-all" }}>
        {props.href}
      </Link>
    </Text>
  </Section>
)

/** A link inside running text, underlined so it is not told apart by colour alone. */
export const InlineLink = (props: { readonly href: string; readonly children: ReactNode }) => (
  <Link href={props.href} style={{ color: colors.brand, textDecoration: "underline" }}>
    {props.children}
  </Link>
)

/** Label–value pairs (order number, service, price …) as a real table with row headers. */
export const Details = (props: { readonly rows: ReadonlyArray<readonly [label: string, value: string]> }) => (
  <table className="details" style={{ borderCollapse: "collapse", margin: "0 0 24px", width: "100%" }}>
    <tbody>
      {props.rows.map(([label, value]) => (
        <tr key={label}>
          <th
            scope="row"
            style={{
              borderBottom: `1px solid ${colors.line}`,
              color: colors.muted,
              fontSize: 14,
              fontWeight: 400,
              padding: "8px 12px 8px 0",
              textAlign: "left",
              verticalAlign: "top",
              width: "40%"
            }}
          >
            {label}
          </th>
          <td
            style={{
              borderBottom: `1px solid ${colors.line}`,
              color: colors.text,
              fontSize: 15,
              padding: "8px 0",
              verticalAlign: "top"
            }}
          >
            {value}
          </td>
        </tr>
      ))}
    </tbody>
  </table>
)

/** Words of someone else (a rejection reason): set apart, never mistaken for the portal's own text. */
export const Quote = (props: { readonly label: string; readonly children: ReactNode }) => (
  <Section style={{ borderLeft: `4px solid ${colors.brand}`, margin: "0 0 24px", padding: "4px 0 4px 16px" }}>
    <Text style={{ color: colors.muted, fontSize: 14, fontWeight: 700, margin: "0 0 4px" }}>{props.label}</Text>
    <Text style={{ color: colors.text, fontSize: 16, lineHeight: "24px", margin: 0, whiteSpace: "pre-line" }}>
      {props.children}
    </Text>
  </Section>
)
