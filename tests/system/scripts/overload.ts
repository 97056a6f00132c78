import { parseArgs } from "node:util"
import { runOverload } from "../src/overload.ts"
import { killAll } from "../src/server.ts"

/**
 * Overload, from the command line: `pnpm --filter @cloudportal/system-tests overload -- --seconds 30 --factor 2`.
 * Exits 1 unless the server sheds the excess with 429/503, keeps its memory bounded and serves normally afterwards.
 */
const { values } = parseArgs({
  // `pnpm --filter … <script> -- --flag` hands the script a leading "--".
  args: process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === "--")),
  options: {
    seconds: { type: "string", default: "30" },
    factor: { type: "string", default: "2" },
    clients: { type: "string", default: "8" }
  }
})

process.once("SIGINT", () => {
  void killAll().then(() => process.exit(130))
})

const report = await runOverload({
  seconds: Number(values.seconds),
  factor: Number(values.factor),
  clients: Number(values.clients),
  log: (line) => process.stdout.write(`${line}\n`)
})
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
process.exit(report.problems.length === 0 ? 0 : 1)
