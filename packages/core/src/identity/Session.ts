import { Context, DateTime, Duration, Effect, Layer, Schema } from "effect"
import type { StorageError } from "../kernel/Errors.ts"
import { AccountId, SessionId } from "../kernel/Ids.ts"
import { hashSecret, newId, newSecret, type SecureRandom } from "../kernel/SecureRandom.ts"
import { MemoryTable } from "../kernel/UnitOfWork.ts"
import type { Account, Role } from "../members/Account.ts"
import { AccountStore, RoleStore } from "../members/AccountStore.ts"
import type { Organization } from "../organization/Organization.ts"
import { OrganizationStore } from "../organization/OrganizationStore.ts"

/**
 * A signed-in session. The token handed to the client is `<id>.<secret>`; only the secret's SHA-256
 * hash is stored, so a database dump cannot be replayed as a session.
 */
export class Session extends Schema.Class<Session>("@cloudportal/core/Session")({
  id: SessionId,
  accountId: AccountId,
  secretHash: Schema.String,
  createdAt: Schema.DateTimeUtc,
  lastSeenAt: Schema.DateTimeUtc,
  /** Absolute end, whatever the activity. */
  expiresAt: Schema.DateTimeUtc,
  revokedAt: Schema.NullOr(Schema.DateTimeUtc)
}) {}

export interface SessionPolicy {
  /** The session dies after this long without use. */
  readonly idleTimeout: Duration.Duration
  /** The session dies this long after sign-in, used or not. */
  readonly absoluteTimeout: Duration.Duration
}

export const defaultSessionPolicy: SessionPolicy = {
  idleTimeout: Duration.hours(2),
  absoluteTimeout: Duration.hours(12)
}

/** Session lifetimes; override with `Layer.succeed(SessionPolicyRef, …)`. */
export const SessionPolicyRef = Context.Reference<SessionPolicy>("@cloudportal/core/SessionPolicy", {
  defaultValue: () => defaultSessionPolicy
})

export const isLive = (s: Session, now: DateTime.Utc, policy: SessionPolicy): boolean =>
  s.revokedAt === null &&
  DateTime.isLessThan(now, s.expiresAt) &&
  DateTime.isLessThan(now, DateTime.addDuration(s.lastSeenAt, policy.idleTimeout))

/** A session with everything a signed-in request needs to know of its holder, read at one moment. */
export interface SessionWithHolder {
  readonly session: Session
  /** Undefined when no account has the session's account id. */
  readonly account: Account | undefined
  /** The account's organization; undefined for an account without one, or when it does not exist. */
  readonly organization: Organization | undefined
  /** Every role of the account's organization, in creation order; empty without an organization. */
  readonly roles: ReadonlyArray<Role>
}

/** The stores `getWithHolder` may read through (a database reads the tables behind them at once instead). */
export type HolderStores = AccountStore | RoleStore | OrganizationStore

export class SessionStore extends Context.Service<
  SessionStore,
  {
    readonly insert: (s: Session) => Effect.Effect<void, StorageError>
    readonly get: (id: SessionId) => Effect.Effect<Session | undefined, StorageError>
    /**
     * The session with its account, the account's organization and that organization's roles: what every
     * signed-in request checks, in one read (one statement on a database, through the other stores in memory).
     * Undefined for an unknown session. Never cached: what it answers is what the stores hold now.
     */
    readonly getWithHolder: (id: SessionId) => Effect.Effect<SessionWithHolder | undefined, StorageError, HolderStores>
    readonly touch: (id: SessionId, at: DateTime.Utc) => Effect.Effect<void, StorageError>
    readonly revoke: (id: SessionId, at: DateTime.Utc) => Effect.Effect<void, StorageError>
    /** Ends every live session of the account: password change, deactivation, deletion. */
    readonly revokeAllForAccount: (accountId: AccountId, at: DateTime.Utc) => Effect.Effect<void, StorageError>
    readonly listLiveForAccount: (accountId: AccountId) => Effect.Effect<ReadonlyArray<Session>, StorageError>
  }
>()("@cloudportal/core/SessionStore") {
  static readonly layerMemory = Layer.sync(SessionStore)(() => {
    const rows = new MemoryTable<SessionId, Session>()
    const update = (id: SessionId, f: (s: Session) => Session) =>
      Effect.suspend(() => {
        const s = rows.get(id)
        return s ? rows.set(id, f(s)) : Effect.void
      })
    return {
      insert: (s) => rows.set(s.id, s),
      get: (id) => Effect.sync(() => rows.get(id)),
      getWithHolder: (id) => Effect.suspend(() => holderOf(rows.get(id))),
      touch: (id, at) => update(id, (s) => new Session({ ...s, lastSeenAt: at })),
      revoke: (id, at) => update(id, (s) => (s.revokedAt ? s : new Session({ ...s, revokedAt: at }))),
      revokeAllForAccount: (accountId, at) =>
        Effect.forEach(
          rows.filter((s) => s.accountId === accountId && s.revokedAt === null),
          (s) => rows.set(s.id, new Session({ ...s, revokedAt: at })),
          { discard: true }
        ),
      listLiveForAccount: (accountId) =>
        Effect.sync(() => rows.filter((s) => s.accountId === accountId && s.revokedAt === null))
    }
  })
}

/** The holder of a session as the separate stores tell it: what every store's `getWithHolder` must answer. */
export const holderOf = Effect.fnUntraced(function* (session: Session | undefined) {
  if (!session) return undefined
  const account = yield* AccountStore.use((s) => s.get(session.accountId))
  const organizationId = account?.organizationId ?? null
  if (organizationId === null)
    return { session, account, organization: undefined, roles: [] } satisfies SessionWithHolder
  const organization = yield* OrganizationStore.use((s) => s.get(organizationId))
  const roles = yield* RoleStore.use((s) => s.listByOrganization(organizationId))
  return { session, account, organization, roles } satisfies SessionWithHolder
}) as (session: Session | undefined) => Effect.Effect<SessionWithHolder | undefined, StorageError, HolderStores>

/** What the client holds: the token, and when the session ends at the latest. */
export interface IssuedSession {
  readonly token: string
  readonly expiresAt: DateTime.Utc
}

/** Starts a session for an account. Call inside the use case's unit of work. */
export const issueSession = Effect.fnUntraced(function* (accountId: AccountId) {
  const policy = yield* SessionPolicyRef
  const now = yield* DateTime.now
  const id = yield* newId<SessionId>("ses")
  const secret = yield* newSecret
  const session = new Session({
    id,
    accountId,
    secretHash: secret.hash,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: DateTime.addDuration(now, policy.absoluteTimeout),
    revokedAt: null
  })
  yield* SessionStore.use((s) => s.insert(session))
  return { token: `${id}.${secret.token}`, expiresAt: session.expiresAt } satisfies IssuedSession
}) as (accountId: AccountId) => Effect.Effect<IssuedSession, StorageError, SessionStore | SecureRandom>

/**
 * Splits a presented token into the session id and the secret; undefined when it has not that shape.
 * The caller compares the secret's hash with the stored one (`Authentication.authenticate`).
 */
export const parseSessionToken = (token: string): { readonly id: SessionId; readonly secret: string } | undefined => {
  const dot = token.indexOf(".")
  if (dot <= 0 || dot === token.length - 1) return undefined
  return { id: token.slice(0, dot) as SessionId, secret: token.slice(dot + 1) }
}

export { hashSecret }
