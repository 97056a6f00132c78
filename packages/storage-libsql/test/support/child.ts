import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"

const packageRoot = fileURLToPath(new URL("../..", import.meta.url))

/** Runs a TypeScript file of this package in its own Node process (through tsx); its stdout. */
export const runScript = (script: string, args: ReadonlyArray<string>) =>
  Effect.callback<string, Error>((resume) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
      cwd: packageRoot,
      stdio: ["ignore", "pipe", "pipe"]
    })
    let out = ""
    let err = ""
    child.stdout.on("data", (chunk) => (out += chunk))
    child.stderr.on("data", (chunk) => (err += chunk))
    child.once("exit", (code) =>
      resume(code === 0 ? Effect.succeed(out) : Effect.fail(new Error(`${script} exited ${code}: ${err}`)))
    )
    return Effect.sync(() => child.kill("SIGKILL"))
  })
