import { Duration } from "effect"
import fc from "fast-check"
import { inProcess } from "../http.ts"
import { makePortal, operatorEmail, operatorPassword, type StorageKind } from "../portal.ts"
import { market, world } from "../world.ts"
import { commandArbs, runModel } from "./model.ts"

/** Sign-in limits out of the way: the model signs everyone in again after each jump of the clock. */
const generous = { limit: 1_000_000, window: Duration.hours(1) }

/**
 * One sequence per run: a fresh portal on `storage`, the starting world, then up to 20 random commands, each
 * checked against the model.
 */
export const modelProperty = (storage: StorageKind) =>
  fc.asyncProperty(fc.commands(commandArbs, { maxCommands: 20, size: "medium" }), async (commands) => {
    const portal = await makePortal({
      storage,
      app: { rateLimits: { login: { perAddress: generous, perClient: generous } } }
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
