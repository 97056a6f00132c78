/** better-auth (server.ts) as a child process on a temporary SQLite file, with its owner signed in. */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { freePort, type RunningChild, startChild } from "../lib/child.ts"

const here = dirname(fileURLToPath(import.meta.url))

export interface RunningBetterAuth {
  readonly origin: string
  readonly api: string
  readonly organizationId: string
  readonly hashParameters: string
  readonly emailOf: (i: number) => string
  /** The owner's session cookie, `better-auth.session_token=…`. */
  readonly ownerCookie: string
  readonly child: RunningChild
  readonly stop: () => Promise<void>
}

export const startBetterAuth = async (options: {
  readonly users: number
  readonly password: string
  readonly hashing: "argon2id" | "scrypt"
}): Promise<RunningBetterAuth> => {
  const directory = mkdtempSync(join(tmpdir(), "better-auth-bench-"))
  const child = await startChild({
    script: join(here, "server.ts"),
    cwd: dirname(dirname(here)),
    env: {
      NODE_ENV: "development",
      BETTER_AUTH_DB: join(directory, "better-auth.db"),
      PORT: String(await freePort()),
      BETTER_AUTH_HASH: options.hashing,
      BETTER_AUTH_SEED_USERS: String(options.users),
      BETTER_AUTH_PASSWORD: options.password
    },
    ready: (output) => /^ready /mu.test(output),
    timeoutMs: 300_000
  })
  const line = child
    .output()
    .split("\n")
    .find((l) => l.startsWith("ready "))!
  const ready = JSON.parse(line.slice("ready ".length)) as {
    origin: string
    organizationId: string
    hashParameters: string
    emailPattern: string
  }
  const api = `${ready.origin}/api/auth`
  const emailOf = (i: number) => ready.emailPattern.replace("{i}", String(i))
  const response = await fetch(`${api}/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ready.origin },
    body: JSON.stringify({ email: emailOf(0), password: options.password })
  })
  await response.arrayBuffer()
  const ownerCookie = (response.headers.get("set-cookie") ?? "").split(";")[0] ?? ""
  if (!response.ok || !ownerCookie) throw new Error(`better-auth sign-in failed: ${response.status}`)
  return {
    origin: ready.origin,
    api,
    organizationId: ready.organizationId,
    hashParameters: ready.hashParameters,
    emailOf,
    ownerCookie,
    child,
    stop: async () => {
      await child.stop()
      rmSync(directory, { recursive: true, force: true })
    }
  }
}
