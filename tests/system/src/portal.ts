import { type AppOptions, createApp } from "@cloudportal/adapter-hono"
import {
  AuditLog,
  type AuthenticationPolicy,
  AuthenticationPolicyRef,
  type CoreServices,
  Dispatcher,
  defaultAuthenticationPolicy,
  eventHash,
  layerCoreMemory,
  MailCapture,
  Mailer,
  Operators,
  Outbox,
  type OutboxMessage,
  platformDefaults,
  portalChain,
  useCases,
  verifyChain
} from "@cloudportal/core"
import { LibsqlDatabase, layer as libsqlLayer } from "@cloudportal/storage-libsql"
import type { Client } from "@libsql/client"
import { Clock, DateTime, Duration, Effect, Layer, ManagedRuntime } from "effect"

/** The kinds of link a portal mails, by the notification that carries the token. */
export type LinkKind = "RegistrationConfirmationLink" | "Invitation" | "PasswordResetLink"

export const operatorEmail = "betrieb@portal.system-test"
export const operatorPassword = "ein-langes-betreiber-passwort-fuer-systemtests"

/**
 * The instant every in-process portal starts at, so that date-bound rules (the procurement thresholds' validity,
 * deadlines across month ends) do not change with the day the tests run; time then passes as it really does.
 */
export const portalEpoch = "2026-11-27T09:00:00.000Z"

/** A clock the tests move forward (deadlines, session lifetimes); sleeping stays real. */
const shiftableClock = () => {
  const real = Clock.Clock.defaultValue()
  const offset = { millis: Date.parse(portalEpoch) - real.currentTimeMillisUnsafe() }
  const now = () => real.currentTimeMillisUnsafe() + offset.millis
  const clock: Clock.Clock = {
    currentTimeMillisUnsafe: now,
    currentTimeMillis: Effect.sync(now),
    currentTimeNanosUnsafe: () => BigInt(now()) * 1_000_000n,
    currentTimeNanos: Effect.sync(() => BigInt(now()) * 1_000_000n),
    monotonicTimeNanosUnsafe: () => real.monotonicTimeNanosUnsafe(),
    monotonicTimeNanos: Effect.sync(() => real.monotonicTimeNanosUnsafe()),
    sleep: (d) => real.sleep(d)
  }
  return { clock, offset }
}

export type StorageKind = "memory" | "libsql"

export interface PortalOptions {
  /** `memory`: core's memory layers; `libsql`: the libSQL adapter on `url` (default `:memory:`). */
  readonly storage: StorageKind
  readonly url?: string
  readonly app?: AppOptions
  /** Overrides of core's authentication policy; here the „Passwort vergessen" padding is off unless given. */
  readonly authentication?: Partial<AuthenticationPolicy>
  /** PBKDF2 iterations of the password hasher; few by default, the tests are not about hashing cost. */
  readonly hashIterations?: number
}

/** Mail goes out through core's dispatcher to a capturing mailer (like Resend: one delivery per idempotency key). */
export interface MailDelivery {
  /** Sends everything due; returns how many were sent. */
  readonly drain: () => Promise<number>
  /** Every message delivered so far, with its link secret still in it. */
  readonly delivered: () => Promise<ReadonlyArray<OutboxMessage>>
}

/**
 * One whole portal in this process: every use case of core over memory or libSQL storage, behind the Hono app,
 * with the test hooks a deployment does not have (mailed tokens, a movable clock, the audit log, the database).
 */
export interface Portal {
  readonly storage: StorageKind
  readonly app: ReturnType<typeof createApp>
  readonly runtime: ManagedRuntime.ManagedRuntime<CoreServices, unknown>
  /** The libSQL client (libSQL portals only). */
  readonly client: Client | undefined
  readonly fetch: (request: Request) => Promise<Response>
  readonly mail: MailDelivery
  /** The newest token of that kind mailed to the address (from the outbox: no dispatcher runs here). */
  readonly mailedToken: (email: string, kind: LinkKind) => Promise<string>
  /** Every token of that kind ever mailed to the address, oldest first. */
  readonly mailedTokens: (email: string, kind: LinkKind) => Promise<ReadonlyArray<string>>
  readonly advanceTime: (duration: Duration.Input) => void
  /**
   * Each named chain (and the portal's own) verified from its first event: the first broken one, or none.
   * `incremental` checks only what was appended since the last call, and that the head checked then is still
   * there unchanged: cheap enough for after every step of a sequence.
   */
  readonly verifyAuditChains: (
    chains: ReadonlyArray<string>,
    mode?: "full" | "incremental"
  ) => Promise<{ readonly chain: string; readonly brokenAt: string } | undefined>
  /**
   * What every state change leaves behind: the head of each named audit chain (and the portal's own) and the
   * number of queued mails. Equal footprints before and after a request mean it recorded nothing.
   */
  readonly footprint: (chains: ReadonlyArray<string>) => Promise<string>
  readonly close: () => Promise<void>
}

export const makePortal = async (options: PortalOptions): Promise<Portal> => {
  const { clock, offset } = shiftableClock()
  const platform = Layer.mergeAll(
    Layer.succeed(Clock.Clock)(clock),
    Layer.succeed(AuthenticationPolicyRef)({
      ...defaultAuthenticationPolicy,
      passwordResetResponseTime: Duration.zero,
      ...options.authentication
    })
  )
  const hashing = { iterations: options.hashIterations ?? 1000 }
  const core =
    options.storage === "memory"
      ? layerCoreMemory({ passwordHashing: hashing }).pipe(Layer.provideMerge(platform))
      : useCases.pipe(
          Layer.provideMerge(libsqlLayer({ url: options.url ?? ":memory:" })),
          Layer.provideMerge(platformDefaults({ passwordHashing: hashing })),
          Layer.provideMerge(platform)
        )
  const layer = Dispatcher.layer().pipe(Layer.provideMerge(Mailer.layerMemory), Layer.provideMerge(core))
  const runtime = ManagedRuntime.make(
    layer as Layer.Layer<CoreServices | LibsqlDatabase | Dispatcher | MailCapture, unknown>
  )
  await runtime.runPromise(
    Operators.use((o) =>
      o.ensure({ email: operatorEmail, firstName: "Olga", lastName: "Betrieb", password: operatorPassword })
    )
  )
  const client =
    options.storage === "libsql"
      ? await runtime.runPromise(LibsqlDatabase.use((db) => Effect.succeed(db.client)))
      : undefined
  const app = createApp(runtime, { dev: true, ...options.app })

  const verifiedHeads = new Map<string, { readonly sequence: number; readonly hash: string }>()

  const mailedTokens = async (email: string, kind: LinkKind) => {
    const messages = await runtime.runPromise(
      Effect.gen(function* () {
        const far = DateTime.add(yield* DateTime.now, { days: 36500 })
        return yield* Outbox.use((o) => o.due(far, 1_000_000))
      })
    )
    return messages.flatMap((m) =>
      m.notification._tag === kind && m.notification.recipient === email.toLowerCase() && "token" in m.notification
        ? [m.notification.token]
        : []
    )
  }

  return {
    storage: options.storage,
    app,
    runtime,
    client,
    fetch: async (request) => app.fetch(request),
    mail: {
      drain: () =>
        runtime.runPromise(
          Effect.gen(function* () {
            const dispatcher = yield* Dispatcher
            let sent = 0
            while (true) {
              const report = yield* dispatcher.runOnce(100)
              sent += report.sent
              if (report.sent + report.retrying + report.failed === 0) return sent
            }
          })
        ),
      delivered: () => runtime.runPromise(MailCapture.use((c) => c.delivered))
    },
    mailedTokens,
    mailedToken: async (email, kind) => {
      const token = (await mailedTokens(email, kind)).at(-1)
      if (token === undefined) throw new Error(`no ${kind} mailed to ${email}`)
      return token
    },
    advanceTime: (duration) => {
      offset.millis += Duration.toMillis(Duration.fromInputUnsafe(duration))
    },
    verifyAuditChains: (chains, mode = "full") =>
      runtime.runPromise(
        Effect.gen(function* () {
          const log = yield* AuditLog
          for (const chain of [portalChain, ...chains]) {
            const known = mode === "incremental" ? verifiedHeads.get(chain) : undefined
            if (known === undefined) {
              const events = yield* log.list(chain, { afterSequence: 0, limit: 1_000_000 })
              const verdict = yield* verifyChain(events)
              if (!verdict.ok) return { chain, brokenAt: verdict.brokenAt }
              const last = events.at(-1)
              if (last) verifiedHeads.set(chain, { sequence: last.sequence, hash: last.hash })
              continue
            }
            const [head, ...added] = yield* log.list(chain, { afterSequence: known.sequence - 1, limit: 1_000_000 })
            if (head?.sequence !== known.sequence || head.hash !== known.hash)
              return { chain, brokenAt: head?.id ?? `sequence ${known.sequence}` }
            let previous = head
            for (const e of added) {
              const { hash, ...unsealed } = e
              if (e.previousHash !== previous.hash || e.sequence !== previous.sequence + 1)
                return { chain, brokenAt: e.id }
              if ((yield* eventHash(unsealed)) !== hash) return { chain, brokenAt: e.id }
              previous = e
            }
            verifiedHeads.set(chain, { sequence: previous.sequence, hash: previous.hash })
          }
          return undefined
        })
      ),
    footprint: (chains) =>
      runtime.runPromise(
        Effect.gen(function* () {
          const log = yield* AuditLog
          const heads: Array<string> = []
          for (const chain of [portalChain, ...chains]) {
            const head = yield* log.head(chain)
            heads.push(`${chain}@${head?.sequence ?? 0}`)
          }
          const far = DateTime.add(yield* DateTime.now, { days: 36500 })
          const queued = yield* Outbox.use((o) => o.due(far, 1_000_000))
          return `${heads.join(" ")} mails ${queued.length}`
        })
      ),
    close: () => runtime.dispose()
  }
}
