import { mkdtempSync, rmSync } from "node:fs"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ProofOfWorkCaptcha } from "@cloudportal/core"
import { freePort } from "@cloudportal/storage-libsql/testing"
import { describe, expect, it } from "vitest"
import { startServer, waitUntilReady } from "../src/testing.ts"
import { client } from "./support/http.ts"

const operator = { email: "betrieb@portal.example.de", password: "ein-eigenes-geheimes-betriebspasswort" }
const password = "ein-sehr-langes-passwort-fuer-den-captcha-test"

/** Resend's API as far as the dispatcher needs it: every mail accepted, each request kept. */
const resendStandIn = () =>
  new Promise<{ readonly url: string; readonly mails: Array<string>; readonly close: () => Promise<void> }>(
    (resolve) => {
      const mails: Array<string> = []
      const server = createServer((req, res) => {
        let body = ""
        req.on("data", (chunk: Buffer) => {
          body += chunk.toString("utf8")
        })
        req.on("end", () => {
          mails.push(body)
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: `mail-${mails.length}` }))
        })
      })
      server.listen(0, "127.0.0.1", () =>
        resolve({
          url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          mails,
          close: () => new Promise((closed) => server.close(() => closed()))
        })
      )
    }
  )

describe("the captcha of the main job in production", () => {
  it("a browser fetches a challenge from /api/captcha, solves it and registers; the same answer again is refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cloudportal-captcha-"))
    const resend = await resendStandIn()
    const port = await freePort()
    const origin = `http://127.0.0.1:${port}`
    const server = await startServer({
      port,
      env: {
        NODE_ENV: "production",
        DATABASE_URL: join(dir, "cloudportal.db"),
        CLOUDPORTAL_PUBLIC_BASE_URL: origin,
        RESEND_API_KEY: "re_captcha_test",
        RESEND_BASE_URL: resend.url,
        CLOUDPORTAL_MAIL_FROM: "Cloud-Service-Portal <noreply@portal.example.de>",
        CLOUDPORTAL_OPERATOR_EMAIL: operator.email,
        CLOUDPORTAL_OPERATOR_PASSWORD: operator.password,
        CLOUDPORTAL_CAPTCHA_SECRET: "Yq4v8Tz1Lm6Np0Rs3Wx7Bd2Gh5Jk9CfE2uA",
        CLOUDPORTAL_CAPTCHA_MAX_NUMBER: "20000",
        CLOUDPORTAL_DISPATCH_INTERVAL: "1 second"
      }
    })
    try {
      await waitUntilReady(server)
      const api = client(origin)
      expect((await api.call("GET", "/dev/captcha")).status).toBe(404)

      // Production starts without CSP-AGB; the operator publishes them.
      const operatorToken = await api.login(operator.email, operator.password)
      const terms = await api.expectCall(201, "POST", "/operator/terms", {
        token: operatorToken,
        body: { version: "2025-01", effectiveFrom: "2020-01-01T00:00:00.000Z", url: "https://agb.example/v1" }
      })

      const challenge = await api.expectCall(200, "GET", "/captcha")
      expect(challenge).toMatchObject({ algorithm: "SHA-256", maxNumber: 20_000 })
      const answer = ProofOfWorkCaptcha.solve(challenge)
      if (answer === undefined) return expect.fail("the challenge has no solution")
      const form = (email: string) => ({
        organization: {
          name: `Stadt Captcha ${email}`,
          legalForm: "Gebietskörperschaft",
          administrativeLevel: "municipal",
          federalState: "DE-NW",
          address: { street: "Rathausplatz 1", postalCode: "50667", city: "Köln", phone: "0221 123456" }
        },
        person: { firstName: "Hanna", lastName: "Haupt", email },
        password,
        captcha: { challengeId: challenge.challengeId, answer },
        acceptedTermsId: terms.id
      })
      await api.expectCall(202, "POST", "/registrations", { body: form("hauptadmin@stadt-captcha.test") })
      const replay = await api.call("POST", "/registrations", { body: form("zweite@stadt-captcha.test") })
      expect(replay.status).toBe(400)
      expect(replay.body.errors.map((e: { path: string }) => e.path)).toEqual(["captcha.answer"])

      // The registration's confirmation link went out through "Resend".
      const deadline = performance.now() + 15_000
      while (!resend.mails.some((m) => m.includes("hauptadmin@stadt-captcha.test")) && performance.now() < deadline)
        await new Promise((r) => setTimeout(r, 50))
      expect(resend.mails.some((m) => m.includes("hauptadmin@stadt-captcha.test"))).toBe(true)
    } finally {
      await server.kill()
      await resend.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
