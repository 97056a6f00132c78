import { assert, describe, layer } from "@effect/vitest"
import { DateTime, Effect, Layer, Schema } from "effect"
import { Session, SessionStore } from "../identity/Session.ts"
import type { AccountId, SessionId } from "../kernel/Ids.ts"
import { newId, newSecret, SecureRandom } from "../kernel/SecureRandom.ts"

const SessionJson = Schema.toCodecJson(Session)
const json = (s: Session | undefined) => (s === undefined ? undefined : Schema.encodeSync(SessionJson)(s))

const created = DateTime.makeUnsafe("2025-05-06T07:08:09.010Z")
const later = DateTime.makeUnsafe("2025-05-06T07:38:09.020Z")

/** A fresh live session of an account no other test uses (unless `accountId` is given). */
export const sampleSession = (fields: Partial<Session> = {}) =>
  Effect.gen(function* () {
    return new Session({
      id: yield* newId<SessionId>("ses"),
      accountId: yield* newId<AccountId>("acc"),
      secretHash: (yield* newSecret).hash,
      createdAt: created,
      lastSeenAt: created,
      expiresAt: DateTime.makeUnsafe("2025-05-06T19:08:09.010Z"),
      revokedAt: null,
      ...fields
    })
  })

/**
 * The contract of every `SessionStore`: sessions read back unchanged (the secret's hash only, never the secret),
 * `touch` moves `lastSeenAt` only, `revoke` is idempotent and keeps the first time, and `revokeAllForAccount`
 * ends every live session of one account and nobody else's.
 */
export const sessionStoreSuite = <E>(name: string, sessions: Layer.Layer<SessionStore, E>) =>
  describe(`SessionStore conformance: ${name}`, () => {
    layer(Layer.merge(sessions, SecureRandom.layerWebCrypto))((it) => {
      it.effect("a session reads back unchanged", () =>
        Effect.gen(function* () {
          const s = yield* SessionStore
          const session = yield* sampleSession()
          yield* s.insert(session)
          assert.deepStrictEqual(json(yield* s.get(session.id)), json(session))
        })
      )

      it.effect("an unknown session finds nothing, and touching or revoking it changes nothing", () =>
        Effect.gen(function* () {
          const s = yield* SessionStore
          const id = yield* newId<SessionId>("ses")
          yield* s.touch(id, later)
          yield* s.revoke(id, later)
          assert.strictEqual(yield* s.get(id), undefined)
        })
      )

      it.effect("touching a session moves its last use and nothing else", () =>
        Effect.gen(function* () {
          const s = yield* SessionStore
          const session = yield* sampleSession()
          yield* s.insert(session)
          yield* s.touch(session.id, later)
          assert.deepStrictEqual(json(yield* s.get(session.id)), json(new Session({ ...session, lastSeenAt: later })))
        })
      )

      it.effect("a revoked session stays revoked at its first revocation time", () =>
        Effect.gen(function* () {
          const s = yield* SessionStore
          const session = yield* sampleSession()
          yield* s.insert(session)
          yield* s.revoke(session.id, created)
          yield* s.revoke(session.id, later)
          assert.deepStrictEqual((yield* s.get(session.id))?.revokedAt, created)
          assert.deepStrictEqual(yield* s.listLiveForAccount(session.accountId), [])
        })
      )

      it.effect("ending an account's sessions ends all of them and nobody else's", () =>
        Effect.gen(function* () {
          const s = yield* SessionStore
          const a = yield* sampleSession()
          const b = yield* sampleSession({ accountId: a.accountId })
          const earlier = yield* sampleSession({ accountId: a.accountId })
          const other = yield* sampleSession()
          for (const x of [a, b, earlier, other]) yield* s.insert(x)
          yield* s.revoke(earlier.id, created)
          assert.sameMembers(
            (yield* s.listLiveForAccount(a.accountId)).map((x) => x.id),
            [a.id, b.id]
          )

          yield* s.revokeAllForAccount(a.accountId, later)

          assert.deepStrictEqual(yield* s.listLiveForAccount(a.accountId), [])
          assert.deepStrictEqual((yield* s.get(a.id))?.revokedAt, later)
          assert.deepStrictEqual((yield* s.get(b.id))?.revokedAt, later)
          assert.deepStrictEqual((yield* s.get(earlier.id))?.revokedAt, created)
          assert.deepStrictEqual(json(yield* s.get(other.id)), json(other))
          assert.deepStrictEqual(
            (yield* s.listLiveForAccount(other.accountId)).map((x) => json(x)),
            [json(other)]
          )
        })
      )
    })
  })
