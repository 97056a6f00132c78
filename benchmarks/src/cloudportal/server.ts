/**
 * The example server (examples/node-server) as the system under test: a seeded temporary database, the
 * server as a child process on 127.0.0.1, and signed-in sessions to load it with.
 */
import { execFile } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { answers, freePort, type RunningChild, startChild } from "../lib/child.ts"
import type { Seeded } from "./seed.ts"

const benchmarks = dirname(dirname(dirname(fileURLToPath(import.meta.url))))
export const nodeServerDirectory = join(benchmarks, "..", "examples", "node-server")
const nodeServerMain = join(nodeServerDirectory, "src", "main.ts")

/** Why the server cannot be benchmarked here, if it cannot. */
export const nodeServerMissing = (): string | undefined =>
  existsSync(nodeServerMain) ? undefined : "examples/node-server/src/main.ts does not exist yet"

export interface SeedOptions {
  readonly orders: number
  readonly members: number
  readonly organizations: number
}

export interface SeededDatabase {
  readonly directory: string
  readonly file: string
  readonly seeded: Seeded
  readonly orderIds: ReadonlyArray<string>
  readonly seconds: number
  readonly bytes: number
  readonly remove: () => void
}

/** Seeds a fresh database file in a temporary folder (see seed.ts), in a child process of its own. */
export const seedDatabase = async (options: SeedOptions): Promise<SeededDatabase> => {
  const directory = mkdtempSync(join(tmpdir(), "cloudportal-bench-db-"))
  const file = join(directory, "cloudportal.db")
  const out = join(directory, "seed.json")
  const t0 = performance.now()
  const seeding = promisify(execFile)(
    process.execPath,
    [
      "--import",
      "tsx",
      join(benchmarks, "src", "cloudportal", "seed.ts"),
      "--db",
      file,
      "--out",
      out,
      "--orders",
      String(options.orders),
      "--members",
      String(options.members),
      "--organizations",
      String(options.organizations)
    ],
    { cwd: benchmarks, maxBuffer: 64 * 2 ** 20 }
  )
  await seeding.catch((error: unknown) => {
    rmSync(directory, { recursive: true, force: true })
    throw error
  })
  const seconds = (performance.now() - t0) / 1000
  const seeded = JSON.parse(readFileSync(out, "utf8")) as Seeded
  const orderIds = readFileSync(seeded.orderIdsFile, "utf8").split("\n")
  const { size } = statSync(file)
  return {
    directory,
    file,
    seeded,
    orderIds,
    seconds,
    bytes: size,
    remove: () => rmSync(directory, { recursive: true, force: true })
  }
}

export interface RunningPortal {
  readonly origin: string
  readonly api: string
  readonly child: RunningChild
}

/** The example server on the seeded file; the per-client limits see each request's `X-Forwarded-For`. */
export const startPortal = async (
  database: SeededDatabase,
  options: { readonly nodeArgs?: ReadonlyArray<string> } = {}
): Promise<RunningPortal> => {
  const port = await freePort()
  const origin = `http://127.0.0.1:${port}`
  const child = await startChild({
    script: nodeServerMain,
    ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
    cwd: nodeServerDirectory,
    env: {
      NODE_ENV: "development",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: `file:${database.file}`,
      CLOUDPORTAL_DEMO_PASSWORD: database.seeded.password,
      CLOUDPORTAL_TRUST_PROXY: "true",
      // Load shedding off (better-auth sheds nothing): it would turn away part of a 50-connection load on 2
      // cores, and requests of a finished warm-up, still being worked off when the measured run opens its
      // connections, count as in flight. The benchmark measures throughput.
      CLOUDPORTAL_MAX_QUEUE_DELAY: "60 seconds",
      CLOUDPORTAL_MAX_IN_FLIGHT: "100000"
    },
    ready: () => answers(`${origin}/healthz`)
  })
  return { origin, api: `${origin}/api`, child }
}

/** Signs in over HTTP and returns the session token (used as `Authorization: Bearer`). */
export const signIn = async (api: string, email: string, password: string): Promise<string> => {
  const attempt = () =>
    fetch(`${api}/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "2001:db8:ffff::1" },
      body: JSON.stringify({ email, password })
    })
  let response = await attempt()
  // A server just started may still shed (503 with Retry-After) while it warms up.
  for (let tries = 0; response.status === 503 && tries < 10; tries++) {
    await response.arrayBuffer()
    await new Promise((resolve) => setTimeout(resolve, 500))
    response = await attempt()
  }
  const body = (await response.json()) as { session?: { token?: string } }
  if (!response.ok || !body.session?.token)
    throw new Error(`login of ${email} failed: ${response.status} ${JSON.stringify(body)}`)
  return body.session.token
}

/**
 * A distinct client address per request, from the IPv6 documentation prefix (RFC 3849): only a header
 * value, never an address anything is sent to.
 */
export const clientAddress = (i: number): string => `2001:db8::${(i >>> 16).toString(16)}:${(i & 0xffff).toString(16)}`
