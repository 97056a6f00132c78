import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { AuditLog, verifyChain } from "@cloudportal/core"
import { defaultDemoPassword, demoAccounts } from "@cloudportal/core/demo"
import { layer as libsqlLayer } from "@cloudportal/storage-libsql"
import { createClient } from "@libsql/client"
import { Effect, ManagedRuntime } from "effect"
import { type MailCapture, startMailCapture, tokensIn } from "./capture.ts"
import { killAll, type ServerProcess, startServer, tracked, waitUntilReady } from "./server.ts"

/**
 * Crash and recovery of the example server: concurrent order placement, order transitions and invitations, the
 * process killed with SIGKILL at random moments and restarted on the same database. Every request answered 2xx
 * before a kill must be there after the restart; at the end the database passes `PRAGMA integrity_check`, every
 * audit chain verifies, the outbox drains, and no mail goes out twice (the Resend stand-in counts idempotency keys).
 */

export interface CrashOptions {
  readonly kills: number
  /** Concurrent clients per kind of work. */
  readonly concurrency: number
  /** How long the load runs before a kill: a random moment in this range (ms). */
  readonly killAfter: readonly [number, number]
  readonly seed: number
  readonly log?: (line: string) => void
  /** For the check of the check: after the first kill the database is replaced by an empty one. */
  readonly sabotage?: "wipeDatabase"
}

export interface CrashReport {
  readonly problems: ReadonlyArray<string>
  readonly kills: number
  readonly ordersAcknowledged: number
  readonly transitionsAcknowledged: number
  readonly invitationsAcknowledged: number
  /** Requests that were in flight at a kill and turned out committed after the restart. */
  readonly committedWithoutAnswer: number
  readonly mailsCaptured: number
  /** Mails sent again under the same key after a kill interrupted the first sending (Resend delivers once). */
  readonly repeatedKeysAfterKill: number
  readonly auditEvents: number
  readonly restartMillis: ReadonlyArray<number>
}

/** A small deterministic generator: the run is reproducible from its seed, the timing aside. */
const random = (seed: number) => {
  let s = (seed ^ 0x9e3779b9) >>> 0 || 1
  const next = () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return (s >>> 0) / 2 ** 32
  }
  for (let i = 0; i < 8; i++) next()
  return next
}

const nextStep: Readonly<Record<string, readonly [string, string] | undefined>> = {
  open: ["startReview", "inReviewByProviderDV"],
  inReviewByProviderDV: ["confirm", "confirmedByProviderDV"],
  confirmedByProviderDV: ["markOrdered", "ordered"]
}
const rejectable = new Set(["open", "inReviewByProviderDV"])

interface OrderEntry {
  acked: string
  attempted: Set<string>
  busy: boolean
}

const api = async (
  origin: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; signal?: AbortSignal } = {}
) => {
  const headers: Record<string, string> = { accept: "application/json" }
  if (options.token) headers.authorization = `Bearer ${options.token}`
  if (options.body !== undefined) headers["content-type"] = "application/json"
  const response = await fetch(`${origin}/api${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    signal: options.signal ?? AbortSignal.timeout(20_000)
  })
  const text = await response.text()
  // biome-ignore lint/suspicious/noExplicitAny: answers are read field by field
  let body: any = text
  try {
    body = text === "" ? undefined : JSON.parse(text)
  } catch {
    // kept as text
  }
  return { status: response.status, body, text }
}

export const runCrash = async (options: CrashOptions): Promise<CrashReport> => {
  const log = options.log ?? (() => {})
  const rnd = random(options.seed)
  const dir = mkdtempSync(join(tmpdir(), "cloudportal-crash-"))
  const databaseFile = join(dir, "cloudportal.db")
  const problems: Array<string> = []
  const orders = new Map<string, OrderEntry>()
  const invitations = new Map<string, string>()
  const sessionSecrets = new Set<string>()
  const restartMillis: Array<number> = []
  let transitionsAcknowledged = 0
  let committedWithoutAnswer = 0
  let capture: MailCapture | undefined
  let server: ServerProcess | undefined
  let life = 0

  const start = async () => {
    life++
    capture!.setLife(life)
    server = tracked(
      await startServer({
        databaseFile,
        env: {
          RESEND_API_KEY: "re_system_test",
          RESEND_BASE_URL: capture!.baseUrl,
          CLOUDPORTAL_MAIL_FROM: "Cloud-Service-Portal <noreply@portal.system-test>"
        }
      })
    )
    restartMillis.push(await waitUntilReady(server))
    return server.origin
  }

  try {
    capture = await startMailCapture()
    let origin = await start()
    const login = async (email: string) => {
      const answer = await api(origin, "POST", "/auth/login", { body: { email, password: defaultDemoPassword } })
      if (answer.status !== 200) throw new Error(`login ${email}: ${answer.status} ${answer.text}`)
      const token = answer.body.session.token as string
      sessionSecrets.add(token.slice(token.indexOf(".") + 1))
      return token
    }
    // Sessions live in the database: the same tokens work after every restart.
    const customer = await login(demoAccounts.kommune)
    const provider = await login(demoAccounts.providerB)
    const providerOrg = (await api(origin, "GET", "/me", { token: provider })).body.organization.id as string
    const offerings = await api(origin, "GET", "/catalog/offerings?limit=200", { token: customer })
    const free = (
      offerings.body.items as ReadonlyArray<{
        id: string
        providerId: string
        pricePlans: ReadonlyArray<{ _tag: string; id: string }>
      }>
    ).find((o) => o.providerId === providerOrg && o.pricePlans.some((p) => p._tag === "Free"))
    if (!free) throw new Error("the demo world has no free offering of provider B")
    const cart = {
      offeringId: free.id,
      pricePlanId: free.pricePlans.find((p) => p._tag === "Free")!.id,
      quantity: 1,
      contractModel: "DV"
    }

    for (let round = 1; round <= options.kills; round++) {
      const stop = new AbortController()
      const running = () => !stop.signal.aborted
      const guard = async (work: () => Promise<void>) => {
        while (running()) {
          try {
            await work()
          } catch (error) {
            // Connection reset, refused or aborted: the server died under the request; its outcome is unknown.
            const network =
              error instanceof Error &&
              (error.name === "AbortError" ||
                error.name === "TimeoutError" ||
                /fetch failed|terminated|socket|ECONN/u.test(`${error.message} ${String(error.cause)}`))
            if (!network)
              problems.push(`the load itself failed: ${error instanceof Error ? error.stack : String(error)}`)
            if (running()) await new Promise((resolve) => setTimeout(resolve, 20))
          }
        }
      }
      const placing = async () => {
        const answer = await api(origin, "POST", "/orders", { token: customer, body: cart, signal: stop.signal })
        if (answer.status === 201) orders.set(answer.body.id, { acked: "open", attempted: new Set(), busy: false })
        else if (running()) problems.push(`placing an order answered ${answer.status}: ${answer.text.slice(0, 200)}`)
      }
      const deciding = async () => {
        const candidates = [...orders].filter(([, o]) => !o.busy && nextStep[o.acked] !== undefined)
        if (candidates.length === 0) return new Promise<void>((resolve) => setTimeout(resolve, 10))
        const [id, entry] = candidates[Math.floor(rnd() * candidates.length)]!
        const reject = rejectable.has(entry.acked) && rnd() < 0.1
        const [action, to] = reject
          ? (["reject", "rejectedByProviderDV"] as const)
          : (nextStep[entry.acked] as readonly [string, string])
        entry.busy = true
        entry.attempted.add(to)
        try {
          const answer = await api(origin, "POST", `/orders/${id}/transitions`, {
            token: provider,
            body: { action, expectedStatus: entry.acked, ...(reject ? { reason: "Kontingent erschöpft" } : {}) },
            signal: stop.signal
          })
          if (answer.status === 200) {
            entry.acked = answer.body.status
            entry.attempted.clear()
            transitionsAcknowledged++
          } else if (running()) problems.push(`a transition answered ${answer.status}: ${answer.text.slice(0, 200)}`)
        } finally {
          entry.busy = false
        }
      }
      const inviting = async () => {
        const email = `crash-${options.seed}-${round}-${invitations.size}-${Math.floor(rnd() * 1e9)}@kommune.system-test`
        const answer = await api(origin, "POST", "/organization/members", {
          token: customer,
          body: { email, firstName: "Clara", lastName: "Crash" },
          signal: stop.signal
        })
        if (answer.status === 201) invitations.set(answer.body.id, email)
        // Mail is rate-limited per client (DOMAIN §11): long runs reach the limit, which is no failure.
        else if (answer.status === 429) await new Promise((resolve) => setTimeout(resolve, 500))
        else if (running()) problems.push(`an invitation answered ${answer.status}: ${answer.text.slice(0, 200)}`)
      }
      const workers = [
        ...Array.from({ length: options.concurrency }, () => guard(placing)),
        ...Array.from({ length: options.concurrency }, () => guard(deciding)),
        guard(inviting)
      ]
      const [min, max] = options.killAfter
      await new Promise((resolve) => setTimeout(resolve, min + rnd() * (max - min)))
      await server!.kill()
      stop.abort()
      await Promise.all(workers)
      log(
        `kill ${round}: ${orders.size} orders, ${transitionsAcknowledged} transitions, ${invitations.size} invitations acknowledged so far`
      )
      if (options.sabotage === "wipeDatabase" && round === 1)
        for (const suffix of ["", "-wal", "-shm"]) rmSync(`${databaseFile}${suffix}`, { force: true })

      origin = await start()
      // Everything acknowledged is there; what was in flight is either there or not, never half.
      for (const [id, entry] of orders) {
        const answer = await api(origin, "GET", `/orders/${id}`, { token: customer })
        if (answer.status !== 200) {
          problems.push(`after kill ${round}: acknowledged order ${id} answers ${answer.status}`)
          continue
        }
        const status = answer.body.status as string
        if (status !== entry.acked && !entry.attempted.has(status))
          problems.push(`after kill ${round}: order ${id} is ${status}, acknowledged ${entry.acked}`)
        if (status !== entry.acked) committedWithoutAnswer++
        entry.acked = status
        entry.attempted.clear()
      }
      for (const [id, email] of invitations) {
        const answer = await api(origin, "GET", `/organization/members/${id}`, { token: customer })
        if (answer.status !== 200 || answer.body.email !== email)
          problems.push(`after kill ${round}: acknowledged invitation ${id} answers ${answer.status}`)
      }
      const all = await api(origin, "GET", "/orders?scope=organization&limit=200", { token: customer })
      if (all.status !== 200) problems.push(`after kill ${round}: the customer's orders answer ${all.status}`)
      else
        for (const o of all.body.items as ReadonlyArray<{ id: string; status: string; offering?: { id: string } }>)
          if (!orders.has(o.id) && o.offering?.id === free.id) {
            committedWithoutAnswer++
            orders.set(o.id, { acked: o.status, attempted: new Set(), busy: false })
          }
      if (problems.length > 0) break
    }

    // The outbox drains: every mail of every life goes out, none twice.
    const db = createClient({ url: `file:${databaseFile}` })
    try {
      const pending = async () =>
        Number((await db.execute("SELECT count(*) AS n FROM outbox_messages WHERE status = 'pending'")).rows[0]!.n)
      const deadline = performance.now() + 60_000
      while ((await pending()) > 0 && performance.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 200))
      if ((await pending()) > 0) problems.push(`the outbox did not drain: ${await pending()} mails still pending`)
    } finally {
      db.close()
    }
    const code = await server!.terminate()
    if (code !== 0)
      problems.push(`the final SIGTERM ended the server with ${code}: ${server!.output().stderr.slice(-500)}`)

    // The database after everything: intact, chains whole, outbox and mail service agree.
    const check = createClient({ url: `file:${databaseFile}` })
    let auditEvents = 0
    try {
      const integrity = (await check.execute("PRAGMA integrity_check")).rows.map((r) => String(Object.values(r)[0]))
      if (integrity.join() !== "ok") problems.push(`PRAGMA integrity_check: ${integrity.join("; ")}`)
      const foreign = await check.execute("PRAGMA foreign_key_check")
      if (foreign.rows.length > 0) problems.push(`PRAGMA foreign_key_check: ${foreign.rows.length} rows`)
      const outbox = await check.execute("SELECT id, status, notification FROM outbox_messages")
      const captured = new Map(capture.mails().map((m) => [m.key, m]))
      for (const row of outbox.rows) {
        const id = String(row.id)
        if (row.status !== "sent") problems.push(`outbox message ${id} ended ${row.status}`)
        else if (!captured.has(id))
          problems.push(`outbox message ${id} is marked sent but never reached the mail service`)
      }
      const known = new Set(outbox.rows.map((r) => String(r.id)))
      for (const key of captured.keys()) if (!known.has(key)) problems.push(`a mail with unknown key ${key} went out`)
      if (capture.withoutKey() > 0) problems.push(`${capture.withoutKey()} mails without an idempotency key`)
      // A key twice within one life of the server is a mail sent twice; across a kill it is the retry Resend absorbs.
      const seen = new Map<string, Set<number>>()
      let repeats = 0
      for (const r of capture.requests()) {
        const lives = seen.get(r.key) ?? new Set()
        if (lives.has(r.life)) problems.push(`mail ${r.key} sent twice in one life of the server`)
        else if (lives.size > 0) repeats++
        lives.add(r.life)
        seen.set(r.key, lives)
      }
      // Secrets at rest: no link token of any mail, no password, no session token in the database's content.
      const tables = await check.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
      const dump: Array<string> = []
      for (const t of tables.rows)
        for (const r of (await check.execute(`SELECT * FROM "${String(t.name)}"`)).rows)
          dump.push(Object.values(r).join("\u0001"))
      const content = dump.join("\n")
      const secrets = [...capture.mails().flatMap((m) => tokensIn(m.text)), ...sessionSecrets, defaultDemoPassword]
      const leaked = secrets.filter((s) => content.includes(s))
      if (leaked.length > 0) problems.push(`${leaked.length} secrets in clear in the database`)
      auditEvents = Number((await check.execute("SELECT count(*) AS n FROM audit_events")).rows[0]!.n)

      const runtime = ManagedRuntime.make(libsqlLayer({ url: `file:${databaseFile}`, migrate: false }))
      try {
        const chains = (await check.execute("SELECT DISTINCT chain FROM audit_events")).rows.map((r) => String(r.chain))
        for (const chain of chains) {
          const verdict = await runtime.runPromise(
            Effect.gen(function* () {
              const events = yield* AuditLog.use((a) => a.list(chain, { afterSequence: 0, limit: 10_000_000 }))
              return yield* verifyChain(events)
            })
          )
          if (!verdict.ok) problems.push(`audit chain ${chain} breaks at ${verdict.brokenAt}`)
        }
      } finally {
        await runtime.dispose()
      }
      return {
        problems,
        kills: options.kills,
        ordersAcknowledged: orders.size,
        transitionsAcknowledged,
        invitationsAcknowledged: invitations.size,
        committedWithoutAnswer,
        mailsCaptured: captured.size,
        repeatedKeysAfterKill: repeats,
        auditEvents,
        restartMillis
      }
    } finally {
      check.close()
    }
  } finally {
    await killAll()
    await capture?.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
