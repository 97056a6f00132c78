import { rmSync } from "node:fs"
import { relative } from "node:path"
import { fileURLToPath } from "node:url"
import { defaultDemoPassword, demoAccounts } from "@cloudportal/core/demo"
import { startSqld } from "@cloudportal/storage-libsql/testing"
import { Miniflare } from "miniflare"
import { describe, expect, it, onTestFinished } from "vitest"
import { bundleWorker } from "../scripts/build.ts"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const password = "ein-sehr-langes-passwort-fuer-den-worker-test"

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in tests and checked field by field
type Body = any

describe("the API as a Cloudflare Worker in workerd, on sqld", () => {
  it("register, confirm, approve, sign in, order, provider confirms; the cron handler sends the mail and sweeps", async () => {
    // Miniflare refuses a script outside its working directory, so the bundle stays inside the package.
    const outfile = `dist/test-${process.pid}/worker.js`
    onTestFinished(() => rmSync(`${packageDir}dist/test-${process.pid}`, { recursive: true, force: true }))
    await bundleWorker(outfile)
    const sqld = await startSqld()
    onTestFinished(() => sqld.stop())
    const bindings = {
      DATABASE_URL: sqld.url,
      CLOUDPORTAL_PUBLIC_BASE_URL: "http://localhost:8787",
      CLOUDPORTAL_DEV: "true",
      CLOUDPORTAL_SEED_DEMO: "true",
      // Mail goes out on the cron tick only, so the test sees the scheduled handler deliver it.
      CLOUDPORTAL_DISPATCH_ON_REQUEST: "false",
      // Fewer PBKDF2 rounds than production: the test hashes a dozen passwords.
      CLOUDPORTAL_PBKDF2_ITERATIONS: "10000"
    }
    const options = {
      modules: true,
      scriptPath: relative(process.cwd(), `${packageDir}${outfile}`),
      compatibilityDate: "2025-09-01",
      bindings
    }
    const mf = new Miniflare(options)
    // Runs before the hooks above (last registered, first run); a failed start still gets disposed.
    onTestFinished(() => mf.dispose().catch(() => undefined))
    const call = async (method: string, path: string, options: { body?: unknown; token?: string } = {}) => {
      const headers: Record<string, string> = { accept: "application/json" }
      if (options.token) headers.authorization = `Bearer ${options.token}`
      if (options.body !== undefined) headers["content-type"] = "application/json"
      const response = await mf.dispatchFetch(`http://localhost:8787/api${path}`, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) })
      })
      const text = await response.text()
      return { status: response.status, body: (text === "" ? undefined : JSON.parse(text)) as Body }
    }
    const expectCall = async (status: number, method: string, path: string, options = {}) => {
      const answer = await call(method, path, options)
      if (answer.status !== status)
        expect.fail(`${method} ${path}: expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`)
      return answer.body as Body
    }
    const login = async (email: string, pw: string) =>
      (await expectCall(200, "POST", "/auth/login", { body: { email, password: pw } })).session.token as string
    // Miniflare's types leave out `scheduled` on the worker proxy; the method is there at run time.
    const worker = (await mf.getWorker()) as unknown as {
      scheduled: (options: { cron: string }) => Promise<{ outcome: string }>
    }
    const cron = async () => {
      const result = await worker.scheduled({ cron: "* * * * *" })
      expect(result.outcome).toBe("ok")
    }
    const mailedToken = async (email: string, linkPath: string) => {
      const box = await expectCall(200, "GET", `/dev/mailbox?to=${encodeURIComponent(email)}`)
      const link = box.items.flatMap((m: { links: Array<string> }) => m.links).find((l: string) => l.includes(linkPath))
      return link ? new URL(link).searchParams.get("token") : null
    }

    const email = `hauptadmin-${Date.now()}@kreis-worker.test`
    const captcha = await expectCall(200, "GET", "/dev/captcha")
    const terms = await expectCall(200, "GET", "/terms/current")
    const submitted = await expectCall(202, "POST", "/registrations", {
      body: {
        organization: {
          name: `Landkreis Worker ${Date.now()}`,
          legalForm: "Gebietskörperschaft",
          administrativeLevel: "municipal",
          federalState: "DE-ST",
          address: { street: "Domplatz 1", postalCode: "06108", city: "Halle (Saale)", phone: "0345 123456" }
        },
        person: { firstName: "Wilma", lastName: "Worker", email },
        password,
        captcha: { challengeId: captcha.challengeId, answer: captcha.answer },
        acceptedTermsId: terms.id
      }
    })
    expect(await mailedToken(email, "/registrierung/bestaetigen")).toBeNull()
    await cron()
    const token = await mailedToken(email, "/registrierung/bestaetigen")
    expect(token).toEqual(expect.any(String))
    await expectCall(200, "POST", "/registrations/confirm", { body: { token } })

    const operator = await login(demoAccounts.operator, defaultDemoPassword)
    await expectCall(200, "POST", `/operator/registrations/${submitted.registrationId}/approve`, { token: operator })
    const customer = await login(email, password)

    const offerings = await expectCall(200, "GET", "/catalog/offerings?limit=200", { token: customer })
    const free = offerings.items.find((o: Body) => o.pricePlans[0]?._tag === "Free")
    const cart = { offeringId: free.id, pricePlanId: free.pricePlans[0].id, quantity: 1 }
    const placed = await expectCall(201, "POST", "/orders", { token: customer, body: { ...cart, contractModel: "DV" } })
    expect(placed.status).toBe("open")

    const provider = await login(demoAccounts.providerB, defaultDemoPassword)
    const reviewing = await expectCall(200, "POST", `/orders/${placed.id}/transitions`, {
      token: provider,
      body: { action: "startReview", expectedStatus: "open" }
    })
    expect(reviewing.status).toBe("inReviewByProviderDV")
    const confirmed = await expectCall(200, "POST", `/orders/${placed.id}/transitions`, {
      token: provider,
      body: { action: "confirm", expectedStatus: "inReviewByProviderDV" }
    })
    expect(confirmed.status).toBe("confirmedByProviderDV")
    const seen = await expectCall(200, "GET", `/orders/${placed.id}`, { token: customer })
    expect(seen).toMatchObject({ status: "confirmedByProviderDV", statusLabel: "Bestätigt durch Anbieter (DV)" })

    // The cron run mails the status changes to the orderer.
    await cron()
    const box = await expectCall(200, "GET", `/dev/mailbox?to=${encodeURIComponent(email)}`)
    expect(box.items.map((m: { subject: string }) => m.subject).join("\n")).toContain("Bestätigt durch Anbieter (DV)")

    // By default a change sends its mail right after the response (waitUntil), without waiting for the cron.
    await mf.setOptions({ ...options, bindings: { ...bindings, CLOUDPORTAL_DISPATCH_ON_REQUEST: "true" } })
    await expectCall(202, "POST", "/auth/password-reset", { body: { email } })
    let resetToken: string | null = null
    for (const deadline = performance.now() + 10_000; resetToken === null && performance.now() < deadline; )
      resetToken =
        (await mailedToken(email, "/passwort/zuruecksetzen")) ??
        (await new Promise<null>((resolve) => setTimeout(() => resolve(null), 50)))
    expect(resetToken).toEqual(expect.any(String))
  }, 90_000)
})
