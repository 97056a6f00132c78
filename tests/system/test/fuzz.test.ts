import { describe, expect, it } from "vitest"
import { describeFinding, fuzz } from "../src/fuzz/fuzzer.ts"
import { fuzzTarget } from "../src/fuzz/setup.ts"
import type { StorageKind } from "../src/portal.ts"

/** Requests per storage in CI; `SYSTEM_FUZZ_REQUESTS=100000` for longer local runs. */
const requests = (storage: StorageKind) =>
  Number(process.env.SYSTEM_FUZZ_REQUESTS ?? (storage === "memory" ? 6_000 : 4_000))
const seed = Number(process.env.SYSTEM_SEED ?? 20_261_127)

describe("fuzzing from the OpenAPI document", () => {
  for (const storage of ["memory", "libsql"] as const)
    it(`${storage}: every route, with bodies, parameters and headers generated from its schemas and then broken, never answers 5xx, answers every refusal as problem+json, and a refused request changes nothing`, async () => {
      const { portal, identities } = await fuzzTarget(storage)
      try {
        const report = await fuzz(portal, identities, { count: requests(storage), seed })
        if (process.env.SYSTEM_STATS)
          console.log(
            storage,
            report.sent,
            report.unsendable,
            report.acceptedWrites,
            Object.fromEntries(report.byStatus),
            Object.fromEntries(report.byMutation)
          )
        expect(report.findings.map(describeFinding)).toEqual([])
        expect(report.sent).toBeGreaterThanOrEqual(requests(storage) * 0.95)
        // The write detection is live: accepted requests that changed something were seen as writes.
        expect(report.acceptedWrites).toBeGreaterThan(0)
        // Every operation of the document was fuzzed, each at least a quarter of its fair share.
        const minimum = Math.max(1, Math.floor(report.sent / report.byOperation.size / 4))
        const neglected = [...report.byOperation].filter(([, n]) => n < minimum).map(([op]) => op)
        expect(neglected).toEqual([])
      } finally {
        await portal.close()
      }
    }, 600_000)

  it("the fuzzer's checks can fail: a 5xx, an error that is no problem document and a refusal that wrote are reported", async () => {
    const { portal, populated, identities } = await fuzzTarget("libsql")
    try {
      // A portal with three planted defects.
      const broken = async (request: Request): Promise<Response> => {
        const { pathname } = new URL(request.url)
        if (pathname === "/api/me") return new Response("boom", { status: 500 })
        if (pathname === "/api/organization/completeness")
          return new Response("<h1>nicht gefunden</h1>", { status: 404, headers: { "content-type": "text/html" } })
        if (pathname === "/api/terms/current") {
          await portal.fetch(
            new Request("http://localhost/api/organization/roles", {
              method: "POST",
              headers: {
                authorization: `Bearer ${populated.people.c1Admin.token}`,
                "content-type": "application/json"
              },
              body: JSON.stringify({ name: `Heimlich ${Math.random()}`, permissions: [] })
            })
          )
          return new Response(JSON.stringify({ type: "x", title: "x", status: 400, detail: "x", code: "X" }), {
            status: 400,
            headers: { "content-type": "application/problem+json" }
          })
        }
        return portal.fetch(request)
      }
      const report = await fuzz({ ...portal, fetch: broken }, identities, { count: 1_500, seed })
      const defects = report.findings.map((f) => f.defect)
      expect(defects).toContain("a 5xx answer")
      expect(defects.some((d) => d.startsWith("not a problem document"))).toBe(true)
      expect(defects.some((d) => d.startsWith("a refused request wrote: roles"))).toBe(true)
    } finally {
      await portal.close()
    }
  }, 120_000)
})
