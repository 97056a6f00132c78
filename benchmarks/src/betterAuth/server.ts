/**
 * The alternative of the HTTP benchmark: better-auth with its organization plugin on Node, on a SQLite file
 * through @libsql/client (the driver cloudportal uses too), served by node:http on 127.0.0.1.
 *
 * Started by `src/http.ts` as a child process; prints one line `ready {json}` once it listens.
 *
 * Environment: BETTER_AUTH_DB (file path), PORT, BETTER_AUTH_HASH ("argon2id" like cloudportal's Node
 * server, or "scrypt", better-auth's default), BETTER_AUTH_SEED_USERS (members of the one organization,
 * the owner included), BETTER_AUTH_PASSWORD.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { createClient } from "@libsql/client"
import { LibsqlDialect } from "@libsql/kysely-libsql"
import { hash as argon2Hash, verify as argon2Verify } from "@node-rs/argon2"
import { betterAuth } from "better-auth"
import { getMigrations } from "better-auth/db/migration"
import { toNodeHandler } from "better-auth/node"
import { organization } from "better-auth/plugins/organization"

/** The parameters of @cloudportal/password-argon2 (OWASP's minimum for argon2id), so both sides pay the same. */
export const argon2Parameters = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback
  if (value === undefined) throw new Error(`${name} is required`)
  return value
}

const file = env("BETTER_AUTH_DB")
const port = Number(env("PORT", "0"))
const hashing = env("BETTER_AUTH_HASH", "argon2id")
const users = Number(env("BETTER_AUTH_SEED_USERS", "50"))
const password = env("BETTER_AUTH_PASSWORD")

// Same settings as cloudportal's libSQL adapter: WAL journal and a 5 s busy timeout on every connection.
const client = createClient({ url: `file:${file}`, timeout: 5_000 } as Parameters<typeof createClient>[0])
await client.execute("PRAGMA journal_mode = WAL")

const server = createServer()
server.listen(port, "127.0.0.1")
await new Promise((resolve) => server.once("listening", resolve))
const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

const auth = betterAuth({
  baseURL,
  secret: "benchmark-secret-benchmark-secret-benchmark-secret",
  // kysely-libsql declares an older @libsql/client; the client object is the same shape.
  database: { dialect: new LibsqlDialect({ client: client as never }), type: "sqlite" },
  emailAndPassword: {
    enabled: true,
    autoSignIn: false,
    ...(hashing === "argon2id"
      ? {
          password: {
            hash: (plain: string) => argon2Hash(plain.normalize("NFKC"), argon2Parameters),
            verify: ({ hash, password: plain }: { hash: string; password: string }) =>
              argon2Verify(hash, plain.normalize("NFKC"))
          }
        }
      : {})
  },
  // Every session read goes to the database, as cloudportal's does.
  session: { cookieCache: { enabled: false } },
  // As cloudportal's: in the database, per client address (the load generator sends a new `X-Forwarded-For`
  // each time, to both), on sign-in and invitations only; limits too high ever to refuse.
  rateLimit: {
    enabled: true,
    storage: "database",
    window: 60,
    max: 1_000_000_000,
    customRules: {
      "/sign-in/email": { window: 60, max: 1_000_000_000 },
      "/organization/invite-member": { window: 60, max: 1_000_000_000 },
      "/get-session": false,
      "/organization/list-members": false
    }
  },
  advanced: { ipAddress: { ipAddressHeaders: ["x-forwarded-for"], ipv6Subnet: 128 } },
  telemetry: { enabled: false },
  plugins: [
    organization({
      membershipLimit: 1_000_000,
      invitationLimit: 1_000_000,
      // The mail itself is not part of the measured work on either side (cloudportal queues it in its outbox).
      sendInvitationEmail: async () => {}
    })
  ]
})

const { runMigrations } = await getMigrations(auth.options)
await runMigrations()

// Seed through better-auth's own server API (no HTTP): the owner, the organization, its members.
const emailOf = (i: number) => `user${i}@bench.better-auth.test`
for (let i = 0; i < users; i += 10)
  await Promise.all(
    Array.from({ length: Math.min(10, users - i) }, (_, j) =>
      auth.api.signUpEmail({ body: { email: emailOf(i + j), password, name: `Nutzer ${i + j}` } })
    )
  )
const owner = await auth.api.signInEmail({ body: { email: emailOf(0), password }, returnHeaders: true })
const cookie = (owner.headers.get("set-cookie") ?? "").split(";")[0] ?? ""
const created = await auth.api.createOrganization({
  body: { name: "Benchmark-Kommune", slug: "benchmark-kommune" },
  headers: new Headers({ cookie })
})
if (!created) throw new Error("organization not created")
const directory = await client.execute("SELECT id, email FROM user")
const idOf = new Map(directory.rows.map((r) => [String(r.email), String(r.id)]))
for (let i = 1; i < users; i++)
  await auth.api.addMember({ body: { userId: idOf.get(emailOf(i))!, role: "member", organizationId: created.id } })

// What the stored hashes say about their parameters (PHC for argon2id; better-auth's scrypt format has none).
const stored = String((await client.execute("SELECT password FROM account LIMIT 1")).rows[0]?.password ?? "")
const hashParameters = stored.startsWith("$")
  ? stored.split("$").slice(1, 4).join("$")
  : "scrypt N=16384 r=16 p=1 dkLen=64"

const handler = toNodeHandler(auth)
server.on("request", (req, res) => {
  if (req.url === "/healthz") {
    res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}')
    return
  }
  void handler(req, res)
})

process.stdout.write(
  `ready ${JSON.stringify({ origin: baseURL, organizationId: created.id, users, hashParameters, emailPattern: emailOf(0).replace("0", "{i}") })}\n`
)
for (const signal of ["SIGTERM", "SIGINT"] as const)
  process.on(signal, () => {
    server.close()
    client.close()
    process.exit(0)
  })
