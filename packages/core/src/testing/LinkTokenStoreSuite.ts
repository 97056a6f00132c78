import { assert, describe, layer } from "@effect/vitest"
import { DateTime, Effect, Layer, Schema } from "effect"
import { type LinkPurpose, LinkToken, LinkTokenStore } from "../identity/LinkToken.ts"
import type { Email } from "../kernel/Email.ts"
import { newId, newSecret, SecureRandom } from "../kernel/SecureRandom.ts"

const LinkTokenJson = Schema.toCodecJson(LinkToken)
const json = (t: LinkToken | undefined) => (t === undefined ? undefined : Schema.encodeSync(LinkTokenJson)(t))

const created = DateTime.makeUnsafe("2025-04-01T10:00:00.125Z")
const later = DateTime.makeUnsafe("2025-04-01T10:20:00.5Z")

/** A fresh live token for a subject no other test uses (unless `subjectId` is given). */
export const sampleLinkToken = (fields: Partial<LinkToken> = {}) =>
  Effect.gen(function* () {
    const secret = yield* newSecret
    const subjectId = yield* newId<string>("acc")
    return new LinkToken({
      hash: secret.hash,
      purpose: "passwordReset",
      subjectId,
      email: `${subjectId}@kommune.example` as Email,
      createdAt: created,
      expiresAt: DateTime.makeUnsafe("2025-04-01T11:00:00.125Z"),
      usedAt: null,
      revokedAt: null,
      ...fields
    })
  })

/**
 * The contract of every `LinkTokenStore`: tokens are found by the hash of their secret only (the secret is never
 * stored), `consume` uses a token up exactly once (compare-and-set, so of two concurrent uses one wins), and
 * `revokeAll` kills every live token of one subject and purpose and nothing else.
 */
export const linkTokenStoreSuite = <E>(name: string, tokens: Layer.Layer<LinkTokenStore, E>) =>
  describe(`LinkTokenStore conformance: ${name}`, () => {
    layer(Layer.merge(tokens, SecureRandom.layerWebCrypto))((it) => {
      it.effect("a token reads back unchanged by the hash of its secret", () =>
        Effect.gen(function* () {
          const s = yield* LinkTokenStore
          const t = yield* sampleLinkToken({ purpose: "registrationConfirmation" })
          yield* s.insert(t)
          assert.deepStrictEqual(json(yield* s.findByHash(t.hash)), json(t))
        })
      )

      it.effect("an unknown hash finds nothing", () =>
        Effect.gen(function* () {
          const s = yield* LinkTokenStore
          const { hash } = yield* newSecret
          assert.strictEqual(yield* s.findByHash(hash), undefined)
        })
      )

      it.effect("a token is consumed once: the second use is refused", () =>
        Effect.gen(function* () {
          const s = yield* LinkTokenStore
          const t = yield* sampleLinkToken()
          yield* s.insert(t)
          assert.isTrue(yield* s.consume(t.hash, later))
          assert.isFalse(yield* s.consume(t.hash, DateTime.addDuration(later, "1 second")))
          const stored = yield* s.findByHash(t.hash)
          assert.deepStrictEqual(json(stored), json(new LinkToken({ ...t, usedAt: later })))
        })
      )

      it.effect("consuming an unknown or revoked token is refused", () =>
        Effect.gen(function* () {
          const s = yield* LinkTokenStore
          const { hash } = yield* newSecret
          assert.isFalse(yield* s.consume(hash, later))
          const t = yield* sampleLinkToken()
          yield* s.insert(t)
          yield* s.revokeAll(t.purpose, t.subjectId, later)
          assert.isFalse(yield* s.consume(t.hash, later))
          assert.strictEqual((yield* s.findByHash(t.hash))?.usedAt, null)
        })
      )

      it.effect("revoking kills every live token of the subject and purpose, and nothing else", () =>
        Effect.gen(function* () {
          const s = yield* LinkTokenStore
          const first = yield* sampleLinkToken()
          const subjectId = first.subjectId
          const purpose: LinkPurpose = "passwordReset"
          const second = yield* sampleLinkToken({ subjectId, email: first.email })
          const used = yield* sampleLinkToken({ subjectId, email: first.email })
          const otherPurpose = yield* sampleLinkToken({ subjectId, email: first.email, purpose: "invitation" })
          const otherSubject = yield* sampleLinkToken()
          for (const t of [first, second, used, otherPurpose, otherSubject]) yield* s.insert(t)
          assert.isTrue(yield* s.consume(used.hash, created))

          yield* s.revokeAll(purpose, subjectId, later)

          assert.deepStrictEqual(
            json(yield* s.findByHash(first.hash)),
            json(new LinkToken({ ...first, revokedAt: later }))
          )
          assert.deepStrictEqual(
            json(yield* s.findByHash(second.hash)),
            json(new LinkToken({ ...second, revokedAt: later }))
          )
          // A used token stays as it was used; the others are not this subject's or purpose's.
          assert.deepStrictEqual(
            json(yield* s.findByHash(used.hash)),
            json(new LinkToken({ ...used, usedAt: created }))
          )
          assert.deepStrictEqual(json(yield* s.findByHash(otherPurpose.hash)), json(otherPurpose))
          assert.deepStrictEqual(json(yield* s.findByHash(otherSubject.hash)), json(otherSubject))
        })
      )

      it.effect("revoking again keeps the first revocation time", () =>
        Effect.gen(function* () {
          const s = yield* LinkTokenStore
          const t = yield* sampleLinkToken()
          yield* s.insert(t)
          yield* s.revokeAll(t.purpose, t.subjectId, created)
          yield* s.revokeAll(t.purpose, t.subjectId, later)
          assert.deepStrictEqual((yield* s.findByHash(t.hash))?.revokedAt, created)
        })
      )
    })
  })
