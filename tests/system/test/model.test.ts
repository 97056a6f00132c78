import { Duration } from "effect"
import fc from "fast-check"
import { describe, it } from "vitest"
import { inProcess } from "../src/http.ts"
import { commandArbs, outcomes, runModel } from "../src/model/model.ts"
import { makePortal, operatorEmail, operatorPassword, type StorageKind } from "../src/portal.ts"
import { market, world } from "../src/world.ts"

/** Sequences per storage in CI; `SYSTEM_MODEL_RUNS=5000` (or `--runs` of the scripts) for longer local runs. */
const runs = (storage: StorageKind) =>
  Number(process.env.SYSTEM_MODEL_RUNS ?? (storage === "memory" ? 500 : 60))
const seed = process.env.SYSTEM_SEED === undefined ? undefined : Number(process.env.SYSTEM_SEED)

const property = (storage: StorageKind) =>
  fc.asyncProperty(fc.commands(commandArbs, { maxCommands: 20, size: "medium" }), async (commands) => {
    // Login limits are generous here: the model re-signs-in everyone after each jump of the clock; the limits
    // themselves are the route suite's and the fuzzer's to prove.
    const portal = await makePortal({
      storage,
      app: {
        rateLimits: {
          login: {
            perAddress: { limit: 10_000, window: Duration.hours(1) },
            perClient: { limit: 10_000, window: Duration.hours(1) }
          }
        }
      }
    })
    try {
      const w = world({
        target: inProcess(portal.fetch),
        mailedToken: portal.mailedToken,
        operator: { email: operatorEmail, password: operatorPassword }
      })
      await runModel({ portal, w, market: await market(w) }, commands)
    } finally {
      await portal.close()
    }
  })

describe("whole-system model over the HTTP API", () => {
  for (const storage of ["memory", "libsql"] as const)
    it(`${storage}: random actors' valid and invalid commands keep the portal in agreement with the model; one active main admin per organization, no cross-organization visibility, order statuses only along DOMAIN §9, prices unchanged, audit chains verify`, async () => {
      outcomes.clear()
      await fc.assert(property(storage), { numRuns: runs(storage), ...(seed === undefined ? {} : { seed }) })
      if (process.env.SYSTEM_STATS) console.log(storage, Object.fromEntries([...outcomes].sort()))
    }, 600_000)
})
