import { createApp } from "@cloudportal/adapter-hono"
import {
  DevCaptcha,
  Dispatcher,
  Operators,
  Ordering,
  PasswordHasher,
  ProofOfWorkCaptcha,
  Registrations,
  SecureRandom,
  useCases
} from "@cloudportal/core"
import { seedDemoWorld } from "@cloudportal/core/demo"
import { DevMailboxMailer, OrderSummaryPdf, ResendMailer } from "@cloudportal/email"
import { layer as libsql } from "@cloudportal/storage-libsql"
import { Effect, Layer, ManagedRuntime, Redacted } from "effect"
import { type Env, loadConfig, type WorkerConfig } from "./config.ts"

/** The parts of workerd's types this Worker uses (no dependency on @cloudflare/workers-types). */
export interface ExecutionContext {
  readonly waitUntil: (promise: Promise<unknown>) => void
}
export interface ScheduledController {
  readonly cron: string
  readonly scheduledTime: number
}

const mailer = (config: WorkerConfig) =>
  config.mail._tag === "Resend"
    ? ResendMailer.layer({
        apiKey: config.mail.apiKey,
        ...(config.mail.apiBaseUrl === undefined ? {} : { apiBaseUrl: config.mail.apiBaseUrl }),
        from: config.mail.from,
        ...(config.mail.replyTo === undefined ? {} : { replyTo: config.mail.replyTo }),
        publicBaseUrl: config.publicBaseUrl
      })
    : DevMailboxMailer.layer({ publicBaseUrl: config.publicBaseUrl })

/**
 * The registration's captcha. With `CLOUDPORTAL_CAPTCHA_SECRET`: proof of work (`GET /api/captcha`), stateless to
 * issue and single use through the rate-limit table in the database, so it holds across isolates; in development
 * `/api/dev/captcha` then solves a real challenge. Without it (development only): the development captcha, whose
 * challenges live in the isolate's memory.
 */
const captcha = (config: WorkerConfig) => {
  if (config.captcha._tag === "DevCaptcha") return DevCaptcha.layer
  const options = {
    secret: config.captcha.secret,
    maxNumber: config.captcha.maxNumber,
    lifetime: config.captcha.lifetime
  }
  return config.dev
    ? ProofOfWorkCaptcha.layerDev(options)
    : Layer.merge(ProofOfWorkCaptcha.layer(options), ProofOfWorkCaptcha.noDevCaptcha)
}

/**
 * Every use case, the dispatcher and its mailer over libSQL through HTTP (`@libsql/client/web` under the
 * workerd condition). Passwords: core's PBKDF2 on Web Crypto, argon2 being native code.
 */
export const workerLayer = (config: WorkerConfig) =>
  Layer.mergeAll(useCases, Dispatcher.layer()).pipe(
    Layer.provideMerge(captcha(config)),
    Layer.provideMerge(mailer(config)),
    Layer.provideMerge(libsql({ url: config.databaseUrl, authToken: config.databaseAuthToken })),
    Layer.provideMerge(
      Layer.mergeAll(
        PasswordHasher.layerWebCrypto({ iterations: config.pbkdf2Iterations }),
        OrderSummaryPdf.layer
      ).pipe(Layer.provideMerge(SecureRandom.layerWebCrypto))
    )
  )

type WorkerRuntime = ManagedRuntime.ManagedRuntime<Layer.Success<ReturnType<typeof workerLayer>>, unknown>

interface Instance {
  readonly config: WorkerConfig
  readonly runtime: WorkerRuntime
  readonly app: ReturnType<typeof createApp>
}

/**
 * One runtime per isolate, built by the first request or cron event: the database client, migrations,
 * and the first operator or the demo world. Bindings do not change within an isolate's life.
 */
let instance: Promise<Instance> | undefined

const start = async (config: WorkerConfig): Promise<Instance> => {
  const runtime: WorkerRuntime = ManagedRuntime.make(workerLayer(config))
  await runtime.runPromise(
    Effect.gen(function* () {
      if (config.operator)
        yield* Operators.use((o) =>
          o.ensure({
            email: config.operator!.email,
            firstName: "Portal",
            lastName: "Betrieb",
            password: Redacted.value(config.operator!.password)
          })
        )
      // Idempotent; isolates starting at once may both try, and the loser's failure is only logged.
      if (config.demo)
        yield* seedDemoWorld({ password: config.demo.password }).pipe(
          Effect.catch((error) => Effect.logWarning("demo world not seeded", error))
        )
    })
  )
  const app = createApp(runtime, {
    dev: config.dev,
    publicBaseUrl: config.publicBaseUrl,
    clientAddress: (c) => c.req.header("cf-connecting-ip")
  })
  return { config, runtime, app }
}

const instanceFor = (env: Env): Promise<Instance> | { readonly problems: string } => {
  const loaded = loadConfig(env)
  if (loaded._tag === "Invalid")
    return { problems: loaded.problems.map((p) => `${p.variable} ${p.message}`).join("\n") }
  instance ??= start(loaded.config).catch((error: unknown) => {
    // The next request tries again (e.g. the database was unreachable for a moment).
    instance = undefined
    throw error
  })
  return instance
}

const unsafeMethods = new Set(["POST", "PUT", "PATCH", "DELETE"])

/** Due mail, then the deadline sweep: what the cron trigger runs. */
export const scheduledWork = Effect.gen(function* () {
  const mail = yield* Dispatcher.use((d) => d.runOnce(100))
  const ordering = yield* Ordering
  const expiredOrders = yield* ordering.expireOverdue()
  const remindedOrders = yield* ordering.remindUpcomingDeadlines()
  const { expired: expiredRegistrations } = yield* Registrations.use((r) => r.expireOverdue())
  return { mail, expiredOrders, remindedOrders, expiredRegistrations }
})

const misconfigured = (problems: string) => {
  console.error(`cloudportal: invalid configuration\n${problems}`)
  return Response.json(
    { type: "about:blank", title: "Service misconfigured", status: 503, code: "ServiceMisconfigured" },
    { status: 503, headers: { "content-type": "application/problem+json" } }
  )
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const pending = instanceFor(env)
    if ("problems" in pending) return misconfigured(pending.problems)
    const { app, runtime, config } = await pending
    const response = await app.fetch(request, env)
    // A change may have queued mail: send it now instead of at the next cron tick (which stays the retry path).
    if (config.dispatchOnRequest && unsafeMethods.has(request.method))
      ctx.waitUntil(
        runtime.runPromise(
          Dispatcher.use((d) => d.runOnce(20)).pipe(
            Effect.catch((error) => Effect.logError("outbox dispatch failed", error))
          )
        )
      )
    return response
  },

  async scheduled(_controller: ScheduledController, env: Env): Promise<void> {
    const pending = instanceFor(env)
    if ("problems" in pending) {
      misconfigured(pending.problems)
      throw new Error("invalid configuration")
    }
    const { runtime } = await pending
    // A failure rejects, so the cron run shows as failed in the dashboard.
    await runtime.runPromise(scheduledWork.pipe(Effect.tap((report) => Effect.logInfo("scheduled run", report))))
  }
}
