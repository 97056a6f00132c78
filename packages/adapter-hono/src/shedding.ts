import type { MiddlewareHandler } from "hono"
import { adapterProblemResponse } from "./runtime.ts"

/**
 * Load shedding by work in progress, Web-standard (Node, workerd, Bun): at most `maxInFlight` requests inside this
 * app instance at once; the next one answers 503 `Overloaded` with `Retry-After` at once instead of waiting in a
 * queue without bound. The first middleware, so that a request turned away costs almost nothing.
 *
 * It counts only requests that reached the app. On Node the queue that grows under overload lies in front of it
 * (connections not yet accepted, requests not yet read); the example node server guards that with its own
 * admission control before Hono (`examples/node-server/src/admission.ts`), and this limit is the line behind.
 */
export const loadShedding = (maxInFlight: number): MiddlewareHandler => {
  if (maxInFlight === Number.POSITIVE_INFINITY) return async (_c, next) => next()
  let inFlight = 0
  return async (c, next) => {
    if (inFlight >= maxInFlight) {
      const response = adapterProblemResponse(
        c,
        "Overloaded",
        "Zu viele gleichzeitige Anfragen, bitte gleich erneut versuchen / too many requests in flight, retry shortly"
      )
      response.headers.set("retry-after", "1")
      return response
    }
    inFlight++
    try {
      await next()
    } finally {
      inFlight--
    }
  }
}
