import { formatDe, Money } from "@cloudportal/core"
import { afterAll, beforeAll, describe, expect, it, vi } from "@effect/vitest"
import { call } from "../harness.ts"
import { routeSuite } from "../routeSuite.ts"
import { offeringDraft, world } from "../world.ts"
import { startWorkerd, type Workerd, type WorkerdHarness } from "./workerdHarness.ts"

// Every request crosses workerd and sqld over loopback HTTP: slower than memory, so more time per test.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 })

let workerd: Workerd | undefined
beforeAll(async () => {
  workerd = await startWorkerd()
})
afterAll(async () => {
  await workerd?.dispose()
})

// The whole HTTP contract, unchanged: each test on its own portal (own sqld, clock and runtime) inside workerd.
routeSuite("workerd on sqld", () => workerd!.harness())

/** Rows straight from sqld over its HTTP API (Hrana 2), not through the Worker. */
const query = async (databaseUrl: string, sql: string, args: ReadonlyArray<string>) => {
  const response = await fetch(`${databaseUrl}/v2/pipeline`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      requests: [
        { type: "execute", stmt: { sql, args: args.map((value) => ({ type: "text", value })) } },
        { type: "close" }
      ]
    })
  })
  const body = await response.json()
  const result = body.results[0]
  if (result.type !== "ok") throw new Error(JSON.stringify(result))
  return (result.response.result.rows as Array<Array<{ value: unknown }>>).map((row) => row.map((cell) => cell.value))
}

describe("workerd on sqld: what only this composition shows", () => {
  const withPortal = (run: (h: WorkerdHarness) => Promise<void>) => async () => {
    const h = await workerd!.harness()
    try {
      await run(h)
    } finally {
      await h.close()
    }
  }

  it("the test Worker bundles without Node built-ins and talks to sqld through @libsql/client's web build", () => {
    const { metafile } = workerd!
    const inputs = Object.keys(metafile.inputs)
    expect(inputs.some((i) => i.includes("@libsql/client/lib-esm/web.js"))).toBe(true)
    expect(
      inputs.filter((i) => /@libsql\/client\/lib-esm\/(node|sqlite3)\.js|node_modules\/libsql\//u.test(i))
    ).toEqual([])
    expect(Object.values(metafile.outputs).flatMap((o) => o.imports.map((i) => i.path))).toEqual([])
  })

  it(
    "what the API writes lands in the sqld database: the approved organization and the placed order are its rows",
    withPortal(async (h) => {
      const w = world(h)
      const provider = await w.organization({ capabilities: ["customer", "provider"] })
      const offering = await call(h, "POST", "/catalog/offerings", {
        token: provider.admin.token,
        body: offeringDraft()
      })
      expect(offering.status).toBe(201)
      const customer = await w.organization()
      const placed = await call(h, "POST", "/orders", {
        token: customer.admin.token,
        body: { offeringId: offering.body.id, pricePlanId: "plan_setup", quantity: 1, contractModel: "DV" }
      })
      expect(placed.status).toBe(201)
      expect(await query(h.databaseUrl, "SELECT name FROM organizations WHERE id = ?", [customer.id])).toEqual([
        [customer.name]
      ])
      expect(
        await query(h.databaseUrl, "SELECT status, CAST(total_cents AS TEXT) FROM orders WHERE id = ?", [
          placed.body.id
        ])
      ).toEqual([["open", "50000"]])
    })
  )

  it(
    "the order summary in the contract folder comes back from sqld byte for byte: order number, price as ordered, AGB version",
    withPortal(async (h) => {
      const w = world(h)
      const provider = await w.organization({ capabilities: ["customer", "provider"] })
      const offering = await call(h, "POST", "/catalog/offerings", {
        token: provider.admin.token,
        body: offeringDraft()
      })
      const customer = await w.organization()
      const placed = await call(h, "POST", "/orders", {
        token: customer.admin.token,
        body: { offeringId: offering.body.id, pricePlanId: "plan_setup", quantity: 1, contractModel: "DV" }
      })
      expect(placed.status).toBe(201)
      const terms = await call(h, "GET", "/terms/current")
      const folder = await call(h, "GET", `/orders/${placed.body.id}/contract-folder`, { token: customer.admin.token })
      const summary = folder.body.items.find((d: { kind: string }) => d.kind === "orderSummary")
      const stored = await query(
        h.databaseUrl,
        "SELECT CAST(length(summary) AS TEXT), typeof(summary) FROM contract_folders WHERE order_id = ?",
        [placed.body.id]
      )
      expect(stored).toEqual([[expect.any(String), "blob"]])

      const document = await call(h, "GET", `/orders/${placed.body.id}/contract-folder/${summary.id}`, {
        token: customer.admin.token
      })
      expect(document.status).toBe(200)
      expect(document.headers.get("content-type")).toBe(summary.mediaType)
      // Without a global Buffer (workerd without nodejs_compat) drizzle's libSQL session decodes a BLOB as UTF-8
      // text before storage-libsql's `bytes` column sees it, and the document came back empty.
      expect(new TextEncoder().encode(document.body).length, "the summary as long as stored").toBe(
        Number(stored[0]![0])
      )
      expect(document.body).toContain(`Bestellnummer: ${placed.body.id}`)
      // The price exactly as the order carries it, in core's German money format, with its billing.
      const price = formatDe(Money.cents(placed.body.total.amountCents))
      expect(price).toBe("500,00 €")
      expect(document.body).toContain(`Gesamtpreis (netto): ${price} einmalig`)
      expect(document.body).toContain(`CSP-AGB: Version ${terms.body.version}`)
    })
  )
})
