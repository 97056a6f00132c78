import { DevMail, DevMailbox, type OutboxMessageId } from "@cloudportal/core"
import { describe, expect, it } from "@effect/vitest"
import { DateTime, Duration, Effect } from "effect"
import { call, unique } from "./harness.ts"
import { memoryHarness } from "./memoryHarness.ts"
import { password, world } from "./world.ts"

const mail = (to: string, subject: string, minute: number) =>
  new DevMail({
    id: `msg_${unique()}` as OutboxMessageId,
    to,
    subject,
    text: `Hallo <script>alert(1)</script>\nhttps://portal.example/confirm?token=abc`,
    html: "<p>Hallo</p>",
    links: ["https://portal.example/confirm?token=abc", "javascript:alert(1)"],
    sentAt: DateTime.makeUnsafe(Date.UTC(2025, 0, 1, 8, minute))
  })

describe("development mode", () => {
  it("/dev/mailbox lists delivered mails newest first, filtered by recipient, as JSON or as a page", async () => {
    const h = await memoryHarness()
    try {
      await h.runtime.runPromise(
        Effect.gen(function* () {
          const box = yield* DevMailbox
          yield* box.deliver(mail("anna@kommune.test", "Erste", 1))
          yield* box.deliver(mail("anna@kommune.test", "Zweite", 2))
          yield* box.deliver(mail("bernd@kommune.test", "Andere", 3))
        })
      )
      const all = await call(h, "GET", "/dev/mailbox")
      expect(all.status).toBe(200)
      expect(all.body.items.map((m: { subject: string }) => m.subject)).toEqual(["Andere", "Zweite", "Erste"])
      const anna = await call(h, "GET", "/dev/mailbox?to=ANNA@kommune.test")
      expect(anna.body.items.map((m: { subject: string }) => m.subject)).toEqual(["Zweite", "Erste"])
      expect(anna.body.items[0]).toMatchObject({
        to: "anna@kommune.test",
        links: ["https://portal.example/confirm?token=abc", "javascript:alert(1)"],
        sentAt: "2025-01-01T08:02:00.000Z"
      })
      const page = await call(h, "GET", "/dev/mailbox", { headers: { accept: "text/html" } })
      expect(page.headers.get("content-type")).toContain("text/html")
      expect(page.body).toContain("&lt;script&gt;")
      expect(page.body).not.toContain("<script>")
      expect(page.body).not.toContain('href="javascript:')
      expect(page.headers.get("content-security-policy")).toContain("default-src 'none'")
    } finally {
      await h.close()
    }
  })
})

describe("deployment settings", () => {
  it("behind https the session cookie is __Host- prefixed and Secure, and CSRF compares with the public origin", async () => {
    const h = await memoryHarness({ publicBaseUrl: "https://portal.example.org" })
    try {
      const org = await world(h).organization()
      const answer = await call(h, "POST", "/auth/login", { body: { email: org.admin.email, password } })
      const cookie = answer.headers.get("set-cookie") ?? ""
      expect(cookie).toMatch(/^__Host-cloudportal-session=/u)
      expect(cookie).toContain("Secure")
      expect(cookie).toContain("HttpOnly")
      expect(cookie).not.toContain("Domain=")
      const session = `__Host-cloudportal-session=${answer.body.session.token}`
      const body = { kind: "billing", street: "Weg 2", postalCode: "80331", city: "München" }
      const local = await call(h, "POST", "/organization/addresses", {
        cookie: session,
        body,
        headers: { origin: h.origin }
      })
      expect(local.status).toBe(403)
      const publicOrigin = await call(h, "POST", "/organization/addresses", {
        cookie: session,
        body,
        headers: { origin: "https://portal.example.org" }
      })
      expect(publicOrigin.status).toBe(201)
    } finally {
      await h.close()
    }
  })

  it("per-client limits key on the first X-Forwarded-For hop only when the proxy is trusted", async () => {
    const limits = {
      passwordReset: {
        perAddress: { limit: 100, window: Duration.hours(1) },
        perClient: { limit: 2, window: Duration.hours(1) }
      }
    }
    const trusted = await memoryHarness({ trustProxy: true, rateLimits: limits })
    const untrusted = await memoryHarness({ rateLimits: limits, clientAddress: () => "198.51.100.7" })
    try {
      const reset = (h: typeof trusted, ip: string) =>
        call(h, "POST", "/auth/password-reset", {
          body: { email: `x-${unique()}@x.test` },
          headers: { "x-forwarded-for": `${ip}, 10.0.0.1` }
        })
      expect((await reset(trusted, "203.0.113.1")).status).toBe(202)
      expect((await reset(trusted, "203.0.113.1")).status).toBe(202)
      expect((await reset(trusted, "203.0.113.1")).status).toBe(429)
      expect((await reset(trusted, "203.0.113.2")).status).toBe(202)
      // Untrusted: the header is ignored, the connection's address counts.
      expect((await reset(untrusted, "203.0.113.1")).status).toBe(202)
      expect((await reset(untrusted, "203.0.113.2")).status).toBe(202)
      const third = await reset(untrusted, "203.0.113.3")
      expect(third.status).toBe(429)
      expect(third.headers.get("retry-after")).toEqual(expect.stringMatching(/^[0-9]+$/u))
    } finally {
      await trusted.close()
      await untrusted.close()
    }
  })

  it("a different base path moves every route", async () => {
    const h = await memoryHarness({ basePath: "/portal/v1" })
    try {
      expect(h.basePath).toBe("/portal/v1")
      expect((await call(h, "GET", "/openapi.json")).body.servers).toEqual([{ url: "/portal/v1" }])
      expect((await h.fetch(new Request("http://localhost/api/me"))).status).toBe(404)
      expect((await call(h, "GET", "/me")).status).toBe(401)
    } finally {
      await h.close()
    }
  })
})
