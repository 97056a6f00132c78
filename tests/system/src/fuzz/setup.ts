import { Duration } from "effect"
import { inProcess } from "../http.ts"
import { populate } from "../populated.ts"
import { makePortal, operatorEmail, operatorPassword, type StorageKind } from "../portal.ts"
import { password, world } from "../world.ts"
import type { Identities } from "./requests.ts"

// Limits high enough that the fuzzer reaches the body checks behind them; the limits themselves answer 429
// problems, which the adapter's route suite proves.
const generous = { limit: 1_000_000, window: Duration.hours(1) }
const rateLimits = Object.fromEntries(
  ["login", "passwordReset", "registration", "resendConfirmation", "invitation"].map((k) => [
    k,
    { perAddress: generous, perClient: generous }
  ])
)

/** A populated portal to fuzz, and fresh sessions of everyone in it on demand. */
export const fuzzTarget = async (storage: StorageKind) => {
  const portal = await makePortal({ storage, app: { rateLimits } })
  const w = world({
    target: inProcess(portal.fetch),
    mailedToken: portal.mailedToken,
    operator: { email: operatorEmail, password: operatorPassword }
  })
  const populated = await populate(w)
  const identities = async (): Promise<Identities> => {
    const tokens: Record<string, string> = {}
    for (const [holder, who] of Object.entries(populated.people)) {
      const answer = await w.api("POST", "/auth/login", {
        body: { email: who.email, password: holder === "operator" ? operatorPassword : password }
      })
      // Fuzzing may have deactivated or deleted someone: they simply drop out.
      if (answer.status === 200) tokens[holder] = answer.body.session.token
    }
    return { tokens, ids: populated.allIds, origin: "http://localhost" }
  }
  return { portal, populated, identities }
}
