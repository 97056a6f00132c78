import { DevCaptcha, DevMail, DevMailbox } from "@cloudportal/core"
import { Schema } from "effect"
import { Hono } from "hono"
import type { Deps } from "../deps.ts"
import { toJson } from "../json.ts"
import { describe } from "../openapi.ts"
import { Limit, queryOf } from "../validation.ts"

const tag = "Development"

export const MailboxQuery = Schema.Struct({
  /** Only mails to this address. */
  to: Schema.optionalKey(Schema.String),
  limit: Schema.optionalKey(Limit)
})

export const MailboxJson = Schema.Struct({ items: Schema.Array(DevMail) })
export const SolvedChallengeJson = Schema.Struct({
  challengeId: Schema.String,
  answer: Schema.String,
  expiresAt: Schema.DateTimeUtc
})

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/gu, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch)

const safeLink = (url: string): string => (/^https?:\/\//iu.test(url) ? url : "#")

/** A plain page for people: newest first, each mail's text and links. No script, nothing embedded. */
const mailboxPage = (mails: ReadonlyArray<DevMail>): string => `<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Dev-Postfach / dev mailbox</title>
<style>body{font:15px/1.4 system-ui,sans-serif;margin:2rem;max-width:60rem}article{border:1px solid #ccc;border-radius:6px;padding:1rem;margin:1rem 0}pre{white-space:pre-wrap}</style>
</head><body><h1>Dev-Postfach / dev mailbox</h1>
<p>${mails.length} Mail(s), neueste zuerst / newest first.</p>
${mails
  .map(
    (m) => `<article><h2>${escapeHtml(m.subject)}</h2>
<p>An / to: ${escapeHtml(m.to)} · ${escapeHtml(Schema.encodeSync(Schema.DateTimeUtcFromString)(m.sentAt))}</p>
<pre>${escapeHtml(m.text)}</pre>
<ul>${m.links.map((l) => `<li><a href="${escapeHtml(safeLink(l))}">${escapeHtml(l)}</a></li>`).join("")}</ul></article>`
  )
  .join("\n")}
</body></html>`

/**
 * Development mode only: the mails the dev mailer delivered, and solved captchas so scripts can register.
 * Mounted only when the app runs with `dev: true`.
 */
export const devRoutes = ({ runner }: Deps) =>
  new Hono()
    .get(
      "/mailbox",
      describe({
        tag,
        summary: "Delivered mails, newest first (`Accept: text/html` for a page)",
        success: {
          status: 200,
          description: "The mailbox; `links` lists every URL in each mail",
          schema: MailboxJson,
          mediaTypes: ["text/html"]
        }
      }),
      queryOf(MailboxQuery),
      async (c) => {
        const query = c.req.valid("query")
        const mails = await runner.run(
          c,
          DevMailbox.use((box) => box.list(query))
        )
        const accept = c.req.header("accept") ?? ""
        if (accept.includes("text/html") && !accept.includes("application/json")) {
          c.header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
          return c.html(mailboxPage(mails), 200)
        }
        return c.json(toJson(MailboxJson, { items: mails }), 200)
      }
    )
    .get(
      "/captcha",
      describe({
        tag,
        summary: "A solved captcha challenge, so scripts can register",
        success: { status: 200, description: "The challenge and its answer", schema: SolvedChallengeJson }
      }),
      async (c) => {
        const challenge = await runner.run(
          c,
          DevCaptcha.use((captcha) => captcha.issue())
        )
        return c.json(toJson(SolvedChallengeJson, challenge), 200)
      }
    )
