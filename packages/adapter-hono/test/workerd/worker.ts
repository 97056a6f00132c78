import {
  AuthenticationPolicyRef,
  defaultAuthenticationPolicy,
  Operators,
  Outbox,
  platformDefaults,
  useCases
} from "@cloudportal/core"
import { layer as libsql } from "@cloudportal/storage-libsql"
import { Clock, DateTime, Duration, Effect, Layer, ManagedRuntime } from "effect"
import { Hono } from "hono"
import { createApp } from "../../src/index.ts"
import type { LinkKind } from "../harness.ts"
import { shiftableClock } from "../memoryHarness.ts"
import { portalHeader } from "./protocol.ts"

/**
 * The TEST Worker of the route suite in workerd: the app over every use case, storage on a real libSQL server
 * through `@libsql/client/web`, core's Web-standard platform defaults (PBKDF2 on Web Crypto, plain-text order
 * summary; the PDF renderer has its own workerd test in @cloudportal/email). Each test gets its own portal
 * (its own database, clock and runtime), created through `/__test/portals`; a request names its portal in the
 * `x-test-portal` header. The `/__test` routes are the harness's hooks and exist only in this Worker.
 */
export interface Env {
  /** PBKDF2 rounds: a few for tests, which hash dozens of passwords. */
  readonly PBKDF2_ITERATIONS: string
}

const portalLayer = (databaseUrl: string, iterations: number, clock: Clock.Clock) =>
  useCases.pipe(
    Layer.provideMerge(libsql({ url: databaseUrl })),
    Layer.provideMerge(platformDefaults({ passwordHashing: { iterations } })),
    Layer.provideMerge(
      Layer.mergeAll(
        Layer.succeed(Clock.Clock)(clock),
        // „Passwort vergessen“ answers at once here; the deliberate delay is core's rule, tested in core.
        Layer.succeed(AuthenticationPolicyRef)({
          ...defaultAuthenticationPolicy,
          passwordResetResponseTime: Duration.zero
        })
      )
    )
  )

type PortalRuntime = ManagedRuntime.ManagedRuntime<Layer.Success<ReturnType<typeof portalLayer>>, unknown>

interface Portal {
  readonly runtime: PortalRuntime
  readonly app: ReturnType<typeof createApp>
  readonly offset: { millis: number }
}

const portals = new Map<string, Portal>()
let opened = 0

const portalOf = (id: string): Portal => {
  const portal = portals.get(id)
  if (!portal) throw new Error(`no portal ${id}`)
  return portal
}

const hooks = new Hono<{ Bindings: Env }>()
  .basePath("/__test")
  .post("/portals", async (c) => {
    const { databaseUrl } = await c.req.json<{ databaseUrl: string }>()
    const { clock, offset } = shiftableClock()
    const runtime: PortalRuntime = ManagedRuntime.make(portalLayer(databaseUrl, Number(c.env.PBKDF2_ITERATIONS), clock))
    // Builds the layer now: connects and migrates the fresh database before the first test request.
    await runtime.runPromise(Effect.void).catch(async (error: unknown) => {
      await runtime.dispose()
      throw error
    })
    const id = `portal-${++opened}`
    portals.set(id, { runtime, app: createApp(runtime, { dev: true }), offset })
    return c.json({ id }, 201)
  })
  .delete("/portals/:id", async (c) => {
    const portal = portals.get(c.req.param("id"))
    portals.delete(c.req.param("id"))
    await portal?.runtime.dispose()
    return c.body(null, 204)
  })
  .post("/portals/:id/operators", async (c) => {
    const { email, password } = await c.req.json<{ email: string; password: string }>()
    await portalOf(c.req.param("id")).runtime.runPromise(
      Operators.use((o) => o.ensure({ email, password, firstName: "Olga", lastName: "Betrieb" }))
    )
    return c.json({ email }, 201)
  })
  .get("/portals/:id/link-token", async (c) => {
    const email = (c.req.query("email") ?? "").toLowerCase()
    const kind = c.req.query("kind") as LinkKind
    // Nothing dispatches in this Worker, so every message sent stays pending in the outbox.
    const messages = await portalOf(c.req.param("id")).runtime.runPromise(
      Effect.gen(function* () {
        const far = DateTime.add(yield* DateTime.now, { days: 3650 })
        return yield* Outbox.use((o) => o.due(far, 100_000))
      })
    )
    const found = messages.filter((m) => m.notification._tag === kind && m.notification.recipient === email).at(-1)
    if (!found || !("token" in found.notification)) return c.json({ error: `no ${kind} mailed to ${email}` }, 404)
    return c.json({ token: found.notification.token })
  })
  .post("/portals/:id/clock", async (c) => {
    const { advanceMillis } = await c.req.json<{ advanceMillis: number }>()
    portalOf(c.req.param("id")).offset.millis += advanceMillis
    return c.body(null, 204)
  })
  .onError((error, c) => c.json({ error: error instanceof Error ? error.message : String(error) }, 500))

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url)
    if (url.pathname.startsWith("/__test/")) return hooks.fetch(request, env)
    const id = request.headers.get(portalHeader)
    const portal = id === null ? undefined : portals.get(id)
    if (!portal) return new Response(`unknown portal ${id}`, { status: 421 })
    return portal.app.fetch(request, env)
  }
}
