import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { defaultDemoPassword, demoAccounts } from "@cloudportal/core/demo"
import { killAll, startServer, tracked, waitUntilReady } from "./server.ts"

/**
 * Overload of the example server: first the sustainable rate is measured (a closed loop of clients, as fast as the
 * server answers), then requests arrive at `factor` times that rate, open loop, for `seconds`. The server must shed
 * what it cannot serve with 429 or 503 instead of queueing without bound, keep its memory bounded, and serve
 * normally right afterwards.
 */

export interface OverloadOptions {
  readonly seconds: number
  readonly factor: number
  /** Clients of the closed loop that measures the sustainable rate. */
  readonly clients: number
  readonly log?: (line: string) => void
}

export interface OverloadReport {
  readonly problems: ReadonlyArray<string>
  /** Requests per second the server sustained in the closed loop. */
  readonly sustainableRate: number
  readonly offeredRate: number
  readonly sent: number
  readonly answered: Readonly<Record<string, number>>
  /** Requests without an answer within the client's timeout, or with a broken connection. */
  readonly unanswered: number
  readonly latencyP50: number
  readonly latencyP99: number
  readonly rssBeforeMiB: number
  readonly rssPeakMiB: number
  readonly rssAfterMiB: number
  /** The first normal request after the overload: its status and how long it took. */
  readonly afterwards: { readonly status: number; readonly millis: number }
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

export const runOverload = async (options: OverloadOptions): Promise<OverloadReport> => {
  const log = options.log ?? (() => {})
  const dir = mkdtempSync(join(tmpdir(), "cloudportal-overload-"))
  const problems: Array<string> = []
  try {
    const server = tracked(await startServer({ databaseFile: join(dir, "cloudportal.db") }))
    await waitUntilReady(server)
    const origin = server.origin
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`${origin}/api${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body)
      })
    const login = await (
      await post("/auth/login", { email: demoAccounts.kommune, password: defaultDemoPassword })
    ).json()
    const token = login.session.token as string
    const auth = { authorization: `Bearer ${token}` }
    const offerings = await (await fetch(`${origin}/api/catalog/offerings?limit=200`, { headers: auth })).json()
    const offering = offerings.items[0]
    const cart = { offeringId: offering.id, pricePlanId: offering.pricePlans[0].id, quantity: 1 }

    // What a signed-in user does most: read the catalog and the orders, check eligibility.
    const mix: ReadonlyArray<(signal: AbortSignal) => Promise<Response>> = [
      (signal) => fetch(`${origin}/api/catalog/offerings?limit=50`, { headers: auth, signal }),
      (signal) => fetch(`${origin}/api/orders?limit=50`, { headers: auth, signal }),
      (signal) =>
        fetch(`${origin}/api/orders/eligibility`, {
          method: "POST",
          headers: { ...auth, "content-type": "application/json" },
          body: JSON.stringify(cart),
          signal
        }),
      (signal) => fetch(`${origin}/api/me`, { headers: auth, signal })
    ]

    // 1. The sustainable rate: a closed loop, each client sending its next request when the last is answered.
    let done = 0
    const measureUntil = performance.now() + 5_000
    await Promise.all(
      Array.from({ length: options.clients }, async (_, c) => {
        for (let i = c; performance.now() < measureUntil; i++) {
          const r = await mix[i % mix.length]!(AbortSignal.timeout(10_000))
          await r.arrayBuffer()
          if (r.ok) done++
        }
      })
    )
    const sustainableRate = done / 5
    const offeredRate = sustainableRate * options.factor
    log(
      `sustainable: ${sustainableRate.toFixed(0)} requests/s; offering ${offeredRate.toFixed(0)}/s for ${options.seconds} s`
    )

    // 2. The overload: requests start on a fixed schedule, whether or not earlier ones were answered.
    const rssBeforeMiB = rssOf(server.pid)
    let rssPeakMiB = rssBeforeMiB
    const sampler = setInterval(() => {
      rssPeakMiB = Math.max(rssPeakMiB, rssOf(server.pid))
    }, 250)
    const answered: Record<string, number> = {}
    const latencies: Array<number> = []
    let unanswered = 0
    let sent = 0
    const inFlight: Array<Promise<void>> = []
    const startedAt = performance.now()
    const total = Math.round(offeredRate * options.seconds)
    for (let i = 0; i < total; i++) {
      const due = startedAt + (i / offeredRate) * 1000
      const wait = due - performance.now()
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait))
      sent++
      const t = performance.now()
      inFlight.push(
        mix[i % mix.length]!(AbortSignal.timeout(10_000)).then(
          async (r) => {
            await r.arrayBuffer()
            latencies.push(performance.now() - t)
            answered[r.status] = (answered[r.status] ?? 0) + 1
          },
          () => {
            unanswered++
          }
        )
      )
    }
    await Promise.all(inFlight)
    clearInterval(sampler)
    const rssAfterMiB = rssOf(server.pid)

    // 3. Right afterwards: one normal request.
    const t = performance.now()
    const after = await fetch(`${origin}/api/me`, { headers: auth, signal: AbortSignal.timeout(10_000) }).then(
      async (r) => {
        await r.arrayBuffer()
        return r.status
      },
      () => 0
    )
    const afterwards = { status: after, millis: performance.now() - t }

    if (server.child.exitCode !== null || server.child.signalCode !== null) problems.push("the server fell over")
    const shed = (answered[429] ?? 0) + (answered[503] ?? 0)
    if (shed === 0) problems.push("nothing was shed with 429 or 503: the excess queued up instead")
    if (unanswered > 0) problems.push(`${unanswered} requests got no answer within 10 s`)
    const p99 = percentile(latencies, 99)
    if (p99 > 2_000) problems.push(`p99 latency ${p99.toFixed(0)} ms: requests waited in an unbounded queue`)
    if (rssPeakMiB > Math.max(2 * rssBeforeMiB, rssBeforeMiB + 256))
      problems.push(`memory grew from ${rssBeforeMiB.toFixed(0)} MiB to ${rssPeakMiB.toFixed(0)} MiB`)
    if (afterwards.status !== 200 || afterwards.millis > 1_000)
      problems.push(
        `right after the overload a request answered ${afterwards.status} in ${afterwards.millis.toFixed(0)} ms`
      )
    await server.kill()
    return {
      problems,
      sustainableRate,
      offeredRate,
      sent,
      answered,
      unanswered,
      latencyP50: percentile(latencies, 50),
      latencyP99: p99,
      rssBeforeMiB,
      rssPeakMiB,
      rssAfterMiB,
      afterwards
    }
  } finally {
    await killAll()
    rmSync(dir, { recursive: true, force: true })
  }
}
