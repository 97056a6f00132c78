import { Duration } from "effect"
import { describe, expect, it } from "vitest"
import { describeFinding, fuzz } from "../src/fuzz/fuzzer.ts"
import { inProcess } from "../src/http.ts"
import { populate } from "../src/populated.ts"
import { makePortal, operatorEmail, operatorPassword, type StorageKind } from "../src/portal.ts"
import { password, world } from "../src/world.ts"

/** Requests per storage in CI; `SYSTEM_FUZZ_REQUESTS=100000` for longer local runs. */
const requests = (storage: StorageKind) =>
  Number(process.env.SYSTEM_FUZZ_REQUESTS ?? (storage === "memory" ? 6_000 : 4_000))
const seed = Number(process.env.SYSTEM_SEED ?? 20_261_127)

// Limits high enough that the fuzzer reaches the body checks behind them; the limits themselves answer 429
// problems, which the route suite proves.
const generous = { limit: 1_000_000, window: Duration.hours(1) }
const rateLimits = Object.fromEntries(
  ["login", "passwordReset", "registration", "resendConfirmation", "invitation"].map((k) => [
    k,
    { perAddress: generous, perClient: generous }
  ])
)

describe("fuzzing from the OpenAPI document", () => {
  for (const storage of ["memory", "libsql"] as const)
    it(`${storage}: every route, with bodies, parameters and headers generated from its schemas and then broken, never answers 5xx, answers every refusal as problem+json, and a refused request changes nothing`, async () => {
      const portal = await makePortal({ storage, app: { rateLimits } })
      try {
        const w = world({
          target: inProcess(portal.fetch),
          mailedToken: portal.mailedToken,
          operator: { email: operatorEmail, password: operatorPassword }
        })
        const world_ = await populate(w)
        const identities = async () => {
          const tokens: Record<string, string> = {}
          for (const [holder, who] of Object.entries(world_.people)) {
            const answer = await w.api("POST", "/auth/login", {
              body: { email: who.email, password: holder === "operator" ? operatorPassword : password }
            })
            if (answer.status === 200) tokens[holder] = answer.body.session.token
          }
          return { tokens, ids: world_.allIds, origin: "http://localhost" }
        }
        const report = await fuzz(portal, identities, { count: requests(storage), seed })
        if (process.env.SYSTEM_STATS)
          console.log(storage, report.sent, report.unsendable, report.acceptedWrites, Object.fromEntries(report.byStatus), Object.fromEntries(report.byMutation))
        expect(report.findings.map(describeFinding)).toEqual([])
        expect(report.sent).toBeGreaterThanOrEqual(requests(storage) * 0.95)
        // The write detection is live: accepted requests that changed something were seen as writes.
        expect(report.acceptedWrites).toBeGreaterThan(0)
      } finally {
        await portal.close()
      }
    }, 600_000)
})
