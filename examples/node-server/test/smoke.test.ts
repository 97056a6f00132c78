import { mkdtempSync, rmSync } from "node:fs"
import { connect } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { defaultDemoPassword, demoAccounts } from "@cloudportal/core/demo"
import { describe, expect, it } from "vitest"
import { type ServerProcess, startServer, waitUntilReady } from "../src/testing.ts"
import { client } from "./support/http.ts"

const password = "ein-sehr-langes-passwort-fuer-den-rauchtest"

/** One server process on a fresh port over `databaseFile`; always stopped, also when the test fails. */
const withServer = async <A>(
  databaseFile: string,
  run: (server: ServerProcess, origin: string) => Promise<A>
): Promise<A> => {
  const server = await startServer({
    env: {
      DATABASE_URL: databaseFile,
      // Mail reaches the dev mailbox right after each change; the timer is only the fallback.
      CLOUDPORTAL_DISPATCH_INTERVAL: "1 second"
    }
  })
  try {
    await waitUntilReady(server)
    return await run(server, server.origin)
  } finally {
    await server.kill()
  }
}

/**
 * A login whose body is held back: the headers ask for `100 Continue`, so once that arrives the server has
 * accepted the connection and is handling the request. `finish` sends the rest of the body.
 */
const heldBackLogin = async (port: number, body: unknown) => {
  const payload = Buffer.from(JSON.stringify(body))
  const socket = connect(port, "127.0.0.1")
  let received = ""
  const closed = new Promise<string>((resolve) => socket.on("close", () => resolve(received)))
  const continued = new Promise<void>((resolve) =>
    socket.on("data", (chunk) => {
      received += chunk.toString("utf8")
      if (received.includes("100 Continue")) resolve()
    })
  )
  socket.write(
    `POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${payload.length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`
  )
  await continued
  return {
    finish: () => socket.write(payload),
    /** Everything the server answered, once it closed the connection. */
    answer: closed
  }
}

const waitForOutput = async (server: ServerProcess, text: string) => {
  while (!server.output().stdout.includes(text)) {
    if (server.child.exitCode !== null) expect.fail(`exited before printing "${text}"`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

const stopWithSigterm = async (server: ServerProcess, options: { readonly signalled?: boolean } = {}) => {
  if (!options.signalled) server.child.kill("SIGTERM")
  const code = await server.exited
  if (code !== 0) expect.fail(`exit code ${code}:\n${server.output().stderr}`)
  expect(server.output().stdout).toContain("cloudportal: stopped")
}

describe("the main job over real HTTP", () => {
  it("register, confirm, approve, sign in, invite, accept, check eligibility, order, provider decides, ordered; SIGTERM exits 0 and a restart keeps every change", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cloudportal-node-server-"))
    const databaseFile = join(dir, "data", "cloudportal.db")
    try {
      const adminEmail = `hauptadmin-${Date.now()}@stadt-rauchtest.test`
      const memberEmail = `mitarbeiterin-${Date.now()}@stadt-rauchtest.test`

      const orderId = await withServer(databaseFile, async (server, origin) => {
        const api = client(origin)
        expect(server.output().stdout).toContain(`${origin}/api/docs`)
        expect(server.output().stdout).toContain(demoAccounts.operator)

        // Registration (DOMAIN §2): submitted, confirmed through the mailed link, approved by the operator.
        const captcha = await api.expectCall(200, "GET", "/dev/captcha")
        const terms = await api.expectCall(200, "GET", "/terms/current")
        const submitted = await api.expectCall(202, "POST", "/registrations", {
          body: {
            organization: {
              name: `Stadt Rauchtest ${Date.now()}`,
              legalForm: "Gebietskörperschaft",
              administrativeLevel: "municipal",
              federalState: "DE-NW",
              address: { street: "Rathausplatz 1", postalCode: "50667", city: "Köln", phone: "0221 123456" }
            },
            person: { firstName: "Hanna", lastName: "Haupt", email: adminEmail },
            password,
            captcha: { challengeId: captcha.challengeId, answer: captcha.answer },
            acceptedTermsId: terms.id
          }
        })
        const confirmToken = await api.mailedToken(adminEmail, "/registrierung/bestaetigen")
        expect(
          await api.expectCall(200, "POST", "/registrations/confirm", { body: { token: confirmToken } })
        ).toMatchObject({ status: "awaitingOperatorReview" })
        const operator = await api.login(demoAccounts.operator, defaultDemoPassword)
        await api.expectCall(200, "POST", `/operator/registrations/${submitted.registrationId}/approve`, {
          token: operator
        })

        // The main admin invites an employee, who accepts and so signs in.
        const admin = await api.login(adminEmail, password)
        await api.expectCall(201, "POST", "/organization/members", {
          token: admin,
          body: { email: memberEmail, firstName: "Erika", lastName: "Muster" }
        })
        const invitationToken = await api.mailedToken(memberEmail, "/einladung/annehmen")
        const accepted = await api.expectCall(200, "POST", "/invitations/accept", {
          body: { token: invitationToken, password }
        })
        const member = accepted.session.token as string

        // Every active employee may order: the free video conference of demo provider B, by direct contract.
        const offerings = await api.expectCall(200, "GET", "/catalog/offerings?limit=200", { token: member })
        const offering = offerings.items.find(
          (o: { pricePlans: ReadonlyArray<{ _tag: string }> }) => o.pricePlans[0]?._tag === "Free"
        )
        expect(offering).toBeDefined()
        const cart = { offeringId: offering.id, pricePlanId: offering.pricePlans[0].id, quantity: 1 }
        const eligibility = await api.expectCall(200, "POST", "/orders/eligibility", { token: member, body: cart })
        expect(eligibility.contractModels.DV.allowed).toBe(true)
        expect(eligibility.contractModels.DV.grounds.map((g: { kind: string }) => g.kind)).toContain("freeOfCharge")
        const placed = await api.expectCall(201, "POST", "/orders", {
          token: member,
          body: { ...cart, contractModel: "DV" }
        })
        expect(placed.status).toBe("open")
        expect(placed.total).toEqual(eligibility.cartTotal)

        // The provider decides: review, confirm (binding), ordered.
        const provider = await api.login(demoAccounts.providerB, defaultDemoPassword)
        let status = "open"
        for (const [action, to] of [
          ["startReview", "inReviewByProviderDV"],
          ["confirm", "confirmedByProviderDV"],
          ["markOrdered", "ordered"]
        ] as const) {
          const moved = await api.expectCall(200, "POST", `/orders/${placed.id}/transitions`, {
            token: provider,
            body: { action, expectedStatus: status }
          })
          expect(moved.status).toBe(to)
          status = to
        }
        const seen = await api.expectCall(200, "GET", `/orders/${placed.id}`, { token: member })
        expect(seen).toMatchObject({ status: "ordered", statusLabel: "Bestellt" })

        // Graceful shutdown: a request in flight when SIGTERM arrives is answered; new connections are refused.
        const inFlight = await heldBackLogin(Number(new URL(origin).port), { email: memberEmail, password })
        server.child.kill("SIGTERM")
        await waitForOutput(server, "SIGTERM received")
        await expect(fetch(`${origin}/healthz`)).rejects.toThrow()
        inFlight.finish()
        expect(await inFlight.answer).toMatch(/HTTP\/1\.1 200 OK[\s\S]*"session"/u)
        await stopWithSigterm(server, { signalled: true })
        return placed.id as string
      })

      // The restart finds everything in the database: accounts, the order and its history; no second seed.
      await withServer(databaseFile, async (server, origin) => {
        const api = client(origin)
        expect(server.output().stdout).toContain("Demo world already in place")
        const member = await api.login(memberEmail, password)
        const order = await api.expectCall(200, "GET", `/orders/${orderId}`, { token: member })
        expect(order.status).toBe("ordered")
        expect(order.history.map((h: { to: string }) => h.to)).toEqual([
          "inReviewByProviderDV",
          "confirmedByProviderDV",
          "ordered"
        ])
        const admin = await api.login(adminEmail, password)
        const members = await api.expectCall(200, "GET", "/organization/members", { token: admin })
        expect(members.items.map((m: { email: string }) => m.email)).toContain(memberEmail)
        await stopWithSigterm(server)
      })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 90_000)

  it("a bad configuration stops the start with a non-zero exit and names every bad variable", async () => {
    const server = await startServer({
      env: {
        NODE_ENV: "production",
        PORT: "achtzig",
        DATABASE_URL: "ftp://example.org/db",
        CLOUDPORTAL_DISPATCH_INTERVAL: "bald"
      }
    })
    try {
      const code = await server.exited
      expect(code).not.toBe(0)
      const { stderr } = server.output()
      for (const variable of [
        "PORT",
        "DATABASE_URL",
        "CLOUDPORTAL_DISPATCH_INTERVAL",
        "CLOUDPORTAL_PUBLIC_BASE_URL",
        "RESEND_API_KEY",
        "CLOUDPORTAL_CAPTCHA_SECRET",
        "CLOUDPORTAL_OPERATOR_EMAIL",
        "CLOUDPORTAL_OPERATOR_PASSWORD"
      ])
        expect(stderr).toMatch(new RegExp(`^  ${variable} `, "mu"))
    } finally {
      await server.kill()
    }
  })
})
