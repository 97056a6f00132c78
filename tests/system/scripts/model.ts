import { parseArgs } from "node:util"
import fc from "fast-check"
import { outcomes } from "../src/model/model.ts"
import { modelProperty } from "../src/model/run.ts"
import type { StorageKind } from "../src/portal.ts"

/**
 * The whole-system model, for long local runs: `pnpm --filter @cloudportal/system-tests model -- --runs 5000
 * --storage libsql --seed 42`. Prints how often each command met each answer.
 */
const { values } = parseArgs({
  // `pnpm --filter … <script> -- --flag` hands the script a leading "--".
  args: process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === "--")),
  options: {
    runs: { type: "string", default: "1000" },
    storage: { type: "string", default: "memory" },
    seed: { type: "string" }
  }
})

const storage = values.storage as StorageKind
const started = performance.now()
await fc.assert(modelProperty(storage), {
  numRuns: Number(values.runs),
  ...(values.seed === undefined ? {} : { seed: Number(values.seed) })
})
process.stdout.write(
  `${JSON.stringify({ storage, runs: Number(values.runs), seconds: Math.round((performance.now() - started) / 1000), outcomes: Object.fromEntries([...outcomes].sort()) }, null, 2)}\n`
)
