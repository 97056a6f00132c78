import { type ChildProcess, spawn } from "node:child_process"
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"

const packageDir = fileURLToPath(new URL("../..", import.meta.url))
const tsxCli = createRequire(import.meta.url).resolve("tsx/cli")

/** A free TCP port on loopback: the one helper every test package uses. */
export { freePort } from "@cloudportal/storage-libsql/testing"

/** The variables the server reads; the test's own environment must not leak into the child. */
const serverVariables = /^(NODE_ENV|HOST|PORT|INIT_CWD|DATABASE_|RESEND_|CLOUDPORTAL_)/u

export interface ServerProcess {
  readonly child: ChildProcess
  readonly output: () => { readonly stdout: string; readonly stderr: string }
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>
  /** SIGKILLs the whole process group if it still runs: for cleanup after a failed test. */
  readonly kill: () => Promise<void>
}

/**
 * Starts `src/main.ts` the way `pnpm start` does (tsx with the run tsconfig), in its own process group,
 * so that cleanup reaches tsx's own child too.
 */
export const startProcess = (env: Record<string, string>): ServerProcess => {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !serverVariables.test(name)))
  const child = spawn(process.execPath, [tsxCli, "src/main.ts"], {
    cwd: packageDir,
    env: { ...inherited, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true
  })
  let stdout = ""
  let stderr = ""
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk
  })
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk
  })
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    try {
      process.kill(-(child.pid as number), "SIGKILL")
    } catch {
      // The group is gone already.
    }
    await exited
  }
  return { child, output: () => ({ stdout, stderr }), exited, kill }
}

/** Waits until the server answers `/healthz`, or fails with its output when it exits first. */
export const waitUntilReady = async (server: ServerProcess, origin: string, timeoutMs = 45_000): Promise<void> => {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (server.child.exitCode !== null)
      throw new Error(`server exited with ${server.child.exitCode}:\n${server.output().stderr}`)
    const ok = await fetch(`${origin}/healthz`).then(
      (r) => r.ok,
      () => false
    )
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`server did not become ready:\n${server.output().stdout}\n${server.output().stderr}`)
}
