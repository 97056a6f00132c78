import {
  Account,
  type AccountId,
  AccountStore,
  AuthenticationPolicyRef,
  type CoreServices,
  defaultAuthenticationPolicy,
  Email,
  layerCoreMemory,
  Outbox,
  PasswordHasher
} from "@cloudportal/core"
import { Clock, DateTime, Duration, Effect, Layer, ManagedRuntime, Schema } from "effect"
import { type AppOptions, createApp } from "../src/index.ts"
import type { Harness, LinkKind } from "./harness.ts"

/** A clock that tests can move forward; sleeping stays real. Shared with the workerd test worker. */
export const shiftableClock = () => {
  const offset = { millis: 0 }
  const real = Clock.Clock.defaultValue()
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

export const testPassword = "korrekt-pferd-batterie-heftklammer-2025"

/**
 * The whole core in memory behind the app: cheap password hashing, no deliberate delay on „Passwort
 * vergessen", and a clock the tests can move. One per test, so that tests share nothing.
 */
export interface MemoryHarness extends Harness {
  readonly runtime: ManagedRuntime.ManagedRuntime<CoreServices, unknown>
  readonly app: ReturnType<typeof createApp>
}

export const memoryHarness = async (options: AppOptions = {}): Promise<MemoryHarness> => {
  const { clock, offset } = shiftableClock()
  const layer = layerCoreMemory({ passwordHashing: { iterations: 1000 } }).pipe(
    Layer.provideMerge(
      Layer.mergeAll(
        Layer.succeed(Clock.Clock)(clock),
        Layer.succeed(AuthenticationPolicyRef)({
          ...defaultAuthenticationPolicy,
          passwordResetResponseTime: Duration.zero
        })
      )
    )
  )
  const runtime = ManagedRuntime.make(layer)
  await runtime.runPromise(Effect.void)
  const app = createApp(runtime, { dev: true, ...options })
  const origin = "http://localhost"
  let operators = 0
  return {
    origin,
    basePath: options.basePath ?? "/api",
    fetch: (request) => Promise.resolve(app.fetch(request)),
    createOperator: async () => {
      operators++
      const email = `operator-${operators}@betreiber.test`
      await runtime.runPromise(
        Effect.gen(function* () {
          const hash = yield* PasswordHasher.use((h) => h.hash(testPassword))
          const now = yield* DateTime.now
          yield* AccountStore.use((s) =>
            s.insert(
              new Account({
                id: `acc_operator_${operators}` as AccountId,
                kind: "operator",
                organizationId: null,
                email: Schema.decodeUnknownSync(Email)(email),
                firstName: "Olga",
                lastName: "Betrieb",
                status: "active",
                isMainAdmin: false,
                roleIds: [],
                passwordHash: hash,
                passwordResetRequired: false,
                createdAt: now,
                updatedAt: now
              })
            )
          )
        })
      )
      return { email, password: testPassword }
    },
    linkToken: async (email: string, kind: LinkKind) => {
      const messages = await runtime.runPromise(
        Effect.gen(function* () {
          const far = DateTime.add(yield* DateTime.now, { days: 3650 })
          return yield* Outbox.use((o) => o.due(far, 100_000))
        })
      )
      const found = messages
        .filter((m) => m.notification._tag === kind && m.notification.recipient === email.toLowerCase())
        .at(-1)
      if (!found || !("token" in found.notification)) throw new Error(`no ${kind} mailed to ${email}`)
      return found.notification.token
    },
    advanceTime: async (duration) => {
      offset.millis += Duration.toMillis(Duration.fromInputUnsafe(duration))
    },
    runtime,
    app,
    close: () => runtime.dispose()
  }
}
