import { parseArgs } from "node:util"
import { runCrash } from "../src/crash.ts"
import { killAll } from "../src/server.ts"

/**
 * Crash and recovery, from the command line: `pnpm --filter @cloudportal/system-tests crash -- --kills 20`.
 * Exits 1 when anything acknowledged was lost or the database, the audit chains or the outbox disagree.
 */
const { values } = parseArgs({
  // `pnpm --filter … <script> -- --flag` hands the script a leading "--".
  args: process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === "--")),
  options: {
    kills: { type: "string", default: "3" },
    concurrency: { type: "string", default: "4" },
    "kill-after-min": { type: "string", default: "800" },
    "kill-after-max": { type: "string", default: "3000" },
    seed: { type: "string", default: String(Date.now() % 1_000_000) }
  }
})

process.once("SIGINT", () => {
  void killAll().then(() => process.exit(130))
})

const started = performance.now()
const report = await runCrash({
  kills: Number(values.kills),
  concurrency: Number(values.concurrency),
  killAfter: [Number(values["kill-after-min"]), Number(values["kill-after-max"])],
  seed: Number(values.seed),
  log: (line) => process.stdout.write(`${line}\n`)
})
process.stdout.write(
  `${JSON.stringify({ seed: Number(values.seed), seconds: Math.round((performance.now() - started) / 1000), ...report }, null, 2)}\n`
)
process.exit(report.problems.length === 0 ? 0 : 1)
