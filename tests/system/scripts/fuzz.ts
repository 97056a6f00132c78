import { parseArgs } from "node:util"
import { Duration } from "effect"
import { describeFinding, fuzz } from "../src/fuzz/fuzzer.ts"
import { inProcess } from "../src/http.ts"
import { populate } from "../src/populated.ts"
import { makePortal, operatorEmail, operatorPassword, type StorageKind } from "../src/portal.ts"
import { password, world } from "../src/world.ts"

/**
 * Fuzzing from the OpenAPI document, for long local runs: `pnpm --filter @cloudportal/system-tests fuzz --
 * --requests 200000 --storage libsql --seed 7`. Exits 1 on any finding and prints each.
 */
const { values } = parseArgs({
  allowPositionals: true,
  options: {
    requests: { type: "string", default: "50000" },
    storage: { type: "string", default: "libsql" },
    seed: { type: "string", default: String(Date.now() % 1_000_000) }
  }
})

const generous = { limit: 1_000_000, window: Duration.hours(1) }
const rateLimits = Object.fromEntries(
  ["login", "passwordReset", "registration", "resendConfirmation", "invitation"].map((k) => [
    k,
    { perAddress: generous, perClient: generous }
  ])
)
const portal = await makePortal({ storage: values.storage as StorageKind, app: { rateLimits } })
try {
  const w = world({
    target: inProcess(portal.fetch),
    mailedToken: portal.mailedToken,
    operator: { email: operatorEmail, password: operatorPassword }
  })
  const populated = await populate(w)
  const started = performance.now()
  const report = await fuzz(
    portal,
    async () => {
      const tokens: Record<string, string> = {}
      for (const [holder, who] of Object.entries(populated.people)) {
        const answer = await w.api("POST", "/auth/login", {
          body: { email: who.email, password: holder === "operator" ? operatorPassword : password }
        })
        if (answer.status === 200) tokens[holder] = answer.body.session.token
      }
      return { tokens, ids: populated.allIds, origin: "http://localhost" }
    },
    { count: Number(values.requests), seed: Number(values.seed) }
  )
  for (const f of report.findings) process.stdout.write(`${describeFinding(f)}\n`)
  process.stdout.write(
    `${JSON.stringify(
      {
        seed: Number(values.seed),
        seconds: Math.round((performance.now() - started) / 1000),
        sent: report.sent,
        findings: report.findings.length,
        byStatus: Object.fromEntries(report.byStatus),
        byMutation: Object.fromEntries(report.byMutation)
      },
      null,
      2
    )}\n`
  )
  process.exitCode = report.findings.length === 0 ? 0 : 1
} finally {
  await portal.close()
}
