import { parseArgs } from "node:util"
import { describeFinding, fuzz } from "../src/fuzz/fuzzer.ts"
import { fuzzTarget } from "../src/fuzz/setup.ts"
import type { StorageKind } from "../src/portal.ts"

/**
 * Fuzzing from the OpenAPI document, for long local runs: `pnpm --filter @cloudportal/system-tests fuzz --
 * --requests 200000 --storage libsql --seed 7`. Exits 1 on any finding and prints each.
 */
const { values } = parseArgs({
  // `pnpm --filter … <script> -- --flag` hands the script a leading "--".
  args: process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === "--")),
  options: {
    requests: { type: "string", default: "50000" },
    storage: { type: "string", default: "libsql" },
    seed: { type: "string", default: String(Date.now() % 1_000_000) }
  }
})

const { portal, identities } = await fuzzTarget(values.storage as StorageKind)
try {
  const started = performance.now()
  const report = await fuzz(portal, identities, { count: Number(values.requests), seed: Number(values.seed) })
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
