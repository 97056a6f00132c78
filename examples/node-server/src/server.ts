import { mkdirSync } from "node:fs"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { dirname, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { createApp } from "@cloudportal/adapter-hono"
import { Operators } from "@cloudportal/core"
import { type DemoWorld, seedDemoWorld } from "@cloudportal/core/demo"
import { getRequestListener } from "@hono/node-server"
import { getConnInfo } from "@hono/node-server/conninfo"
import { Duration, Effect, Fiber, ManagedRuntime, Queue, Redacted } from "effect"
import { type Admission, makeAdmission } from "./admission.ts"
import { dispatchLoop, sweepLoop } from "./background.ts"
import type { ServerConfig } from "./config.ts"
import { serverLayer } from "./layers.ts"

export interface RunningServer {
  /** The origin the server answers on, e.g. `http://127.0.0.1:8787`. */
  readonly origin: string
  readonly port: number
  /** Set when the demo world is seeded (development); `created` is false when it was there already. */
  readonly demo: DemoWorld | undefined
  /**
   * Stops accepting connections, lets requests in flight finish (at most `shutdownTimeout`), lets the
   * dispatcher finish the mail in flight, then closes the database. Calling it again returns the same promise.
   */
  readonly stop: () => Promise<void>
}

/** SQLite creates the database file but not its folder. */
const ensureDatabaseFolder = (url: string) => {
  if (!url.startsWith("file:")) return
  const path = url.startsWith("file://") ? fileURLToPath(url.split("?")[0] as string) : resolve(url.slice(5))
  mkdirSync(dirname(path), { recursive: true })
}

const unsafeMethods = new Set(["POST", "PUT", "PATCH", "DELETE"])

const listen = (server: Server, host: string, port: number, backlog: number) =>
  new Promise<Server>((resolveServer, reject) => {
    server.once("error", reject)
    server.listen({ host, port, backlog }, () => resolveServer(server))
  })

/** `server.close` waits for every connection; idle keep-alive ones are closed as they turn idle. */
const closeServer = (server: Server, timeout: Duration.Duration) =>
  new Promise<void>((resolveClosed) => {
    const idle = setInterval(() => server.closeIdleConnections(), 50)
    const force = setTimeout(() => server.closeAllConnections(), Duration.toMillis(timeout))
    server.close(() => {
      clearInterval(idle)
      clearTimeout(force)
      resolveClosed()
    })
    server.closeIdleConnections()
  })

/** Every 10 s in which requests were turned away: one line for the operator, who may need another instance. */
const reportShedding = (admission: Admission) => {
  let reported = admission.stats()
  const timer = setInterval(() => {
    const now = admission.stats()
    const waited = now.shedQueueDelay - reported.shedQueueDelay
    const crowded = now.shedInFlight - reported.shedInFlight
    if (waited + crowded > 0)
      process.stderr.write(
        `cloudportal: überlastet / overloaded: ${waited + crowded} requests answered 503 in 10 s ` +
          `(${waited} waited too long, ${crowded} beyond the in-flight limit; ${now.admitted - reported.admitted} served)\n`
      )
    reported = now
  }, 10_000)
  timer.unref()
  return timer
}

/**
 * Migrates the database, seeds the demo world or the first operator, starts the dispatcher and the deadline
 * sweep, and serves the API under `/api`. Resolves once the server listens.
 */
export const startServer = async (config: ServerConfig): Promise<RunningServer> => {
  ensureDatabaseFolder(config.databaseUrl)
  const runtime = ManagedRuntime.make(serverLayer(config))
  try {
    // Builds every layer: opens the database and applies the migrations.
    await runtime.runPromise(Effect.void)
    // Seeding reads its own confirmation mails from the outbox, so it runs before the dispatcher starts.
    const demo = config.demo ? await runtime.runPromise(seedDemoWorld({ password: config.demo.password })) : undefined
    if (config.operator)
      await runtime.runPromise(
        Operators.use((o) =>
          o.ensure({
            email: config.operator!.email,
            firstName: "Portal",
            lastName: "Betrieb",
            password: Redacted.value(config.operator!.password)
          })
        )
      )

    const wake = await runtime.runPromise(Queue.sliding<void>(1))
    const dispatcher = runtime.runFork(dispatchLoop(config.dispatchInterval, wake))
    const sweeper = runtime.runFork(sweepLoop(config.sweepInterval))

    const app = createApp(runtime, {
      dev: !config.production,
      ...(config.publicBaseUrl === undefined ? {} : { publicBaseUrl: config.publicBaseUrl }),
      trustProxy: config.trustProxy,
      maxInFlight: config.maxInFlight,
      clientAddress: (c) => getConnInfo(c).remote.address
    })
    const fetch = async (request: Request, env: unknown) => {
      const { pathname } = new URL(request.url)
      if (pathname === "/healthz") return Response.json({ status: "ok" })
      if (pathname === "/") return Response.redirect(new URL("/api/docs", request.url), 302)
      const response = await app.fetch(request, env)
      // A change may have queued mail: let the dispatcher look now rather than at its next tick.
      if (unsafeMethods.has(request.method)) Queue.offerUnsafe(wake, undefined)
      return response
    }
    // Admission control before Hono: what it turns away costs next to nothing (see admission.ts). The adapter's
    // own `maxInFlight` stays as the line behind it.
    const admission = makeAdmission({
      maxInFlight: config.maxInFlight,
      maxQueueDelayMs: Duration.toMillis(config.maxQueueDelay),
      retryAfterSeconds: 1,
      exempt: new Set(["/healthz"])
    })
    const server = createServer(admission.wrap(getRequestListener(fetch, { hostname: config.host })))
    admission.attach(server)
    await listen(server, config.host, config.port, config.listenBacklog)
    const overloadLog = reportShedding(admission)
    const { port } = server.address() as AddressInfo
    const host = config.host.includes(":") ? `[${config.host}]` : config.host

    let stopping: Promise<void> | undefined
    const stop = () => {
      stopping ??= (async () => {
        await closeServer(server, config.shutdownTimeout)
        clearInterval(overloadLog)
        admission.close()
        await runtime.runPromise(Effect.all([Fiber.interrupt(dispatcher), Fiber.interrupt(sweeper)]))
        await runtime.dispose()
      })()
      return stopping
    }
    return { origin: `http://${host}:${port}`, port, demo, stop }
  } catch (error) {
    await runtime.dispose()
    throw error
  }
}
