import type { IncomingMessage, RequestListener, Server, ServerResponse } from "node:http"
import type { Socket } from "node:net"
import { performance } from "node:perf_hooks"
import { adapterProblems, type Locale, localeOf, problemType } from "@cloudportal/adapter-hono"

/**
 * Admission control in front of the app, on Node's own request objects: a request turned away here costs a few
 * microseconds (no Web `Request`, no routing, no middleware), so the server refuses many times more requests per
 * second than it can serve, and the ones it lets in keep their latency.
 *
 * A request is turned away with 503 `Overloaded` and `Retry-After` when
 *
 * - `maxInFlight` requests are inside the app already (waiting for the database or for the password-hashing
 *   threads, which keep the loop free but hold memory), or
 * - a crowd may have waited longer than `maxQueueDelayMs` in front of the app.
 *
 * That queue is where overload piles up, and no counter of requests in the app sees it: Node (libuv) accepts one
 * connection per turn of the event loop, so while the loop is busy new connections wait in the kernel's accept
 * queue, and requests on open connections wait unread in their sockets. Node counts as idle only the time its poll
 * waits after finding nothing to accept or read; so each time that idle time grows, every one of those queues was
 * empty a moment before, and whatever waits now arrived after that. The time since bounds how long a request
 * handled now can have waited. Once it passes the budget, requests are turned away — cheaply, so the loop catches
 * up — until the loop has been idle once; then they are let in again.
 *
 * Only a crowd counts (`crowd`, 16): at least that many connections accepted since the loop was last idle, or open
 * besides those inside the app. Fewer clients that keep the loop busy (a closed loop of a dozen writers, the first
 * requests after a start-up pause or a garbage collection) wait for each other at most as long as they are many;
 * turning them away would not shorten that.
 */
export interface AdmissionOptions {
  /** Requests inside the app at once; the next one is turned away. */
  readonly maxInFlight: number
  /** The longest a request may have waited in front of the app (in milliseconds); beyond it, it is turned away. */
  readonly maxQueueDelayMs: number
  /** Seconds the client is asked to wait (`Retry-After`). */
  readonly retryAfterSeconds: number
  /**
   * How many connections make a crowd (default 16): accepted since the loop was last idle, or open besides those
   * inside the app. Fewer are a bounded client population (a dozen busy users, a small proxy pool) that waits for
   * itself, and is not turned away for waiting.
   */
  readonly crowd?: number
  /** Paths never turned away (liveness probes). */
  readonly exempt?: ReadonlySet<string>
}

export interface AdmissionStats {
  readonly admitted: number
  /** Turned away because they may have waited too long in front of the app. */
  readonly shedQueueDelay: number
  /** Turned away because `maxInFlight` requests were inside the app. */
  readonly shedInFlight: number
  readonly inFlight: number
  /** The longest the event loop was seen stuck, in milliseconds. */
  readonly worstLoopDelayMs: number
  /** Connections open now. */
  readonly openConnections: number
}

export interface Admission {
  /** Wraps the app's listener: admitted requests reach it, the others get 503 at once. */
  readonly wrap: (listener: RequestListener) => RequestListener
  /** Counts the server's connections (the crowd); call it before the server listens. */
  readonly attach: (server: Server) => void
  readonly stats: () => AdmissionStats
  /** Stops the loop monitor. */
  readonly close: () => void
}

const overloadedDetail: Record<Locale, string> = {
  de: "Zu viele Anfragen auf einmal. Bitte versuchen Sie es gleich noch einmal.",
  en: "Too many requests at once. Please try again shortly."
}

/**
 * The loop monitor's timer. Each time it runs it looks whether the loop was idle since the last time, and how late it
 * runs (the loop's longest stall, for the log). A timer due 100 times a second costs nothing measurable.
 */
const tickMs = 10

export const makeAdmission = (options: AdmissionOptions): Admission => {
  const budget = options.maxQueueDelayMs
  const crowd = options.crowd ?? 16
  const answers = (["de", "en"] as const).map((locale) => {
    const { status, title } = adapterProblems.Overloaded
    const body = Buffer.from(
      JSON.stringify({
        type: problemType("Overloaded"),
        title: title[locale],
        status,
        detail: overloadedDetail[locale],
        code: "Overloaded"
      })
    )
    const headers = {
      "content-type": "application/problem+json; charset=utf-8",
      "content-length": String(body.length),
      "retry-after": String(options.retryAfterSeconds),
      "cache-control": "no-store",
      "content-language": locale,
      "x-content-type-options": "nosniff"
    }
    return [locale, { status, body, headers }] as const
  })
  const answer = Object.fromEntries(answers) as Record<Locale, (typeof answers)[number][1]>
  const exempt = options.exempt ?? new Set<string>()
  let openConnections = 0
  let acceptedSinceDrain = 0

  let lastTick = performance.now()
  let lastIdle = performance.eventLoopUtilization().idle
  /** When the queues in front of the app were last seen empty (at the latest). */
  let drainedAt = lastTick
  let worstLoopDelayMs = 0

  // Idle time since the last look: the loop found nothing to do at some moment after `lastTick`.
  const lookForIdle = () => {
    const idle = performance.eventLoopUtilization().idle
    if (idle > lastIdle) {
      lastIdle = idle
      drainedAt = lastTick
      acceptedSinceDrain = 0
    }
  }

  const onConnection = (socket: Socket) => {
    acceptedSinceDrain++
    openConnections++
    socket.once("close", () => {
      openConnections--
    })
  }

  const timer = setInterval(() => {
    const now = performance.now()
    worstLoopDelayMs = Math.max(worstLoopDelayMs, now - lastTick - tickMs)
    lookForIdle()
    lastTick = now
  }, tickMs)
  timer.unref()

  let inFlight = 0
  let admitted = 0
  let shedQueueDelay = 0
  let shedInFlight = 0

  /** Whether a crowd may have waited longer than the budget in front of the app. */
  const crowdWaitedTooLong = () => {
    lookForIdle()
    return performance.now() - drainedAt > budget && Math.max(acceptedSinceDrain, openConnections - inFlight) >= crowd
  }

  const turnAway = (req: IncomingMessage, res: ServerResponse) => {
    const { status, body, headers } = answer[localeOf(req.headers["accept-language"])]
    res.writeHead(status, headers)
    res.end(body)
  }

  const wrap =
    (listener: RequestListener): RequestListener =>
    (req, res) => {
      if (!exempt.has(req.url?.split("?", 1)[0] ?? "")) {
        if (crowdWaitedTooLong()) {
          shedQueueDelay++
          return turnAway(req, res)
        }
        if (inFlight >= options.maxInFlight) {
          shedInFlight++
          return turnAway(req, res)
        }
      }
      admitted++
      inFlight++
      let released = false
      const release = () => {
        if (released) return
        released = true
        inFlight--
      }
      // "finish" when the answer is out; "close" also when the client went away first.
      res.once("finish", release)
      res.once("close", release)
      listener(req, res)
    }

  const attach = (server: Server) => {
    server.on("connection", onConnection)
  }

  return {
    wrap,
    attach,
    stats: () => ({
      admitted,
      shedQueueDelay,
      shedInFlight,
      inFlight,
      worstLoopDelayMs,
      openConnections
    }),
    close: () => clearInterval(timer)
  }
}
