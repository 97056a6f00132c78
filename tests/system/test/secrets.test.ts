import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Client } from "@libsql/client"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { call, inProcess } from "../src/http.ts"
import { populate } from "../src/populated.ts"
import { makePortal, operatorEmail, operatorPassword, type Portal } from "../src/portal.ts"
import { password, unique, world } from "../src/world.ts"

/**
 * DOMAIN §4: link tokens and sessions are stored only as hashes; passwords only as password hashes. After a full
 * scenario (registration, approval, invitations, sign-ins, resets, orders, logout) and once the outbox has sent
 * every mail, a dump of the database must not hold any of the secrets the scenario handed out.
 */

/** Every value of every table, as text: what `sqlite3 .dump` would show. */
const logicalDump = async (client: Client): Promise<string> => {
  const tables = await client.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
  const parts: Array<string> = []
  for (const row of tables.rows) {
    const rows = await client.execute(`SELECT * FROM "${String(row.name)}"`)
    for (const r of rows.rows)
      for (const value of Object.values(r))
        parts.push(value instanceof ArrayBuffer ? Buffer.from(value).toString("latin1") : String(value))
  }
  return parts.join("\n")
}

describe("secrets at rest", () => {
  let dir: string
  let portal: Portal
  const secrets = new Map<string, string>()

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cloudportal-secrets-"))
    portal = await makePortal({ storage: "libsql", url: `file:${join(dir, "portal.db")}` })
    // Every session token any answer hands out; the part after the dot is the secret.
    const sniffing = async (request: Request) => {
      const response = await portal.fetch(request)
      const text = await response.clone().text()
      for (const match of text.matchAll(/"token":"([^"]+)"/gu)) {
        const secret = match[1]!.slice(match[1]!.indexOf(".") + 1)
        secrets.set(secret, `session token from ${new URL(request.url).pathname}`)
      }
      return response
    }
    const w = world({
      target: inProcess(sniffing),
      mailedToken: portal.mailedToken,
      operator: { email: operatorEmail, password: operatorPassword }
    })
    const p = await populate(w)

    // „Passwort vergessen": one link used (new password, sessions end), one left unused; an invitation resent.
    const newPassword = `neues-passwort-${unique()}-mit-reichlich-laenge`
    await w.ok(202, "POST", "/auth/password-reset", { body: { email: p.people.c1Employee.email } })
    const resetToken = await portal.mailedToken(p.people.c1Employee.email, "PasswordResetLink")
    await w.ok(204, "POST", "/auth/password-reset/confirm", { body: { token: resetToken, password: newPassword } })
    await w.ok(202, "POST", "/auth/password-reset", { body: { email: p.people.c2Admin.email } })
    const pending = `offen-${unique()}@system-test.example`
    const invited = await w.ok(201, "POST", "/organization/members", {
      token: p.people.c1Admin.token,
      body: { email: pending, firstName: "Otto", lastName: "Offen" }
    })
    await w.ok(202, "POST", `/organization/members/${invited.id}/resend-invitation`, { token: p.people.c1Admin.token })
    await w.login(p.people.c1Employee.email, newPassword)
    expect((await call(inProcess(sniffing), "POST", "/auth/logout", { token: p.people.c1Buyer.token })).status).toBe(
      204
    )

    expect(await portal.mail.drain()).toBeGreaterThan(10)
    for (const message of await portal.mail.delivered())
      if ("token" in message.notification) secrets.set(message.notification.token, message.notification._tag)
    for (const pw of [password, operatorPassword, newPassword]) secrets.set(pw, "password")
  }, 120_000)

  afterAll(async () => {
    await portal?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it("the scenario handed out session tokens, invitation, reset and confirmation links", () => {
    const kinds = new Set([...secrets.values()].map((k) => k.split(" ")[0]))
    expect([...kinds]).toEqual(
      expect.arrayContaining(["session", "password", "Invitation", "PasswordResetLink", "RegistrationConfirmationLink"])
    )
    expect(secrets.size).toBeGreaterThan(20)
  })

  it("a dump of the database holds no password, session token, reset, invitation or confirmation token in clear", async () => {
    const dump = await logicalDump(portal.client!)
    expect(dump.length).toBeGreaterThan(10_000)
    const found = [...secrets].filter(([secret]) => dump.includes(secret)).map(([, kind]) => kind)
    expect(found).toEqual([])
  })

  it("the database files hold none of them either, not even in freed pages or the write-ahead log", async () => {
    const found: Record<string, Record<string, number>> = {}
    for (const file of ["portal.db", "portal.db-wal"]) {
      const path = join(dir, file)
      if (!existsSync(path)) continue
      const raw = readFileSync(path).toString("latin1")
      for (const [secret, kind] of secrets)
        if (raw.includes(secret)) {
          found[file] ??= {}
          found[file][kind] = (found[file][kind] ?? 0) + 1
        }
    }
    expect(found).toEqual({})
  })
})
