/** @jsxRuntime automatic @jsxImportSource react */
import { render as renderHtml, toPlainText } from "@react-email/render"
import { Effect, Schema } from "effect"
import type { ReactElement } from "react"
import InvitationTemplate, { subject as invitationSubject } from "./emails/invitation.tsx"
import InvitationResentTemplate, { subject as invitationResentSubject } from "./emails/invitation-resent.tsx"
import OrderDeadlineReminderTemplate, {
  subject as orderDeadlineReminderSubject
} from "./emails/order-deadline-reminder.tsx"
import OrderExpiredTemplate, { subject as orderExpiredSubject } from "./emails/order-expired.tsx"
import OrderPlacedActingPartyTemplate, {
  subject as orderPlacedActingPartySubject
} from "./emails/order-placed-acting-party.tsx"
import OrderPlacedCustomerTemplate, { subject as orderPlacedCustomerSubject } from "./emails/order-placed-customer.tsx"
import OrderRejectedTemplate, { subject as orderRejectedSubject } from "./emails/order-rejected.tsx"
import OrderStatusChangedTemplate, { subject as orderStatusChangedSubject } from "./emails/order-status-changed.tsx"
import PasswordChangedTemplate, { subject as passwordChangedSubject } from "./emails/password-changed.tsx"
import PasswordResetTemplate, { subject as passwordResetSubject } from "./emails/password-reset.tsx"
import RegistrationApprovedTemplate, {
  subject as registrationApprovedSubject
} from "./emails/registration-approved.tsx"
import RegistrationConfirmationTemplate, {
  subject as registrationConfirmationSubject
} from "./emails/registration-confirmation.tsx"
import RegistrationRejectedTemplate, {
  subject as registrationRejectedSubject
} from "./emails/registration-rejected.tsx"
import type { Notification } from "./internal/core.ts"

/** One template per kind of mail (DOMAIN §10); the file under `src/emails/` carries the same name. */
export const templateNames = [
  "registration-confirmation",
  "registration-approved",
  "registration-rejected",
  "invitation",
  "invitation-resent",
  "password-reset",
  "password-changed",
  "order-placed-customer",
  "order-placed-acting-party",
  "order-status-changed",
  "order-rejected",
  "order-deadline-reminder",
  "order-expired"
] as const
export type TemplateName = (typeof templateNames)[number]

interface Chosen {
  readonly template: TemplateName
  readonly subject: string
  readonly element: ReactElement
}

/** The template a notification is rendered with, its subject line and its React element. */
export const chooseTemplate = (n: Notification, baseUrl: string): Chosen => {
  switch (n._tag) {
    case "RegistrationConfirmationLink":
      return {
        template: "registration-confirmation",
        subject: registrationConfirmationSubject(n),
        element: <RegistrationConfirmationTemplate notification={n} baseUrl={baseUrl} />
      }
    case "RegistrationApproved":
      return {
        template: "registration-approved",
        subject: registrationApprovedSubject(n),
        element: <RegistrationApprovedTemplate notification={n} baseUrl={baseUrl} />
      }
    case "RegistrationRejected":
      return {
        template: "registration-rejected",
        subject: registrationRejectedSubject(n),
        element: <RegistrationRejectedTemplate notification={n} baseUrl={baseUrl} />
      }
    case "Invitation":
      return n.resent
        ? {
            template: "invitation-resent",
            subject: invitationResentSubject(n),
            element: <InvitationResentTemplate notification={n} baseUrl={baseUrl} />
          }
        : {
            template: "invitation",
            subject: invitationSubject(n),
            element: <InvitationTemplate notification={n} baseUrl={baseUrl} />
          }
    case "PasswordResetLink":
      return {
        template: "password-reset",
        subject: passwordResetSubject(n),
        element: <PasswordResetTemplate notification={n} baseUrl={baseUrl} />
      }
    case "PasswordChanged":
      return {
        template: "password-changed",
        subject: passwordChangedSubject(n),
        element: <PasswordChangedTemplate notification={n} baseUrl={baseUrl} />
      }
    case "OrderPlaced":
      return n.audience === "customer"
        ? {
            template: "order-placed-customer",
            subject: orderPlacedCustomerSubject(n),
            element: <OrderPlacedCustomerTemplate notification={n} baseUrl={baseUrl} />
          }
        : {
            template: "order-placed-acting-party",
            subject: orderPlacedActingPartySubject(n),
            element: <OrderPlacedActingPartyTemplate notification={n} baseUrl={baseUrl} />
          }
    case "OrderStatusChanged":
      return {
        template: "order-status-changed",
        subject: orderStatusChangedSubject(n),
        element: <OrderStatusChangedTemplate notification={n} baseUrl={baseUrl} />
      }
    case "OrderRejected":
      return {
        template: "order-rejected",
        subject: orderRejectedSubject(n),
        element: <OrderRejectedTemplate notification={n} baseUrl={baseUrl} />
      }
    case "OrderDeadlineReminder":
      return {
        template: "order-deadline-reminder",
        subject: orderDeadlineReminderSubject(n),
        element: <OrderDeadlineReminderTemplate notification={n} baseUrl={baseUrl} />
      }
    case "OrderExpired":
      return {
        template: "order-expired",
        subject: orderExpiredSubject(n),
        element: <OrderExpiredTemplate notification={n} baseUrl={baseUrl} />
      }
  }
}

/** A mail ready to send: both parts, and every URL in it (the dev mailbox lists them). */
export interface RenderedMail {
  readonly template: TemplateName
  readonly to: string
  readonly subject: string
  readonly html: string
  readonly text: string
  readonly links: ReadonlyArray<string>
}

/** React or the HTML-to-text step threw: a bug in a template, not a passing condition. */
export class MailRenderFailed extends Schema.TaggedError<MailRenderFailed>()("MailRenderFailed", {
  template: Schema.String,
  cause: Schema.Defect()
}) {}

// html-to-text ships no types; these are the few members of its block-text builder the formatters use.
interface TextBuilder {
  openBlock(options: { leadingLineBreaks: number }): void
  closeBlock(options: { trailingLineBreaks: number }): void
  addInline(text: string, options?: { noWordTransform?: boolean }): void
  addLineBreak(): void
}
interface HtmlNode {
  readonly type: string
  readonly name?: string
  readonly attribs?: Record<string, string>
  readonly children?: ReadonlyArray<HtmlNode>
}
type Walk = (nodes: ReadonlyArray<HtmlNode> | undefined, builder: TextBuilder) => void

const textOptions = {
  selectors: [
    // Shouting headings read badly in German, where capitals carry meaning.
    { selector: "h1", options: { uppercase: false } },
    { selector: "a.action", format: "actionLink" },
    { selector: "table.details", format: "block" },
    { selector: "tr", format: "detailRow" }
  ],
  formatters: {
    /** "Registrierung bestätigen:" and the address on a line of its own, so no client wraps it. */
    actionLink: (elem: HtmlNode, walk: Walk, builder: TextBuilder) => {
      builder.openBlock({ leadingLineBreaks: 2 })
      walk(elem.children, builder)
      builder.addInline(":")
      builder.addLineBreak()
      builder.addInline(elem.attribs?.href ?? "", { noWordTransform: true })
      builder.closeBlock({ trailingLineBreaks: 2 })
    },
    /** A label–value row as "Label: value"; layout rows of react-email pass through as blocks. */
    detailRow: (elem: HtmlNode, walk: Walk, builder: TextBuilder) => {
      const cells = (elem.children ?? []).filter((c) => c.type === "tag")
      const [head, value] = cells
      if (cells.length === 2 && head?.name === "th" && value?.name === "td") {
        builder.openBlock({ leadingLineBreaks: 1 })
        walk(head.children, builder)
        builder.addInline(": ")
        walk(value.children, builder)
        builder.closeBlock({ trailingLineBreaks: 1 })
      } else {
        builder.openBlock({ leadingLineBreaks: 1 })
        walk(elem.children, builder)
        builder.closeBlock({ trailingLineBreaks: 1 })
      }
    }
  }
}

const decodeEntities = (s: string) =>
  s
    .replaceAll("&amp;", "&")
    .replaceAll("&quot;", '"')
    .replaceAll("&#x27;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")

/** Every `href` of the HTML part in order of appearance, without repeats. */
export const linksOf = (html: string): ReadonlyArray<string> => [
  ...new Set([...html.matchAll(/\shref="([^"]*)"/gu)].map((m) => decodeEntities(m[1] ?? "")))
]

/**
 * Renders a notification into its mail: subject, HTML and plain text, in the notification's locale,
 * with every link under `baseUrl`. Pure apart from React's asynchronous rendering.
 */
export const renderMail = (
  notification: Notification,
  baseUrl: string
): Effect.Effect<RenderedMail, MailRenderFailed> => {
  const chosen = Effect.try({
    try: () => chooseTemplate(notification, baseUrl),
    catch: (cause) => new MailRenderFailed({ template: notification._tag, cause })
  })
  return Effect.flatMap(chosen, ({ template, subject, element }) =>
    Effect.tryPromise({
      try: async () => {
        const html = await renderHtml(element)
        const text = toPlainText(html, textOptions)
        return { template, to: notification.recipient, subject, html, text, links: linksOf(html) }
      },
      catch: (cause) => new MailRenderFailed({ template, cause })
    })
  )
}
