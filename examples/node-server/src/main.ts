import { banner } from "./banner.ts"
import { formatProblems, loadConfig } from "./config.ts"

// pnpm runs scripts inside the package folder; INIT_CWD is where the person typed the command.
const loaded = loadConfig(process.env, process.env.INIT_CWD ?? process.cwd())
if (loaded._tag === "Invalid") {
  process.stderr.write(`${formatProblems(loaded.problems)}\n`)
  process.exit(1)
}
const config = loaded.config

// Loaded only now, so that a bad configuration is reported without loading the whole portal first.
const { startServer } = await import("./server.ts")
const running = await startServer(config).catch((error: unknown) => {
  process.stderr.write(`cloudportal: Start fehlgeschlagen / could not start: ${describe(error)}\n`)
  process.exit(1)
})
process.stdout.write(`${banner(config, running)}\n`)

let signalled = false
const shutdown = (signal: NodeJS.Signals) => {
  if (signalled) {
    process.stderr.write(`cloudportal: ${signal} again, stopping at once\n`)
    process.exit(1)
  }
  signalled = true
  process.stdout.write(`cloudportal: ${signal} received, shutting down\n`)
  running.stop().then(
    () => {
      process.stdout.write("cloudportal: stopped\n")
      process.exit(0)
    },
    (error: unknown) => {
      process.stderr.write(`cloudportal: shutdown failed: ${describe(error)}\n`)
      process.exit(1)
    }
  )
}
process.on("SIGINT", shutdown)
process.on("SIGTERM", shutdown)

function describe(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === "object" && error !== null && "_tag" in error) return JSON.stringify(error)
  return String(error)
}
