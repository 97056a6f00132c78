import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fc from "fast-check"
import Invitation from "../src/emails/invitation.tsx"
import InvitationResent from "../src/emails/invitation-resent.tsx"
import OrderDeadlineReminder from "../src/emails/order-deadline-reminder.tsx"
import OrderExpired from "../src/emails/order-expired.tsx"
import OrderPlacedActingParty from "../src/emails/order-placed-acting-party.tsx"
import OrderPlacedCustomer from "../src/emails/order-placed-customer.tsx"
import OrderRejected from "../src/emails/order-rejected.tsx"
import OrderStatusChanged from "../src/emails/order-status-changed.tsx"
import PasswordChanged from "../src/emails/password-changed.tsx"
import PasswordReset from "../src/emails/password-reset.tsx"
import RegistrationApproved from "../src/emails/registration-approved.tsx"
import RegistrationConfirmation from "../src/emails/registration-confirmation.tsx"
import RegistrationRejected from "../src/emails/registration-rejected.tsx"
import { formatDeadline } from "../src/format.ts"
import type { Notification } from "../src/internal/core.ts"
import { orderStatusLabels } from "../src/internal/core.ts"
import { linkPaths } from "../src/links.ts"
import { chooseTemplate, renderMail, templateNames } from "../src/render.tsx"
import { orderStatuses, sampleNotifications } from "./core-testing.ts"

const baseUrl = "https://csp.example.org/portal"
const locales = ["de", "en"] as const

const render = (n: Notification, base = baseUrl) => renderMail(n, base)

const tokenPaths: Partial<Record<Notification["_tag"], string>> = {
  RegistrationConfirmationLink: linkPaths.confirmRegistration,
  Invitation: linkPaths.acceptInvitation,
  PasswordResetLink: linkPaths.resetPassword
}

describe("templates", () => {
  it("there is one template per kind of mail, and every one is used", () => {
    const used = sampleNotifications("a@b.test").map((n) => chooseTemplate(n, baseUrl).template)
    assert.deepStrictEqual([...used].sort(), [...templateNames].sort())
  })

  for (const locale of locales)
    for (const notification of sampleNotifications("anna.muster@musterstadt.de", locale)) {
      const name = chooseTemplate(notification, baseUrl).template
      it.effect(`${name} renders to HTML and plain text (${locale})`, (ctx) =>
        Effect.gen(function* () {
          const mail = yield* render(notification)
          assert.strictEqual(mail.template, name)
          assert.strictEqual(mail.to, "anna.muster@musterstadt.de")
          assert.include(mail.html, `<html dir="ltr" lang="${locale}">`)
          assert.include(mail.html, `<title>${mail.subject}</title>`)
          assert.include(mail.html, `<h1`)
          assert.include(mail.text, mail.subject)
          assert.include(mail.text, notification.recipientName)
          assert.notMatch(mail.text, /<[a-z/][^>]*>/u, "no markup in the text part")
          assert.notInclude(mail.html, "<img", "no image-only content")
          // The test's own expect: snapshots belong to this test, also when files run side by side.
          ctx.expect(mail.text).toMatchSnapshot()
        })
      )
    }
})

describe("links", () => {
  it.effect("every link points at the configured base URL, and a link mail carries its token", () =>
    Effect.gen(function* () {
      for (const notification of sampleNotifications("a@b.test")) {
        const mail = yield* render(notification)
        // A rejected registration has nowhere to go in the portal; every other mail links into it.
        if (notification._tag !== "RegistrationRejected") assert.isAbove(mail.links.length, 0, notification._tag)
        for (const link of mail.links) assert.isTrue(link.startsWith(`${baseUrl}/`), link)
        const path = tokenPaths[notification._tag]
        if (path !== undefined && "token" in notification) {
          const expected = `${baseUrl}${path}?token=${notification.token}`
          assert.include(mail.links, expected)
          assert.include(mail.text, expected)
          assert.include(mail.html, expected)
        }
        if ("orderId" in notification) assert.include(mail.links, `${baseUrl}/bestellungen/${notification.orderId}`)
      }
    })
  )

  it.effect("links follow any base URL, and any token comes back out of the link intact", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(
          fc.webUrl({ withQueryParameters: false, withFragments: false }),
          fc.string({ minLength: 1, maxLength: 64 }),
          async (base, token) => {
            const n = sampleNotifications("a@b.test")[5] as Extract<Notification, { _tag: "PasswordResetLink" }>
            const mail = await Effect.runPromise(render({ ...n, token }, base))
            const link = mail.links.find((l) => l.includes(linkPaths.resetPassword))
            assert.isDefined(link)
            const url = new URL(link ?? "")
            assert.isTrue(link?.startsWith(base.replace(/\/+$/u, "")))
            assert.strictEqual(url.searchParams.get("token"), token)
          }
        ),
        { numRuns: 40 }
      )
    )
  )
})

describe("labels", () => {
  for (const locale of locales)
    it.effect(`every order status appears with its label verbatim (${locale})`, () =>
      Effect.gen(function* () {
        const base = sampleNotifications("a@b.test", locale)[9] as Extract<Notification, { _tag: "OrderStatusChanged" }>
        for (const to of orderStatuses) {
          const mail = yield* render({ ...base, from: "open", to })
          const label = orderStatusLabels[to][locale]
          assert.include(mail.subject, label)
          assert.include(mail.text, label)
          assert.include(mail.html, label)
          assert.include(mail.text, orderStatusLabels.open[locale])
        }
      })
    )

  it.effect("a rejection shows its status label and the reason verbatim", () =>
    Effect.gen(function* () {
      const base = sampleNotifications("a@b.test")[10] as Extract<Notification, { _tag: "OrderRejected" }>
      for (const status of ["rejectedByProviderDV", "rejectedByIntermediaryUV", "rejectedByProviderUV"] as const) {
        const mail = yield* render({ ...base, status, reason: "Kein Inhouse-Verhältnis nachgewiesen." })
        assert.include(mail.text, `„${orderStatusLabels[status].de}“`)
        assert.include(mail.text, "Kein Inhouse-Verhältnis nachgewiesen.")
      }
    })
  )

  it("a deadline at Berlin midnight reads as 24:00 of the day before", () => {
    const placedDeadline = sampleNotifications("a@b.test")[7] as Extract<Notification, { _tag: "OrderPlaced" }>
    assert.strictEqual(formatDeadline(placedDeadline.deadline, "de"), "13.04.2025, 24:00 Uhr")
    assert.strictEqual(formatDeadline(placedDeadline.deadline, "en"), "13 April 2025, 24:00 (Berlin time)")
  })

  it.effect("the total is shown exactly, in cents", () =>
    Effect.gen(function* () {
      const [de, en] = yield* Effect.all(locales.map((l) => render(sampleNotifications("a@b.test", l)[7]!)))
      assert.include(de?.text, "Gesamtpreis: 1.234,56 €")
      assert.include(en?.text, "Total price: €1,234.56")
    })
  )
})

describe("accessible HTML", () => {
  const luminance = (hex: string) => {
    const [r, g, b] = [0, 2, 4].map((i) => {
      const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
    }) as [number, number, number]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
  }
  const contrast = (a: string, b: string) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number]
    return (hi + 0.05) / (lo + 0.05)
  }

  it.effect("every text colour has at least 4.5:1 contrast against its background", () =>
    Effect.gen(function* () {
      for (const notification of sampleNotifications("a@b.test")) {
        const mail = yield* render(notification)
        for (const [, style] of mail.html.matchAll(/style="([^"]*)"/gu)) {
          const color = /(?:^|;)color:#([0-9a-f]{6})/u.exec(style ?? "")?.[1]
          if (color === undefined) continue
          const background = /background-color:#([0-9a-f]{6})/u.exec(style ?? "")?.[1] ?? "ffffff"
          assert.isAtLeast(contrast(color, background), 4.5, `#${color} on #${background}`)
        }
      }
    })
  )

  it.effect("text from users is escaped in the HTML part", () =>
    Effect.gen(function* () {
      const n = sampleNotifications("a@b.test")[2] as Extract<Notification, { _tag: "RegistrationRejected" }>
      const mail = yield* render({ ...n, reason: '<script>alert("x")</script>', recipientName: "<b>Eve</b>" })
      assert.notInclude(mail.html, "<script>")
      assert.notInclude(mail.html, "<b>Eve</b>")
      assert.include(mail.text, '<script>alert("x")</script>')
    })
  )
})

describe("previews", () => {
  const previews = [
    RegistrationConfirmation,
    RegistrationApproved,
    RegistrationRejected,
    Invitation,
    InvitationResent,
    PasswordReset,
    PasswordChanged,
    OrderPlacedCustomer,
    OrderPlacedActingParty,
    OrderStatusChanged,
    OrderRejected,
    OrderDeadlineReminder,
    OrderExpired
  ]
  it.effect("every template has preview props that render with that template", () =>
    Effect.gen(function* () {
      const names = []
      for (const template of previews) {
        const { notification, baseUrl: previewBase } = template.PreviewProps
        const mail = yield* renderMail(notification as Notification, previewBase)
        names.push(mail.template)
      }
      assert.deepStrictEqual(names, [...templateNames])
    })
  )
})
