import fc from "fast-check"
import { describe, it } from "vitest"
import { outcomes } from "../src/model/model.ts"
import { modelProperty } from "../src/model/run.ts"
import type { StorageKind } from "../src/portal.ts"

/**
 * The whole-system model on one storage, `runs` sequences (SYSTEM_MODEL_RUNS overrides; longer runs:
 * `pnpm --filter @cloudportal/system-tests model -- --runs 5000`). One file per storage, so that they run side by side.
 */
export const modelSuite = (storage: StorageKind, runs: number) => {
  const numRuns = Number(process.env.SYSTEM_MODEL_RUNS ?? runs)
  const seed = process.env.SYSTEM_SEED === undefined ? undefined : Number(process.env.SYSTEM_SEED)
  describe("whole-system model over the HTTP API", () => {
    it(`${storage}: random actors' valid and invalid commands keep the portal in agreement with the model; one active main admin per organization, no cross-organization visibility, order statuses only along DOMAIN §9, prices unchanged, audit chains verify`, async () => {
      outcomes.clear()
      await fc.assert(modelProperty(storage), { numRuns, ...(seed === undefined ? {} : { seed }) })
      if (process.env.SYSTEM_STATS) console.log(storage, JSON.stringify(Object.fromEntries([...outcomes].sort())))
    }, 900_000)
  })
}
