/**
 * One HTTP workload under load: autocannon with a fixed number of connections for a bounded time, against
 * 127.0.0.1 only, after an untimed warm-up. Reports requests per second, latency, every non-2xx answer and
 * transport error, and the server's peak memory during the measured run.
 */
import autocannon from "autocannon"
import type { RunningChild } from "./child.ts"

export interface Workload {
  readonly name: string
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"
  /** Path and query; `(i) => …` to vary it per request (i counts every request of the workload). */
  readonly path: string | ((i: number) => string)
  readonly headers?: Record<string, string>
  /** Headers that vary per request, merged over `headers`. */
  readonly headersOf?: (i: number) => Record<string, string>
  readonly body?: (i: number) => unknown
}

export interface LoadResult {
  readonly name: string
  readonly requestsPerSecond: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly requests: number
  /** Non-2xx answers, transport errors and time-outs: must be 0. */
  readonly errors: number
  /** One failing answer, to say what went wrong. */
  readonly firstError: string | undefined
  readonly peakBytes: number
  readonly seconds: number
}

export interface LoadOptions {
  readonly connections: number
  readonly warmupSeconds: number
  readonly seconds: number
}

const loopback = (origin: string) => {
  const host = new URL(origin).hostname
  if (host !== "127.0.0.1" && host !== "localhost" && host !== "[::1]")
    throw new Error(`load is only ever sent to the loopback interface, not ${host}`)
}

const once = (origin: string, workload: Workload, counter: { i: number }, seconds: number, connections: number) => {
  let firstError: string | undefined
  const request: autocannon.Request = {
    method: workload.method,
    path: typeof workload.path === "string" ? workload.path : "/",
    setupRequest: (req) => {
      const i = counter.i++
      const body = workload.body?.(i)
      return {
        ...req,
        path: typeof workload.path === "string" ? workload.path : workload.path(i),
        headers: {
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...workload.headers,
          ...workload.headersOf?.(i)
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) })
      }
    },
    onResponse: (status, body) => {
      if ((status < 200 || status > 299) && firstError === undefined) firstError = `${status} ${body.slice(0, 300)}`
    }
  }
  return autocannon({ url: origin, connections, duration: seconds, requests: [request] }).then((result) => ({
    result,
    firstError
  }))
}

/**
 * Waits until the server has worked off what an earlier run left in flight (autocannon drops its connections
 * at the end, the server still finishes their requests): `GET /healthz` must answer fast three times in a row.
 */
const settle = async (origin: string): Promise<void> => {
  const until = performance.now() + 60_000
  let fast = 0
  while (fast < 3 && performance.now() < until) {
    const t0 = performance.now()
    const response = await fetch(`${origin}/healthz`)
    await response.arrayBuffer()
    fast = performance.now() - t0 < 20 ? fast + 1 : 0
    if (fast === 0) await new Promise((r) => setTimeout(r, 50))
  }
}

export const measure = async (
  origin: string,
  workload: Workload,
  server: RunningChild,
  options: LoadOptions
): Promise<LoadResult> => {
  loopback(origin)
  const counter = { i: 0 }
  await settle(origin)
  if (options.warmupSeconds > 0) await once(origin, workload, counter, options.warmupSeconds, options.connections)
  await settle(origin)
  server.resetPeak()
  const { result, firstError } = await once(origin, workload, counter, options.seconds, options.connections)
  const errors = result.non2xx + result.errors + result.timeouts
  return {
    name: workload.name,
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors,
    firstError:
      firstError ?? (errors > 0 ? `${result.errors} transport errors, ${result.timeouts} time-outs` : undefined),
    peakBytes: server.peakBytes(),
    seconds: result.duration
  }
}

/**
 * Workloads one request at a time, timed in this process with sub-millisecond resolution: the time a request
 * takes by itself, without the queue that many connections build on few cores. With several targets the
 * requests take turns (one to each, then the next round), so a burst of other work on a shared machine
 * lands on every target alike and their ratio stays fair.
 */
export const measureAlone = async (
  targets: ReadonlyArray<{ readonly origin: string; readonly workload: Workload }>,
  requests: number
): Promise<
  ReadonlyArray<{ readonly samplesMs: Array<number>; readonly errors: number; readonly firstError: string | undefined }>
> => {
  for (const t of targets) {
    loopback(t.origin)
    await settle(t.origin)
  }
  const results = targets.map(() => ({
    samplesMs: [] as Array<number>,
    errors: 0,
    firstError: undefined as string | undefined
  }))
  for (let i = 0; i < requests; i++)
    for (const [k, { origin, workload }] of targets.entries()) {
      const result = results[k]!
      const body = workload.body?.(i)
      const t0 = performance.now()
      const response = await fetch(`${origin}${typeof workload.path === "string" ? workload.path : workload.path(i)}`, {
        method: workload.method,
        headers: {
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...workload.headers,
          ...workload.headersOf?.(i)
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) })
      })
      const text = await response.text()
      result.samplesMs.push(performance.now() - t0)
      if (!response.ok) {
        result.errors++
        result.firstError ??= `${response.status} ${text.slice(0, 300)}`
      }
    }
  return results
}
