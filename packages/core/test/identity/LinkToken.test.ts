import { assert, describe, it } from "@effect/vitest"
import { DateTime, Duration, Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import {
  checkLink,
  issueLink,
  LinkExpiredOrUsed,
  LinkTokenStore,
  linkState,
  redeemLink
} from "../../src/identity/LinkToken.ts"
import type { Email } from "../../src/kernel/Email.ts"
import { fromBase64url } from "../../src/kernel/Encoding.ts"
import { hashSecret, SecureRandom } from "../../src/kernel/SecureRandom.ts"

const links = Layer.mergeAll(LinkTokenStore.layerMemory, SecureRandom.layerWebCrypto)
const email = "anna@kommune.example" as Email
const issue = (subjectId = "acc_1", lifetime = Duration.hours(1)) =>
  issueLink({ purpose: "passwordReset", subjectId, email, lifetime })

describe("link tokens", () => {
  it.effect("a link secret carries 256 random bits and only its SHA-256 hash is stored", () =>
    Effect.gen(function* () {
      const { token } = yield* issue()
      assert.strictEqual(fromBase64url(token).length, 32)
      const byHash = yield* hashSecret(token)
      const row = yield* LinkTokenStore.use((s) => s.findByHash(byHash))
      assert.isDefined(row)
      assert.notInclude(JSON.stringify(row), token)
      // Presenting the hash itself is useless: it is hashed again.
      assert.instanceOf(yield* Effect.flip(checkLink("passwordReset", byHash)), LinkExpiredOrUsed)
    }).pipe(Effect.provide(links))
  )

  it.effect("a link is single-use", () =>
    Effect.gen(function* () {
      const { token } = yield* issue()
      const link = yield* redeemLink("passwordReset", token)
      assert.strictEqual(link.subjectId, "acc_1")
      assert.instanceOf(yield* Effect.flip(redeemLink("passwordReset", token)), LinkExpiredOrUsed)
    }).pipe(Effect.provide(links))
  )

  it.effect("a link expires at the end of its lifetime", () =>
    Effect.gen(function* () {
      const { token, expiresAt } = yield* issue()
      assert.deepStrictEqual(expiresAt, DateTime.makeUnsafe(3600 * 1000))
      yield* TestClock.adjust("59 minutes")
      yield* checkLink("passwordReset", token)
      yield* TestClock.adjust("1 minute")
      assert.instanceOf(yield* Effect.flip(redeemLink("passwordReset", token)), LinkExpiredOrUsed)
    }).pipe(Effect.provide(links))
  )

  it.effect("a new link for the same subject and purpose revokes the older one", () =>
    Effect.gen(function* () {
      const first = yield* issue()
      const otherSubject = yield* issue("acc_2")
      const second = yield* issue()
      assert.instanceOf(yield* Effect.flip(redeemLink("passwordReset", first.token)), LinkExpiredOrUsed)
      const older = yield* LinkTokenStore.use((s) => Effect.flatMap(hashSecret(first.token), s.findByHash))
      assert.strictEqual(linkState(older, yield* DateTime.now), "revoked")
      yield* redeemLink("passwordReset", second.token)
      yield* redeemLink("passwordReset", otherSubject.token)
    }).pipe(Effect.provide(links))
  )

  it.effect("a link works only for its purpose", () =>
    Effect.gen(function* () {
      const { token } = yield* issue()
      assert.instanceOf(yield* Effect.flip(redeemLink("invitation", token)), LinkExpiredOrUsed)
      assert.instanceOf(yield* Effect.flip(redeemLink("registrationConfirmation", token)), LinkExpiredOrUsed)
      yield* redeemLink("passwordReset", token)
    }).pipe(Effect.provide(links))
  )
})
