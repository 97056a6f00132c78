import { type ChildProcess, spawn } from "node:child_process"
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"
import { freePort } from "@cloudportal/storage-libsql/testing"

/** The example server's package: `pnpm start` runs `tsx src/main.ts` there. */
const serverDir = fileURLToPath(new URL("../../../examples/node-server/", import.meta.url))
const tsxCli = createRequire(import.meta.url).resolve("tsx/cli")

export { freePort }

/** The variables the server reads: the caller's own environment must not leak into the child. */
const serverVariables = /^(NODE_ENV|HOST|PORT|INIT_CWD|DATABASE_|RESEND_|CLOUDPORTAL_)/u

export interface ServerProcess {
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
  /** The database file; the server creates it and its folder. */
  readonly databaseFile: string
  readonly port?: number
  /** Further variables, e.g. the mail transport. */
  readonly env?: Readonly<Record<string, string>>
}

/**
 * Starts the example server as `pnpm start` does (tsx over `src/main.ts`) on loopback, in its own process group
 * so that a kill reaches tsx's child too.
 */
export const startServer = async (options: ServerOptions): Promise<ServerProcess> => {
  const port = options.port ?? (await freePort())
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !serverVariables.test(name)))
  const child = spawn(process.execPath, [tsxCli, "src/main.ts"], {
    cwd: serverDir,
    env: {
      ...inherited,
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: options.databaseFile,
      CLOUDPORTAL_DISPATCH_INTERVAL: "1 second",
      ...options.env
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true
  })
  let stdout = ""
  let stderr = ""
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout = (stdout + chunk).slice(-200_000)
  })
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-200_000)
  })
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal))
  )
  const running = () => child.exitCode === null && child.signalCode === null
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), signal)
    } catch {
      // The group is gone already.
    }
  }
  return {
    origin: `http://127.0.0.1:${port}`,
    pid: child.pid as number,
    child,
    output: () => ({ stdout, stderr }),
    exited,
    kill: async () => {
      if (running()) signalGroup("SIGKILL")
      await exited
    },
    terminate: async () => {
      if (running()) child.kill("SIGTERM")
      return exited
    }
  }
}

/** Waits until the server answers `/healthz`, or fails with its output when it exits first. */
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

/** Every child this process started, so that an interrupted run stops them too. */
const children = new Set<ServerProcess>()

export const tracked = (server: ServerProcess): ServerProcess => {
  children.add(server)
  void server.exited.then(() => children.delete(server))
  return server
}

export const killAll = async () => {
  for (const child of [...children]) await child.kill()
}
