/**
 * HTTP on Node: the example server (examples/node-server, libSQL file) against better-auth with its
 * organization plugin (SQLite file through the same @libsql/client), both on 127.0.0.1, both loaded by
 * autocannon with 50 connections for a bounded time, in the same run. Each workload shape runs on
 * cloudportal and then at once on better-auth, so the pair shares the machine's state.
 *
 *   pnpm --filter @cloudportal/benchmarks bench:http [-- --quick] [--workloads login,session,members,invite,orders]
 *
 * Prints figures; not a test.
 */
import { type RunningBetterAuth, startBetterAuth } from "./betterAuth/start.ts"
import {
  clientAddress,
  nodeServerMissing,
  type RunningPortal,
  type SeededDatabase,
  seedDatabase,
  signIn,
  startPortal
} from "./cloudportal/server.ts"
import { hashRates } from "./lib/hashing.ts"
import { type LoadOptions, type LoadResult, measure, type Workload } from "./lib/load.ts"
import {
  emit,
  fixed,
  int,
  isQuick,
  machineLine,
  mib,
  ms,
  ratio,
  secondsSince,
  type Table,
  type Target
} from "./lib/report.ts"

const started = performance.now()
const quick = isQuick()
// `--workloads a,b`: only these (login, session, members, invite, orders); all without it.
const workloadsArg = process.argv.indexOf("--workloads")
const selected = workloadsArg < 0 ? undefined : new Set((process.argv[workloadsArg + 1] ?? "").split(","))
const wanted = (key: string) => selected === undefined || selected.has(key)
const load: LoadOptions = { connections: 50, warmupSeconds: quick ? 1 : 2, seconds: quick ? 4 : 6 }
/**
 * The shapes both systems have run in rounds, the two sides taking turns (cloudportal first in odd rounds,
 * better-auth first in even ones): a burst of other work on a shared machine then hits both sides alike,
 * and the ratio is the median of the rounds' ratios.
 */
const rounds = quick ? 2 : 3
const roundLoad: LoadOptions = { connections: 50, warmupSeconds: 1, seconds: quick ? 3 : 4 }
// Enough accounts that rotating logins stay under the per-address limit (10 per 15 minutes).
const members = quick ? 300 : 600
const orders = 10_000
const password = "Benchmark-Passwort für beide Seiten 2026"
const log = (line: string) => process.stderr.write(`[http] ${line}\n`)

const median = (xs: ReadonlyArray<number>): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * The workload with its request numbers moved on by `base`: every round sends new emails and new client
 * addresses, so no round meets the rate limits or the invitations of an earlier one.
 */
const shifted = (w: Workload, base: number): Workload => ({
  ...w,
  path: typeof w.path === "string" ? w.path : (i) => (w.path as (i: number) => string)(base + i),
  ...(w.headersOf ? { headersOf: (i: number) => w.headersOf!(base + i) } : {}),
  ...(w.body ? { body: (i: number) => w.body!(base + i) } : {})
})

/** One workload's rounds as one result: medians of the rates and latencies, errors summed, the highest peak. */
const combined = (results: ReadonlyArray<LoadResult>): LoadResult => ({
  name: results[0]!.name,
  requestsPerSecond: median(results.map((r) => r.requestsPerSecond)),
  p50Ms: median(results.map((r) => r.p50Ms)),
  p99Ms: median(results.map((r) => r.p99Ms)),
  requests: results.reduce((n, r) => n + r.requests, 0),
  errors: results.reduce((n, r) => n + r.errors, 0),
  firstError: results.find((r) => r.firstError !== undefined)?.firstError,
  peakBytes: Math.max(...results.map((r) => r.peakBytes)),
  seconds: results.reduce((n, r) => n + r.seconds, 0)
})

const notes: Array<string> = []
const figures: Record<string, number> = {}
const targets: Array<Target> = []
const tables: Array<Table> = []

log("hash rates")
const hashes = await hashRates(quick ? 1.5 : 3, 4)

const missing = nodeServerMissing()
let database: SeededDatabase | undefined
let portal: RunningPortal | undefined
let betterAuth: RunningBetterAuth | undefined
try {
  if (!missing) {
    log(`seeding cloudportal: ${orders} orders, ${members} extra members`)
    database = await seedDatabase({ orders, members, organizations: 0 })
    notes.push(
      `cloudportal data: the demo world through the use cases, ${int(members)} members through \`AccountStore\`, ` +
        `${int(database.seeded.orders)} orders of the Kommune (one placed through \`Ordering.place\`, the rest its row copied in bulk ` +
        `through the storage layer's \`toRow\` and \`orders\` table), not over HTTP; seeded in ${fixed(database.seconds)} s, ` +
        `${mib(database.bytes)} file.`
    )
    portal = await startPortal(database)
  } else notes.push(`cloudportal side NOT RUN: ${missing}.`)
  log(`starting better-auth with ${members + 1} members`)
  betterAuth = await startBetterAuth({ users: members + 1, password, hashing: "argon2id" })

  const portalResults = new Map<string, LoadResult>()
  const betterAuthResults = new Map<string, LoadResult>()
  /** Per shape, cloudportal ÷ better-auth of each round. */
  const roundRatios = new Map<string, Array<number>>()
  const run = async (
    side: "cloudportal" | "better-auth",
    key: string,
    workload: Workload,
    options: LoadOptions = load,
    label = ""
  ) => {
    const target = side === "cloudportal" ? portal! : betterAuth!
    log(`${side}: ${workload.name}${label}`)
    const result = await measure(target.origin, workload, target.child, options)
    ;(side === "cloudportal" ? portalResults : betterAuthResults).set(key, result)
    log(`  ${int(result.requestsPerSecond)} req/s`)
    if (result.errors > 0) {
      log(`  ${result.errors} errors, first: ${result.firstError}`)
      // What the server logged about it (its 5xx answers say nothing by design).
      const logged = target.child
        .output()
        .split("\n")
        .filter((line) => /error|fail|cause/iu.test(line))
      if (logged.length > 0) log(`  server log, last lines:\n${logged.slice(-8).join("\n").slice(0, 4000)}`)
    }
    return result
  }

  const seeded = database?.seeded
  const adminToken = portal && seeded ? await signIn(portal.api, seeded.kommuneAdmin, password) : ""
  const providerToken = portal && seeded ? await signIn(portal.api, seeded.providerAdmin, password) : ""
  const bearer = { authorization: `Bearer ${adminToken}` }
  const ba = betterAuth
  const baCookie = { cookie: ba.ownerCookie }
  const baPost = { ...baCookie, origin: ba.origin }

  // --- The four shapes both systems have --------------------------------------------------------------
  const shapes: ReadonlyArray<{
    readonly key: string
    readonly label: string
    readonly portal: Workload
    readonly betterAuth: Workload
  }> = [
    {
      key: "login",
      label: "login (email + password, new session)",
      portal: {
        name: "POST /api/auth/login",
        method: "POST",
        path: "/api/auth/login",
        headersOf: (i) => ({ "x-forwarded-for": clientAddress(i) }),
        body: (i) => ({ email: seeded?.memberEmail.replace("{i}", String(i % members)), password })
      },
      betterAuth: {
        name: "POST /api/auth/sign-in/email",
        method: "POST",
        path: "/api/auth/sign-in/email",
        headers: { origin: ba.origin },
        headersOf: (i) => ({ "x-forwarded-for": clientAddress(i) }),
        body: (i) => ({ email: ba.emailOf(1 + (i % members)), password })
      }
    },
    {
      key: "session",
      label: "session-authenticated read: who am I",
      portal: { name: "GET /api/me", method: "GET", path: "/api/me", headers: bearer },
      betterAuth: {
        name: "GET /api/auth/get-session (no cookie cache)",
        method: "GET",
        path: "/api/auth/get-session",
        headers: baCookie,
        headersOf: (i) => ({ "x-forwarded-for": clientAddress(i) })
      }
    },
    {
      key: "members",
      label: `session-authenticated read: members, page of 50 of ${members + 1}`,
      portal: {
        name: "GET /api/organization/members?limit=50",
        method: "GET",
        path: "/api/organization/members?limit=50",
        headers: bearer
      },
      betterAuth: {
        name: "GET /api/auth/organization/list-members?limit=50",
        method: "GET",
        path: `/api/auth/organization/list-members?organizationId=${ba.organizationId}&limit=50`,
        headers: baCookie,
        headersOf: (i) => ({ "x-forwarded-for": clientAddress(i) })
      }
    },
    {
      key: "invite",
      label: "invite a member (new email each time)",
      portal: {
        name: "POST /api/organization/members",
        method: "POST",
        path: "/api/organization/members",
        headers: bearer,
        headersOf: (i) => ({ "x-forwarded-for": clientAddress(i) }),
        body: (i) => ({ email: `neu${i}@kommune.bench.cloudportal.test`, firstName: "Neu", lastName: `Mitglied ${i}` })
      },
      betterAuth: {
        name: "POST /api/auth/organization/invite-member",
        method: "POST",
        path: "/api/auth/organization/invite-member",
        headers: baPost,
        headersOf: (i) => ({ "x-forwarded-for": clientAddress(i) }),
        body: (i) => ({ email: `neu${i}@bench.better-auth.test`, role: "member", organizationId: ba.organizationId })
      }
    }
  ]
  for (const shape of shapes) {
    if (!wanted(shape.key)) continue
    // Both servers warm up on the shape before its rounds (code paths compiled; for invitations, the example
    // server's mail renderer loaded with the first mail its dispatcher sends): the first round would otherwise
    // pay for it on one side only. Right before the shape's own rounds, so that what a warm-up leaves behind
    // (mails to send) meets only the shape that caused it.
    const warm = { ...roundLoad, warmupSeconds: 0, seconds: 2 }
    if (portal) await run("cloudportal", "warm-up", shifted(shape.portal, 9_000_000), warm, " (warm-up)")
    await run("better-auth", "warm-up", shifted(shape.betterAuth, 9_000_000), warm, " (warm-up)")
    portalResults.delete("warm-up")
    betterAuthResults.delete("warm-up")
    const mine: Array<LoadResult> = []
    const theirs: Array<LoadResult> = []
    const ratios: Array<number> = []
    for (let round = 1; round <= rounds; round++) {
      const label = ` (round ${round} of ${rounds})`
      const base = round * 1_000_000
      const ours = async () => {
        if (portal) mine.push(await run("cloudportal", shape.key, shifted(shape.portal, base), roundLoad, label))
      }
      const others = async () => {
        theirs.push(await run("better-auth", shape.key, shifted(shape.betterAuth, base), roundLoad, label))
      }
      if (round % 2 === 1) {
        await ours()
        await others()
      } else {
        await others()
        await ours()
      }
      const a = mine.at(-1)
      const b = theirs.at(-1)
      if (a && b && a.seconds > 0) ratios.push(a.requestsPerSecond / b.requestsPerSecond)
    }
    if (mine.length > 0) portalResults.set(shape.key, combined(mine))
    betterAuthResults.set(shape.key, combined(theirs))
    roundRatios.set(shape.key, ratios)
  }

  // --- Orders: cloudportal only -------------------------------------------------------------------------
  if (portal && seeded && database && wanted("orders")) {
    const cart = { ...seeded.cart, configuration: {} }
    const ids = database.orderIds
    const steps = [
      ["startReview", "open"],
      ["confirm", "inReviewByProviderDV"],
      ["markOrdered", "confirmedByProviderDV"]
    ] as const
    const orderWorkloads: ReadonlyArray<readonly [string, Workload]> = [
      [
        "orders.list",
        {
          name: `GET /api/orders?limit=50 (${int(ids.length)} orders in the organization)`,
          method: "GET",
          path: "/api/orders?limit=50",
          headers: bearer
        }
      ],
      [
        "orders.eligibility",
        {
          name: "POST /api/orders/eligibility",
          method: "POST",
          path: "/api/orders/eligibility",
          headers: bearer,
          body: () => cart
        }
      ],
      [
        "orders.place",
        {
          name: "POST /api/orders (DV, in-house ground)",
          method: "POST",
          path: "/api/orders",
          headers: bearer,
          body: () => ({ ...cart, contractModel: "DV" })
        }
      ],
      [
        "orders.transition",
        {
          name: "POST /api/orders/:id/transitions (provider: startReview, confirm, markOrdered)",
          method: "POST",
          path: (i) => `/api/orders/${ids[i % ids.length]}/transitions`,
          headers: { authorization: `Bearer ${providerToken}` },
          body: (i) => {
            const [action, expectedStatus] = steps[Math.min(2, Math.floor(i / ids.length))]!
            return { action, expectedStatus }
          }
        }
      ]
    ]
    for (const [key, workload] of orderWorkloads) await run("cloudportal", key, workload)
  }

  // --- Tables, figures, targets ------------------------------------------------------------------------
  const cells = (r: LoadResult | undefined) =>
    r
      ? [int(r.requestsPerSecond), ms(r.p50Ms), ms(r.p99Ms), int(r.errors), mib(r.peakBytes)]
      : ["–", "–", "–", "–", "–"]
  const argon2 = hashes[0]!
  tables.push({
    title: "Same workload shapes on both systems (requests per second: higher is better)",
    columns: [
      "workload",
      "cloudportal req/s",
      "p50",
      "p99",
      "errors",
      "peak RSS",
      "better-auth req/s",
      "p50",
      "p99",
      "errors",
      "peak RSS",
      "cloudportal ÷ better-auth"
    ],
    rows: shapes.map((s) => {
      const a = portalResults.get(s.key)
      const b = betterAuthResults.get(s.key)
      const r = roundRatios.get(s.key) ?? []
      return [s.label, ...cells(a), ...cells(b), a && b && r.length > 0 ? ratio(median(r)) : "–"]
    })
  })
  if (portalResults.size > shapes.length)
    tables.push({
      title: "Orders (cloudportal only: better-auth has no such thing)",
      columns: ["workload", "req/s", "p50", "p99", "errors", "peak RSS"],
      rows: [...portalResults.entries()]
        .filter(([key]) => key.startsWith("orders."))
        .map(([, r]) => [r.name, ...cells(r)])
    })
  tables.push({
    title: "Password hashing on this machine (a login costs one verification: the ceiling of login/s)",
    columns: ["hash", "ms per hash, alone", `hashes/s, ${argon2.parallel} at once`],
    rows: hashes.map((h) => [h.name, fixed(h.singleMs, 1), int(h.perSecond)])
  })

  for (const [key, r] of portalResults) {
    figures[`cloudportal.${key}.rps`] = r.requestsPerSecond
    figures[`cloudportal.${key}.p50_ms`] = r.p50Ms
    figures[`cloudportal.${key}.p99_ms`] = r.p99Ms
    figures[`cloudportal.${key}.errors`] = r.errors
    figures[`cloudportal.${key}.peak_bytes`] = r.peakBytes
  }
  for (const [key, r] of betterAuthResults) {
    figures[`better-auth.${key}.rps`] = r.requestsPerSecond
    figures[`better-auth.${key}.p50_ms`] = r.p50Ms
    figures[`better-auth.${key}.p99_ms`] = r.p99Ms
    figures[`better-auth.${key}.errors`] = r.errors
    figures[`better-auth.${key}.peak_bytes`] = r.peakBytes
  }
  for (const h of hashes) figures[`hash.${h.name.split(" ")[0]}.per_s`] = h.perSecond

  const compare = (key: string, name: string, factor: number) => {
    const a = portalResults.get(key)
    const b = betterAuthResults.get(key)
    const r = roundRatios.get(key) ?? []
    targets.push({
      name,
      met: a && b && r.length > 0 ? median(r) >= factor : null,
      detail:
        a && b && r.length > 0
          ? `${ratio(median(r))} (median of ${r.length} rounds: ${r.map((x) => ratio(x)).join(", ")}; ${int(a.requestsPerSecond)} vs ${int(b.requestsPerSecond)} req/s)`
          : "not measured"
    })
  }
  compare("session", "cloudportal ≥ 2× better-auth: session read (GET /me vs get-session)", 2)
  compare("members", "cloudportal ≥ 2× better-auth: member list", 2)
  compare("invite", "cloudportal ≥ 2× better-auth: invitations", 2)
  compare("login", "cloudportal ≥ 1× better-auth: login, equal password-hash cost", 1)
  const all = [...portalResults.values(), ...betterAuthResults.values()]
  const failing = all.filter((r) => r.errors > 0)
  targets.push({
    name: "no errors in any HTTP workload",
    met: all.length > 0 ? failing.length === 0 : null,
    detail:
      failing.length === 0
        ? `${all.length} workloads, 0 errors`
        : failing.map((r) => `${r.name}: ${r.errors} (${r.firstError?.slice(0, 160)})`).join("; ")
  })

  notes.push(
    `Load: autocannon, ${load.connections} connections, 127.0.0.1 only. The four shapes both systems have: ${rounds} rounds, each ` +
      `${roundLoad.warmupSeconds} s warm-up then ${roundLoad.seconds} s measured per side, the sides taking turns (cloudportal first in odd rounds, ` +
      "better-auth in even ones); req/s, p50 and p99 are medians over the rounds, errors their sum, the ratio the median of the rounds' ratios. " +
      `Orders: ${load.warmupSeconds} s warm-up then ${load.seconds} s measured; ` +
      "the load generator shares the 2 cores with the server. Peak RSS: the server's VmHWM during the measured run (reset before it); both servers run under the tsx loader.",
    `Password hashing: cloudportal stores \`${database?.seeded.hashParameters ?? "–"}\` (@cloudportal/password-argon2); ` +
      `better-auth is configured with the same @node-rs/argon2 parameters and stores \`${ba.hashParameters}\`. ` +
      `Login ÷ argon2id hashes/s: cloudportal ${ratio((portalResults.get("login")?.requestsPerSecond ?? Number.NaN) / argon2.perSecond)}, ` +
      `better-auth ${ratio((betterAuthResults.get("login")?.requestsPerSecond ?? Number.NaN) / argon2.perSecond)}.`,
    "cloudportal: example server as shipped (development mode: dev mailbox, outbox dispatcher and deadline sweep in the process), " +
      "rate limits on (each request carries its own `X-Forwarded-For`, `CLOUDPORTAL_TRUST_PROXY=true`, logins rotate over the members), " +
      "Bearer session token, every invitation queues its mail in the outbox in the same transaction.",
    "better-auth 1.7.25 + organization plugin, Kysely over @libsql/client (WAL, 5 s busy timeout, as cloudportal), node:http, " +
      "session cookie cache off, rate limiter on sign-in and invitations as cloudportal's (database storage, keyed by " +
      "each request's `X-Forwarded-For`, limits too high to refuse), invitation mail a no-op. better-sqlite3 was not used: under pnpm its native build wants Node " +
      "headers from the network, which this machine cannot reach.",
    `The transitions workload walks the seeded open DV orders through startReview, confirm and markOrdered, one order per request.`,
    `machine: ${machineLine()}`
  )
} catch (error) {
  notes.push(`FAILED: ${error instanceof Error ? error.message.slice(0, 2000) : String(error)}`)
  targets.push({ name: "HTTP benchmark ran to the end", met: false, detail: "see notes" })
  process.exitCode = 1
} finally {
  await portal?.child.stop()
  await betterAuth?.stop()
  database?.remove()
}

emit({
  id: "http",
  title: "HTTP on Node: cloudportal vs. better-auth",
  tables,
  figures,
  targets,
  notes,
  seconds: secondsSince(started)
})
