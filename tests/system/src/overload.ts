import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { connect } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { defaultDemoPassword, demoAccounts } from "@cloudportal/core/demo"
import { killAll, startServer, tracked, waitUntilReady } from "./server.ts"

/**
 * Overload of the example server. First the sustainable rate is measured: a closed loop of clients, each sending its
 * next request when the last is answered, after a warm-up. Then requests arrive open loop at `factor` times that rate
 * for `seconds`, whether or not earlier ones were answered. Every check compares with figures of the same run (the
 * closed loop's rate and latency), never with how fast some machine once was: the run has to hold on a shared,
 * noisy CI machine.
 *
 * Half the requests come over a fresh connection each (`Connection: close`, as from many independent clients: Node
 * accepts one connection per loop iteration, so a busy server lets them queue in the kernel), half over the kept-alive
 * connections of `fetch` (as from a reverse proxy or a browser: many requests reach the app in one iteration).
 */

export interface OverloadOptions {
  readonly seconds: number
  readonly factor: number
  /** Clients of the closed loop that measures the sustainable rate. */
  readonly clients: number
  /** Seconds of the closed loop (default 5), after `warmUpSeconds` (default 2) that are not counted. */
  readonly measureSeconds?: number
  readonly warmUpSeconds?: number
  /** Further variables for the server, e.g. to switch its shedding off for the self-check. */
  readonly env?: Readonly<Record<string, string>>
  readonly log?: (line: string) => void
}

/** The bounds this run was held to; the absolute floors widen with the closed loop's own latency. */
export interface OverloadBounds {
  /** The 99th percentile of the served (2xx) requests' latency. */
  readonly servedP99Millis: number
  /** The longest any request waited for its answer, served or turned away. */
  readonly worstWaitMillis: number
  /** The first normal request after the overload. */
  readonly afterwardsMillis: number
  /** Served (2xx) requests per second during the overload, at least. */
  readonly servedRate: number
  readonly rssPeakMiB: number
}

export interface OverloadReport {
  readonly problems: ReadonlyArray<string>
  /** Requests per second the server answered 2xx in the closed loop. */
  readonly sustainableRate: number
  /** The closed loop's 99th percentile latency: the yardstick of this machine in this run. */
  readonly closedLoopP99: number
  readonly offeredRate: number
  readonly sent: number
  readonly answered: Readonly<Record<string, number>>
  /** Requests without a complete answer within the client's timeout (10 s), or with a broken connection. */
  readonly unanswered: number
  /** Why the unanswered ones failed: "timeout", "ECONNRESET", … */
  readonly failures: Readonly<Record<string, number>>
  /** 2xx answers per second during the overload. */
  readonly servedRate: number
  /** Latency of the served (2xx) requests. */
  readonly latencyP50: number
  readonly latencyP99: number
  /** Latency of the requests turned away (429/503). */
  readonly shedP99: number
  /** The half of the requests that came over a fresh connection each: how many were served and turned away, and how fast. */
  readonly freshConnections: {
    readonly served: number
    readonly servedP99: number
    readonly shed: number
    readonly shedP99: number
  }
  /** The longest any request waited for its answer. */
  readonly worstWaitMillis: number
  /** Answers 429/503 without a Retry-After header. */
  readonly shedWithoutRetryAfter: number
  readonly rssBeforeMiB: number
  readonly rssPeakMiB: number
  readonly rssAfterMiB: number
  /** The first normal request after the overload: its status and how long it took. */
  readonly afterwards: { readonly status: number; readonly millis: number }
  readonly bounds: OverloadBounds
}

/** Resident memory of a process and all its descendants (Linux), in MiB. */
const rssOf = (pid: number): number => {
  const own = (() => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8")
      return Number(/VmRSS:\s+(\d+)/u.exec(status)?.[1] ?? 0) / 1024
    } catch {
      return 0
    }
  })()
  let children: Array<number> = []
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/u)
      .filter(Boolean)
      .map(Number)
  } catch {
    // no children, or not Linux
  }
  return own + children.reduce((sum, child) => sum + rssOf(child), 0)
}

const percentile = (xs: ReadonlyArray<number>, p: number) => {
  if (xs.length === 0) return 0
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!
}

type Outcome =
  | { readonly status: number; readonly retryAfter: boolean; readonly millis: number }
  | { readonly failure: string; readonly millis: number }

const clientTimeoutMs = 10_000

/** One request as raw HTTP/1.1 over a connection of its own, read to its end. */
const overFreshConnection = (port: number, raw: Buffer): Promise<Outcome> =>
  new Promise((resolve) => {
    const started = performance.now()
    const chunks: Array<Buffer> = []
    let settled = false
    const settle = (outcome: Outcome) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      resolve(outcome)
    }
    const socket = connect({ host: "127.0.0.1", port, noDelay: true })
    const timer = setTimeout(() => settle({ failure: "timeout", millis: performance.now() - started }), clientTimeoutMs)
    socket.on("data", (chunk: Buffer) => chunks.push(chunk))
    socket.on("error", (error: NodeJS.ErrnoException) =>
      settle({ failure: error.code ?? error.message, millis: performance.now() - started })
    )
    socket.on("end", () => {
      const millis = performance.now() - started
      const text = Buffer.concat(chunks).toString("latin1")
      const headEnd = text.indexOf("\r\n\r\n")
      const status = /^HTTP\/1\.1 (\d{3}) /u.exec(text)
      if (headEnd < 0 || status === null) return settle({ failure: "incomplete answer", millis })
      const head = text.slice(0, headEnd).toLowerCase()
      const length = /\r\ncontent-length: *(\d+)/u.exec(head)
      const body = text.length - headEnd - 4
      const complete = length
        ? body === Number(length[1])
        : /\r\ntransfer-encoding: *chunked/u.test(head)
          ? text.endsWith("0\r\n\r\n")
          : true
      if (!complete) return settle({ failure: "incomplete answer", millis })
      settle({ status: Number(status[1]), retryAfter: head.includes("\r\nretry-after:"), millis })
    })
    socket.write(raw)
  })

/** One request with `fetch` (kept-alive connections), read to its end. */
const overPool = (request: () => Request): Promise<Outcome> => {
  const started = performance.now()
  return fetch(request(), { signal: AbortSignal.timeout(clientTimeoutMs) }).then(
    async (response) => {
      await response.arrayBuffer()
      return {
        status: response.status,
        retryAfter: response.headers.has("retry-after"),
        millis: performance.now() - started
      }
    },
    (error: { name?: string; cause?: { code?: string }; message?: string }) => ({
      failure: error.name === "TimeoutError" ? "timeout" : (error.cause?.code ?? error.message ?? String(error)),
      millis: performance.now() - started
    })
  )
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export const runOverload = async (options: OverloadOptions): Promise<OverloadReport> => {
  const log = options.log ?? (() => {})
  const measureSeconds = options.measureSeconds ?? 5
  const warmUpSeconds = options.warmUpSeconds ?? 2
  const dir = mkdtempSync(join(tmpdir(), "cloudportal-overload-"))
  const problems: Array<string> = []
  try {
    const server = tracked(await startServer({ databaseFile: join(dir, "cloudportal.db"), env: options.env ?? {} }))
    await waitUntilReady(server)
    const origin = server.origin
    const port = Number(new URL(origin).port)
    const login = await fetch(`${origin}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: demoAccounts.kommune, password: defaultDemoPassword })
    })
    if (login.status !== 200) throw new Error(`login answered ${login.status}: ${await login.text()}`)
    const token = ((await login.json()) as { session: { token: string } }).session.token
    const auth = { authorization: `Bearer ${token}` }
    const offerings = (await (await fetch(`${origin}/api/catalog/offerings?limit=200`, { headers: auth })).json()) as {
      items: ReadonlyArray<{ id: string; pricePlans: ReadonlyArray<{ id: string }> }>
    }
    // An offering the eligibility check answers 200 for (some need a configuration first).
    let cart: string | undefined
    for (const offering of offerings.items) {
      const candidate = JSON.stringify({
        offeringId: offering.id,
        pricePlanId: offering.pricePlans[0]?.id,
        quantity: 1
      })
      const answer = await fetch(`${origin}/api/orders/eligibility`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: candidate
      })
      await answer.arrayBuffer()
      if (answer.status === 200) {
        cart = candidate
        break
      }
    }
    if (cart === undefined) throw new Error("no offering of the demo world can be checked for eligibility")
    const body = cart

    // What a signed-in user does most: read the catalog and the orders, check eligibility, look at themselves.
    const routes: ReadonlyArray<{ readonly method: "GET" | "POST"; readonly path: string; readonly body?: string }> = [
      { method: "GET", path: "/api/catalog/offerings?limit=50" },
      { method: "GET", path: "/api/orders?limit=50" },
      { method: "POST", path: "/api/orders/eligibility", body },
      { method: "GET", path: "/api/me" }
    ]
    const raw = routes.map((r) =>
      Buffer.from(
        `${r.method} ${r.path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nauthorization: Bearer ${token}\r\nconnection: close\r\n` +
          (r.body === undefined
            ? "\r\n"
            : `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(r.body)}\r\n\r\n${r.body}`)
      )
    )
    const requests = routes.map(
      (r) => () =>
        new Request(`${origin}${r.path}`, {
          method: r.method,
          headers: r.body === undefined ? auth : { ...auth, "content-type": "application/json" },
          ...(r.body === undefined ? {} : { body: r.body })
        })
    )
    const send = (i: number): Promise<Outcome> =>
      Math.floor(i / routes.length) % 2 === 0
        ? overFreshConnection(port, raw[i % routes.length]!)
        : overPool(requests[i % routes.length]!)

    // 1. The sustainable rate: a closed loop after a warm-up (the server compiles its hot paths first).
    const closedLoop = async (seconds: number) => {
      let served = 0
      const latencies: Array<number> = []
      const until = performance.now() + seconds * 1000
      await Promise.all(
        Array.from({ length: options.clients }, async (_, c) => {
          for (let i = c; performance.now() < until; i++) {
            const outcome = await send(i)
            if ("status" in outcome && outcome.status < 300) {
              served++
              latencies.push(outcome.millis)
            }
          }
        })
      )
      return { rate: served / seconds, p99: percentile(latencies, 99) }
    }
    await closedLoop(warmUpSeconds)
    const measured = await closedLoop(measureSeconds)
    const sustainableRate = measured.rate
    const closedLoopP99 = measured.p99
    if (sustainableRate === 0) throw new Error("the closed loop served nothing: the run cannot be judged")
    const offeredRate = sustainableRate * options.factor
    log(
      `sustainable: ${sustainableRate.toFixed(0)} requests/s (closed loop p99 ${closedLoopP99.toFixed(0)} ms); ` +
        `offering ${offeredRate.toFixed(0)}/s for ${options.seconds} s`
    )

    const rssBeforeMiB = rssOf(server.pid)
    // The bounds: absolute floors that hold with a wide margin on a quiet machine, widened in proportion to the
    // closed loop's latency when the machine is slow or busy in this run.
    const bounds: OverloadBounds = {
      servedP99Millis: Math.max(1_000, 5 * closedLoopP99),
      worstWaitMillis: Math.max(3_000, 15 * closedLoopP99),
      afterwardsMillis: Math.max(1_000, 5 * closedLoopP99),
      // A collapse serves next to nothing; other work on a shared machine can take away half of it or more
      // between the closed loop and the overload, so the bound is loose.
      servedRate: sustainableRate / 5,
      rssPeakMiB: Math.max(2 * rssBeforeMiB, rssBeforeMiB + 256)
    }

    // 2. The overload: requests start on a fixed schedule, whether or not earlier ones were answered.
    let rssPeakMiB = rssBeforeMiB
    const sampler = setInterval(() => {
      rssPeakMiB = Math.max(rssPeakMiB, rssOf(server.pid))
    }, 250)
    const answered: Record<string, number> = {}
    const failures: Record<string, number> = {}
    const served: Array<number> = []
    const shed: Array<number> = []
    const servedFresh: Array<number> = []
    const shedFresh: Array<number> = []
    let worstWaitMillis = 0
    let shedWithoutRetryAfter = 0
    let sent = 0
    const pending: Array<Promise<void>> = []
    const startedAt = performance.now()
    const total = Math.round(offeredRate * options.seconds)
    for (let i = 0; i < total; i++) {
      const wait = startedAt + (i / offeredRate) * 1000 - performance.now()
      if (wait > 1) await sleep(wait)
      sent++
      pending.push(
        send(i).then((outcome) => {
          worstWaitMillis = Math.max(worstWaitMillis, outcome.millis)
          if ("failure" in outcome) {
            failures[outcome.failure] = (failures[outcome.failure] ?? 0) + 1
            return
          }
          answered[outcome.status] = (answered[outcome.status] ?? 0) + 1
          const fresh = Math.floor(i / routes.length) % 2 === 0
          if (outcome.status < 300) {
            served.push(outcome.millis)
            if (fresh) servedFresh.push(outcome.millis)
          } else if (outcome.status === 429 || outcome.status === 503) {
            shed.push(outcome.millis)
            if (fresh) shedFresh.push(outcome.millis)
            if (!outcome.retryAfter) shedWithoutRetryAfter++
          }
        })
      )
    }
    await Promise.all(pending)
    clearInterval(sampler)
    const rssAfterMiB = rssOf(server.pid)

    // 3. Right afterwards: one normal request, a tenth of a second after the last answer. The server lets requests
    // in again once its loop has had nothing to do for a moment; the very instant the last answer leaves it may
    // still be closing connections, and a request then would get 503 with Retry-After.
    await sleep(100)
    const after = await overPool(() => new Request(`${origin}/api/me`, { headers: auth }))
    const afterwards =
      "status" in after ? { status: after.status, millis: after.millis } : { status: 0, millis: after.millis }

    const unanswered = Object.values(failures).reduce((sum, n) => sum + n, 0)
    const servedRate = served.length / options.seconds
    const latencyP99 = percentile(served, 99)
    const ms = (x: number) => `${x.toFixed(0)} ms`

    if (server.child.exitCode !== null || server.child.signalCode !== null) problems.push("the server fell over")
    if (shed.length === 0) problems.push("nothing was shed with 429 or 503: the excess queued up instead")
    if (unanswered > 0)
      problems.push(
        `${unanswered} requests got no answer within 10 s or lost their connection: ${JSON.stringify(failures)}`
      )
    const unexpected = Object.entries(answered).filter(([status]) => !/^(2\d\d|429|503)$/u.test(status))
    if (unexpected.length > 0)
      problems.push(`answers other than 2xx, 429 and 503: ${JSON.stringify(Object.fromEntries(unexpected))}`)
    if (shedWithoutRetryAfter > 0) problems.push(`${shedWithoutRetryAfter} answers 429/503 without Retry-After`)
    if (servedRate < bounds.servedRate)
      problems.push(
        `it served ${servedRate.toFixed(0)} requests/s during the overload, less than a fifth of the sustainable ${sustainableRate.toFixed(0)}/s`
      )
    if (latencyP99 > bounds.servedP99Millis)
      problems.push(
        `p99 latency of the served requests ${ms(latencyP99)} (bound ${ms(bounds.servedP99Millis)}): they waited in a queue`
      )
    if (worstWaitMillis > bounds.worstWaitMillis)
      problems.push(`a request waited ${ms(worstWaitMillis)} for its answer (bound ${ms(bounds.worstWaitMillis)})`)
    if (rssPeakMiB > bounds.rssPeakMiB)
      problems.push(`memory grew from ${rssBeforeMiB.toFixed(0)} MiB to ${rssPeakMiB.toFixed(0)} MiB`)
    if (afterwards.status !== 200 || afterwards.millis > bounds.afterwardsMillis)
      problems.push(`right after the overload a request answered ${afterwards.status} in ${ms(afterwards.millis)}`)
    await server.kill()
    return {
      problems,
      sustainableRate,
      closedLoopP99,
      offeredRate,
      sent,
      answered,
      unanswered,
      failures,
      servedRate,
      latencyP50: percentile(served, 50),
      latencyP99,
      shedP99: percentile(shed, 99),
      freshConnections: {
        served: servedFresh.length,
        servedP99: percentile(servedFresh, 99),
        shed: shedFresh.length,
        shedP99: percentile(shedFresh, 99)
      },
      worstWaitMillis,
      shedWithoutRetryAfter,
      rssBeforeMiB,
      rssPeakMiB,
      rssAfterMiB,
      afterwards,
      bounds
    }
  } finally {
    await killAll()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The figures of a run in a few lines, for the log and for docs/RELIABILITY.md. */
export const summary = (r: OverloadReport): string => {
  const ms = (x: number) => `${x.toFixed(0)} ms`
  const mib = (x: number) => `${x.toFixed(0)} MiB`
  const statuses = Object.entries(r.answered)
    .map(([status, n]) => `${n} × ${status}`)
    .join(", ")
  return [
    `sustainable ${r.sustainableRate.toFixed(0)} requests/s (closed loop p99 ${ms(r.closedLoopP99)}); offered ${r.offeredRate.toFixed(0)}/s, ${r.sent} requests`,
    `answered: ${statuses}; unanswered: ${r.unanswered}${r.unanswered > 0 ? ` ${JSON.stringify(r.failures)}` : ""}; served ${r.servedRate.toFixed(0)}/s`,
    `served latency p50 ${ms(r.latencyP50)}, p99 ${ms(r.latencyP99)} (bound ${ms(r.bounds.servedP99Millis)}); turned away p99 ${ms(r.shedP99)}; worst wait ${ms(r.worstWaitMillis)} (bound ${ms(r.bounds.worstWaitMillis)})`,
    `over fresh connections: ${r.freshConnections.served} served (p99 ${ms(r.freshConnections.servedP99)}), ${r.freshConnections.shed} turned away (p99 ${ms(r.freshConnections.shedP99)})`,
    `resident memory ${mib(r.rssBeforeMiB)} → peak ${mib(r.rssPeakMiB)} (bound ${mib(r.bounds.rssPeakMiB)}) → ${mib(r.rssAfterMiB)} after`,
    `first request after: ${r.afterwards.status} in ${ms(r.afterwards.millis)}`,
    ...(r.problems.length === 0 ? ["no problems"] : r.problems.map((p) => `PROBLEM: ${p}`))
  ].join("\n")
}
