import { Context, DateTime, Effect, Layer, Schema } from "effect"
import { Email } from "../kernel/Email.ts"
import type { StorageError } from "../kernel/Errors.ts"
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
