import { join } from "node:path"
import { DateTime, Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { layer } from "../../src/LibsqlStorage.ts"
import { Authentication, platformDefaults, useCases } from "./core.ts"
import { tempDir } from "./databases.ts"

/**
 * The whole core, every use case, over this adapter on one database: what an application composes. Few
 * PBKDF2 iterations, as core's own tests use: the tests are about storage, not about hashing cost.
 */
export const portal = (url: string) =>
  useCases.pipe(
    Layer.provideMerge(layer({ url })),
    Layer.provideMerge(platformDefaults({ passwordHashing: { iterations: 1000 } }))
  )

/** A fresh database file in a temporary directory removed with the scope. */
export const fileUrl = Effect.map(tempDir, (dir) => `file:${join(dir, "portal.db")}`)

/** The instant the tests' world lives at (the TestClock starts at 1970 otherwise). */
export const today = DateTime.makeUnsafe("2026-11-27T10:00:00Z")
export const setToday = TestClock.setTime(DateTime.toEpochMillis(today))

/** A signed-in actor, through the login use case, as a client would get one. */
export const signIn = (email: string, password: string) =>
  Effect.gen(function* () {
    const auth = yield* Authentication
    const { session } = yield* auth.login({ email, password })
    return (yield* auth.authenticate(session.token)).actor
  })
