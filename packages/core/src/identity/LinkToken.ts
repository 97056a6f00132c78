import { Context, DateTime, type Duration, Effect, Layer, Schema } from "effect"
import { Email } from "../kernel/Email.ts"
import type { StorageError } from "../kernel/Errors.ts"
import { hashSecret, newSecret, type SecureRandom } from "../kernel/SecureRandom.ts"
import { MemoryTable } from "../kernel/UnitOfWork.ts"

/** What a link in an email is for. */
export const LinkPurpose = Schema.Literals(["registrationConfirmation", "invitation", "passwordReset"])
export type LinkPurpose = typeof LinkPurpose.Type

/**
 * The stored form of a link secret: only its SHA-256 hash, the subject it acts on, the email it is
 * bound to, and when it dies. Single use; issuing a new one for the same subject and purpose kills the old.
 */
export class LinkToken extends Schema.Class<LinkToken>("@cloudportal/core/LinkToken")({
  hash: Schema.String,
  purpose: LinkPurpose,
  /** The registration or account the link acts on. */
  subjectId: Schema.String,
  email: Email,
  createdAt: Schema.DateTimeUtc,
  expiresAt: Schema.DateTimeUtc,
  usedAt: Schema.NullOr(Schema.DateTimeUtc),
  revokedAt: Schema.NullOr(Schema.DateTimeUtc)
}) {}

/** Why a presented link does not work: unknown, used, revoked (a newer one exists) or expired. */
export type LinkState = "valid" | "unknown" | "used" | "revoked" | "expired"

export const linkState = (token: LinkToken | undefined, now: DateTime.Utc): LinkState =>
  !token
    ? "unknown"
    : token.usedAt
      ? "used"
      : token.revokedAt
        ? "revoked"
        : DateTime.isGreaterThanOrEqualTo(now, token.expiresAt)
          ? "expired"
          : "valid"

export class LinkTokenStore extends Context.Service<
  LinkTokenStore,
  {
    readonly insert: (t: LinkToken) => Effect.Effect<void, StorageError>
    readonly findByHash: (hash: string) => Effect.Effect<LinkToken | undefined, StorageError>
    /** Marks a live token used; false when it was not live any more (used or revoked concurrently). */
    readonly consume: (hash: string, at: DateTime.Utc) => Effect.Effect<boolean, StorageError>
    /** Revokes every live token of the subject for the purpose; the next link replaces them. */
    readonly revokeAll: (purpose: LinkPurpose, subjectId: string, at: DateTime.Utc) => Effect.Effect<void, StorageError>
  }
>()("@cloudportal/core/LinkTokenStore") {
  static readonly layerMemory = Layer.sync(LinkTokenStore)(() => {
    const rows = new MemoryTable<string, LinkToken>()
    return {
      insert: (t) => rows.set(t.hash, t),
      findByHash: (hash) => Effect.sync(() => rows.get(hash)),
      consume: (hash, at) =>
        Effect.suspend(() => {
          const t = rows.get(hash)
          if (!t || t.usedAt || t.revokedAt) return Effect.succeed(false)
          return rows.set(hash, new LinkToken({ ...t, usedAt: at })).pipe(Effect.as(true))
        }),
      revokeAll: (purpose, subjectId, at) =>
        Effect.forEach(
          rows.filter((t) => t.purpose === purpose && t.subjectId === subjectId && !t.usedAt && !t.revokedAt),
          (t) => rows.set(t.hash, new LinkToken({ ...t, revokedAt: at })),
          { discard: true }
        )
    }
  })
}

/** The link is unknown, used, replaced by a newer one or expired; the holder needs a new one (HTTP 410). */
export class LinkExpiredOrUsed extends Schema.TaggedError<LinkExpiredOrUsed>()("LinkExpiredOrUsed", {
  purpose: LinkPurpose
}) {}

/** A link secret as presented by a client; it is only ever hashed, never stored or compared in clear. */
export const PresentedToken = Schema.String.pipe(
  Schema.check(
    Schema.isNonEmpty({ message: "Token fehlt / token is required" }),
    Schema.isMaxLength(256, { message: "Ungültiger Token / invalid token" })
  ),
  Schema.annotateKey({ messageMissingKey: "Token fehlt / token is required" })
)

/** What goes into the email: the secret in clear (only here) and when it dies. */
export interface IssuedLink {
  readonly token: string
  readonly expiresAt: DateTime.Utc
}

/**
 * Issues a link for a subject and purpose, killing every older live one (a new link replaces the old).
 * Call inside the use case's unit of work, next to the `enqueue` of the mail that carries it.
 */
export const issueLink = Effect.fnUntraced(function* (link: {
  readonly purpose: LinkPurpose
  readonly subjectId: string
  readonly email: Email
  readonly lifetime: Duration.Duration
}) {
  const store = yield* LinkTokenStore
  const now = yield* DateTime.now
  yield* store.revokeAll(link.purpose, link.subjectId, now)
  const secret = yield* newSecret
  const expiresAt = DateTime.addDuration(now, link.lifetime)
  yield* store.insert(
    new LinkToken({
      hash: secret.hash,
      purpose: link.purpose,
      subjectId: link.subjectId,
      email: link.email,
      createdAt: now,
      expiresAt,
      usedAt: null,
      revokedAt: null
    })
  )
  return { token: secret.token, expiresAt } satisfies IssuedLink
}) as (link: {
  readonly purpose: LinkPurpose
  readonly subjectId: string
  readonly email: Email
  readonly lifetime: Duration.Duration
}) => Effect.Effect<IssuedLink, StorageError, LinkTokenStore | SecureRandom>

/** The live link a presented token stands for, without using it up; `LinkExpiredOrUsed` otherwise. */
export const checkLink = Effect.fnUntraced(function* (purpose: LinkPurpose, token: string) {
  const hash = yield* hashSecret(token)
  const stored = yield* LinkTokenStore.use((s) => s.findByHash(hash))
  const state = linkState(stored?.purpose === purpose ? stored : undefined, yield* DateTime.now)
  if (state !== "valid" || !stored) return yield* new LinkExpiredOrUsed({ purpose })
  return stored
}) as (
  purpose: LinkPurpose,
  token: string
) => Effect.Effect<LinkToken, LinkExpiredOrUsed | StorageError, LinkTokenStore>

/**
 * Uses a link up: checks it and marks it used, compare-and-set, so that of two concurrent uses one wins.
 * Call inside the use case's unit of work, so a failed use case leaves the link live.
 */
export const redeemLink = Effect.fnUntraced(function* (purpose: LinkPurpose, token: string) {
  const link = yield* checkLink(purpose, token)
  const now = yield* DateTime.now
  const consumed = yield* LinkTokenStore.use((s) => s.consume(link.hash, now))
  if (!consumed) return yield* new LinkExpiredOrUsed({ purpose })
  return link
}) as (
  purpose: LinkPurpose,
  token: string
) => Effect.Effect<LinkToken, LinkExpiredOrUsed | StorageError, LinkTokenStore>
