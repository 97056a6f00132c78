/**
 * Starting this server as a child process, for tests that need the real thing: the node server's own tests
 * (`test/`) and the system tests (crash, overload). Not part of the server; `@cloudportal/example-node-server/testing`.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"
import { freePort } from "@cloudportal/storage-libsql/testing"

/** This package: `pnpm start` runs `tsx src/main.ts` there. */
const packageDir = fileURLToPath(new URL("..", import.meta.url))
const tsxCli = createRequire(import.meta.url).resolve("tsx/cli")

/** The variables the server reads: the caller's own environment must not leak into the child. */
const serverVariables = /^(NODE_ENV|HOST|PORT|INIT_CWD|DATABASE_|RESEND_|CLOUDPORTAL_)/u

/** Output kept per stream: enough for any failure message, bounded for long runs under load. */
const outputKept = 200_000

export interface ServerProcess {
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string
  readonly pid: number
  readonly child: ChildProcess
  readonly output: () => { readonly stdout: string; readonly stderr: string }
  /** Resolves with the exit code, or the signal that ended it. */
  readonly exited: Promise<number | NodeJS.Signals | null>
  /** SIGKILLs the whole process group (tsx and the server under it) and waits for the exit. */
  readonly kill: () => Promise<void>
  /** SIGTERM, then the exit code (a graceful stop). */
  readonly terminate: () => Promise<number | NodeJS.Signals | null>
}

export interface ServerOptions {
  /** Default: a free port. */
  readonly port?: number | undefined
  /** The server's variables (`DATABASE_URL`, mail, …); `HOST` and `PORT` are set unless given here. */
  readonly env?: Readonly<Record<string, string>> | undefined
}

/**
 * Starts the server as `pnpm start` does (tsx over `src/main.ts`) on loopback, in its own process group so that
 * a kill reaches tsx's child too. Returns at once; `waitUntilReady` waits for it to answer.
 */
export const startServer = async (options: ServerOptions = {}): Promise<ServerProcess> => {
  const port = options.port ?? (await freePort())
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !serverVariables.test(name)))
  const child = spawn(process.execPath, [tsxCli, "src/main.ts"], {
    cwd: packageDir,
    env: { ...inherited, HOST: "127.0.0.1", PORT: String(port), ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true
  })
  let stdout = ""
  let stderr = ""
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout = (stdout + chunk).slice(-outputKept)
  })
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-outputKept)
  })
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal))
  )
  const running = () => child.exitCode === null && child.signalCode === null
  return {
    origin: `http://127.0.0.1:${port}`,
    pid: child.pid as number,
    child,
    output: () => ({ stdout, stderr }),
    exited,
    kill: async () => {
      if (running())
        try {
          process.kill(-(child.pid as number), "SIGKILL")
        } catch {
          // The group is gone already.
        }
      await exited
    },
    terminate: async () => {
      if (running()) child.kill("SIGTERM")
      return exited
    }
  }
}

/**
 * Waits until the server answers `/healthz` and returns how long that took, or fails with its output when it
 * exits first or does not answer in time.
 */
export const waitUntilReady = async (server: ServerProcess, timeoutMs = 60_000): Promise<number> => {
  const started = performance.now()
  while (performance.now() - started < timeoutMs) {
    if (server.child.exitCode !== null || server.child.signalCode !== null)
      throw new Error(`server exited (${server.child.exitCode ?? server.child.signalCode}):\n${server.output().stderr}`)
    const ok = await fetch(`${server.origin}/healthz`).then(
      (r) => r.ok,
      () => false
    )
    if (ok) return performance.now() - started
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`server did not become ready:\n${server.output().stdout}\n${server.output().stderr}`)
}
