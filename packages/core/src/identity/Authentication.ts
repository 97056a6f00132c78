import { Context, DateTime, Duration, Effect, Layer, Schema } from "effect"
import { type Actor, type Member, type Operator, system } from "../kernel/Actor.ts"
import { type AuditLog, portalChain, record } from "../kernel/Audit.ts"
import { sha256Hex, timingSafeEqual } from "../kernel/Digest.ts"
import { Email } from "../kernel/Email.ts"
import { base64url } from "../kernel/Encoding.ts"
import {
  decodeInput,
  type InvalidInput,
  PermissionDenied,
  type StorageError,
  Unauthenticated
} from "../kernel/Errors.ts"
import type { AccountId, SessionId } from "../kernel/Ids.ts"
import { enqueue, type Outbox } from "../kernel/Outbox.ts"
import { type Permission, permissionKeys } from "../kernel/Permission.ts"
import { type RateLimit, type RateLimited, RateLimiter } from "../kernel/RateLimiter.ts"
import { SecureRandom } from "../kernel/SecureRandom.ts"
import { UnitOfWork } from "../kernel/UnitOfWork.ts"
import { Account, AccountStatus, displayName, type Role } from "../members/Account.ts"
import { AccountStore, RoleStore } from "../members/AccountStore.ts"
import { AccountNotFound, IllegalAccountTransition, type MemberView, memberView } from "../members/Membership.ts"
import { actorOf, effectivePermissions, isAdmin } from "../members/Permissions.ts"
import type { MemberViewer } from "../members/Viewer.ts"
import type { Organization } from "../organization/Organization.ts"
import { OrganizationStore } from "../organization/OrganizationStore.ts"
import { effectiveRegistrationStatus, isRegistrationOpen, RegistrationStatus } from "../registration/Registration.ts"
import { RegistrationStore } from "../registration/RegistrationStore.ts"
import { checkLink, issueLink, LinkExpiredOrUsed, LinkTokenStore, PresentedToken, redeemLink } from "./LinkToken.ts"
import { Password, PresentedPassword } from "./Password.ts"
import { PasswordHasher } from "./PasswordHasher.ts"
import {
  type IssuedSession,
  isLive,
  issueSession,
  parseSessionToken,
  SessionPolicyRef,
  SessionStore
} from "./Session.ts"

// ---------------------------------------------------------------------------------------------------------------
// Errors: each tells the person what to do, and none before the password was right reveals that an account exists.

/** Unknown email or wrong password: one answer for both (HTTP 401). */
export class InvalidCredentials extends Schema.TaggedError<InvalidCredentials>()("InvalidCredentials", {}) {}

/** Migrated account (DOMAIN §3): set a password through „Passwort vergessen" first (HTTP 403). */
export class PasswordResetRequired extends Schema.TaggedError<PasswordResetRequired>()("PasswordResetRequired", {}) {}

/** The account is deactivated; an admin of the organization can reactivate it (HTTP 403). */
export class AccountDeactivated extends Schema.TaggedError<AccountDeactivated>()("AccountDeactivated", {}) {}

/**
 * The email belongs to a registration not approved yet (DOMAIN §2.4): `status` says whether the email
 * confirmation or the operator's review is outstanding (HTTP 403).
 */
export class RegistrationNotApproved extends Schema.TaggedError<RegistrationNotApproved>()("RegistrationNotApproved", {
  status: RegistrationStatus
}) {}

// ---------------------------------------------------------------------------------------------------------------
// Inputs and answers.

export const LoginInput = Schema.Struct({
  email: Email.pipe(Schema.annotateKey({ messageMissingKey: "E-Mail-Adresse fehlt / email address is required" })),
  password: PresentedPassword
})
export const PasswordResetRequestInput = Schema.Struct({
  email: Email.pipe(Schema.annotateKey({ messageMissingKey: "E-Mail-Adresse fehlt / email address is required" }))
})
export const PasswordResetConfirmInput = Schema.Struct({ token: PresentedToken, password: Password })

/** An account as it may be shown: never the password hash. */
export const AccountProfile = Schema.Struct({
  id: Schema.String,
  kind: Schema.Literals(["member", "operator"]),
  organizationId: Schema.NullOr(Schema.String),
  email: Schema.String,
  firstName: Schema.String,
  lastName: Schema.String,
  status: AccountStatus,
  isMainAdmin: Schema.Boolean,
  roleIds: Schema.Array(Schema.String)
})
export type AccountProfile = typeof AccountProfile.Type

export const accountProfile = (a: Account): AccountProfile => ({
  id: a.id,
  kind: a.kind,
  organizationId: a.organizationId,
  email: a.email,
  firstName: a.firstName,
  lastName: a.lastName,
  status: a.status,
  isMainAdmin: a.isMainAdmin,
  roleIds: a.roleIds
})

/**
 * Who is signed in: `GET /me`, and with the session the login answer (API.md). A member's account is its own
 * `MemberView`, the same shape the invitation acceptance answers with; an operator's is its `AccountProfile`
 * (no organization, no permissions of the catalogue).
 */
export interface SignedIn {
  readonly account: MemberView | AccountProfile
  readonly organization: Organization | null
  /** In catalogue order. */
  readonly permissions: ReadonlyArray<Permission>
}

export interface LoggedIn extends SignedIn {
  readonly session: IssuedSession
}

/** A live session's holder, for every signed-in request. */
export interface Authenticated {
  readonly actor: Member | Operator
  readonly account: AccountProfile
  readonly sessionId: SessionId
  /**
   * For a member: `actor` with the account and roles it was decided on, read with the session. Provide it as
   * the request's `RequestViewer` so that read-only use cases of the same request do not read it again.
   */
  readonly viewer?: MemberViewer | undefined
}

export interface AuthenticationPolicy {
  /** Lifetime of a „Passwort vergessen" link (DOMAIN §4: 1 h). */
  readonly passwordResetLinkLifetime: Duration.Duration
  /**
   * `requestPasswordReset` answers no sooner than this, whether or not the email exists, so that timing does not
   * tell (DOMAIN §4). Must exceed the real work (a lookup and a few writes); zero turns it off.
   */
  readonly passwordResetResponseTime: Duration.Duration
  /** `lastSeenAt` is written at most this often per session: one write per request would be wasted. */
  readonly sessionTouchInterval: Duration.Duration
  /** How many reset requests one address may make per window, known or not (DOMAIN §11). */
  readonly perAddress: RateLimit
}

export const defaultAuthenticationPolicy: AuthenticationPolicy = {
  passwordResetLinkLifetime: Duration.hours(1),
  passwordResetResponseTime: Duration.millis(250),
  sessionTouchInterval: Duration.minutes(1),
  perAddress: { limit: 5, window: Duration.hours(1) }
}

/** Authentication defaults; override with `Layer.succeed(AuthenticationPolicyRef, …)`. */
export const AuthenticationPolicyRef = Context.Reference<AuthenticationPolicy>(
  "@cloudportal/core/AuthenticationPolicy",
  { defaultValue: () => defaultAuthenticationPolicy }
)

/** Everything authentication reads and writes through. */
export type AuthenticationPorts =
  | UnitOfWork
  | AccountStore
  | RoleStore
  | OrganizationStore
  | RegistrationStore
  | SessionStore
  | LinkTokenStore
  | PasswordHasher
  | AuditLog
  | Outbox
  | RateLimiter
  | SecureRandom

const permissionList = (granted: ReadonlySet<Permission>): ReadonlyArray<Permission> =>
  permissionKeys.filter((p) => granted.has(p))

const chainOf = (a: Account): string => a.organizationId ?? portalChain

export class Authentication extends Context.Service<
  Authentication,
  {
    /**
     * DOMAIN §4: email and password. `InvalidCredentials` for an unknown email or a wrong password, in the same time
     * (the unknown email still costs one hash verification); only after the right password does the answer say
     * why a known person cannot sign in (`PasswordResetRequired`, `AccountDeactivated`, `RegistrationNotApproved`).
     */
    readonly login: (input: {
      readonly email: string
      readonly password: string
    }) => Effect.Effect<
      LoggedIn,
      | InvalidInput
      | InvalidCredentials
      | PasswordResetRequired
      | AccountDeactivated
      | RegistrationNotApproved
      | StorageError
    >
    /**
     * Single sign-on [extension of DOMAIN §4]: an identity provider has verified this email; the existing account
     * holding it signs in under the same rules as a correct password would (`PasswordResetRequired` for migrated
     * accounts, `AccountDeactivated`), and anything else is `InvalidCredentials`. Never creates an account.
     */
    readonly signInWithVerifiedEmail: (
      email: string
    ) => Effect.Effect<LoggedIn, InvalidCredentials | PasswordResetRequired | AccountDeactivated | StorageError>
    readonly logout: (token: string) => Effect.Effect<void, StorageError>
    /** The actor behind a session token; `Unauthenticated` for a dead session or an account that may not sign in. */
    readonly authenticate: (token: string) => Effect.Effect<Authenticated, Unauthenticated | StorageError>
    /** `GET /me`: the signed-in account, its organization and its permissions. */
    readonly me: (token: string) => Effect.Effect<SignedIn, Unauthenticated | StorageError>
    /** „Passwort vergessen": mails a reset link to an active account; answers the same, in the same time, for any email. */
    readonly requestPasswordReset: (input: {
      readonly email: string
    }) => Effect.Effect<void, InvalidInput | RateLimited | StorageError>
    /** Sets the new password, clears `passwordResetRequired`, ends every session; no automatic login. */
    readonly confirmPasswordReset: (input: {
      readonly token: string
      readonly password: string
    }) => Effect.Effect<void, InvalidInput | LinkExpiredOrUsed | StorageError>
    /** The operator, or an admin of the account's organization, sends the account a reset link; they never set a password. */
    readonly startPasswordReset: (
      actor: Actor,
      accountId: string
    ) => Effect.Effect<
      void,
      AccountNotFound | IllegalAccountTransition | PermissionDenied | Unauthenticated | RateLimited | StorageError
    >
  }
>()("@cloudportal/core/Authentication") {
  static readonly make = Effect.gen(function* () {
    const context = yield* Effect.context<AuthenticationPorts>()
    const uow = Context.get(context, UnitOfWork)
    const accounts = Context.get(context, AccountStore)
    const roles = Context.get(context, RoleStore)
    const organizations = Context.get(context, OrganizationStore)
    const registrations = Context.get(context, RegistrationStore)
    const sessions = Context.get(context, SessionStore)
    const hasher = Context.get(context, PasswordHasher)
    const random = Context.get(context, SecureRandom)
    const limiter = Context.get(context, RateLimiter)
    /** DOMAIN §11: reset mails to one address are limited. Inside the unit of work: a refusal spends nothing. */
    const limitMail = (email: string, rule: RateLimit) => limiter.consume(`mail:passwordReset:${email}`, rule)

    const inTransaction = <A, E>(effect: Effect.Effect<A, E, AuthenticationPorts>) =>
      uow.transaction(effect).pipe(Effect.provideContext(context))

    // A hash nobody knows the password of, made with the current parameters, so that checking it costs what
    // checking a real one does. Made on first use, not at startup.
    const dummyHash = yield* Effect.cached(
      random.bytes(32).pipe(Effect.flatMap((bytes) => hasher.hash(base64url(bytes))))
    )

    /** What a signed-in request answers, from the account and what was read with it. */
    const signedInOf = (
      account: Account,
      organization: Organization | undefined,
      orgRoles: ReadonlyArray<Role>
    ): SignedIn => {
      if (account.kind === "operator" || account.organizationId === null)
        return { account: accountProfile(account), organization: null, permissions: [] }
      const self = actorOf(account, orgRoles)
      return {
        account: self._tag === "Member" ? memberView(account, orgRoles, self) : accountProfile(account),
        organization: organization ?? null,
        permissions: permissionList(effectivePermissions(account, orgRoles))
      }
    }

    /** The account's organization and its roles: read once per sign-in, for the decision and for the answer. */
    const organizationAndRoles = Effect.fnUntraced(function* (account: Account) {
      if (account.kind === "operator" || account.organizationId === null)
        return { organization: undefined, roles: [] as ReadonlyArray<Role> }
      const organization = yield* organizations.get(account.organizationId)
      return { organization, roles: yield* roles.listByOrganization(account.organizationId) }
    })

    /**
     * Whether the account may hold a session at all: active, and a member only of an existing organization
     * (`organization` is the account's, as read with it).
     */
    const holderMaySignIn = (account: Account, organization: Organization | undefined): boolean =>
      account.status === "active" &&
      !account.passwordResetRequired &&
      (account.kind === "operator" || (account.organizationId !== null && organization?.id === account.organizationId))

    const login = Effect.fn("Authentication.login")(function* (input: {
      readonly email: string
      readonly password: string
    }) {
      const { email, password } = yield* decodeInput(LoginInput)(input)
      const account = yield* accounts.findByEmail(email)
      if (!account) {
        const now = yield* DateTime.now
        const registration = yield* registrations.findOpenByEmail(email)
        if (registration && isRegistrationOpen(registration, now)) {
          if (yield* hasher.verify(registration.passwordHash, password))
            return yield* new RegistrationNotApproved({ status: effectiveRegistrationStatus(registration, now) })
          return yield* new InvalidCredentials()
        }
        yield* hasher.verify(yield* dummyHash, password)
        return yield* new InvalidCredentials()
      }
      const stored = account.passwordHash
      const correct =
        stored === null
          ? yield* hasher.verify(yield* dummyHash, password).pipe(Effect.as(false))
          : yield* hasher.verify(stored, password)
      if (!correct || stored === null) return yield* new InvalidCredentials()
      if (account.passwordResetRequired) return yield* new PasswordResetRequired()
      if (account.status === "deactivated") return yield* new AccountDeactivated()
      const { organization, roles: orgRoles } = yield* organizationAndRoles(account)
      if (!holderMaySignIn(account, organization)) return yield* new InvalidCredentials()
      const rehashed = hasher.needsRehash(stored) ? yield* hasher.hash(password) : undefined
      const session = yield* inTransaction(
        Effect.gen(function* () {
          if (rehashed) {
            // Only if nobody changed the password meanwhile (a reset racing the login).
            const current = yield* accounts.get(account.id)
            if (current && current.passwordHash === stored)
              yield* accounts
                .update(new Account({ ...current, passwordHash: rehashed, updatedAt: yield* DateTime.now }))
                .pipe(Effect.catchTags({ EmailAlreadyRegistered: Effect.die, MainAdminConflict: Effect.die }))
          }
          return yield* issueSession(account.id)
        })
      )
      return { ...signedInOf(account, organization, orgRoles), session } satisfies LoggedIn
    })

    const signInWithVerifiedEmail = Effect.fn("Authentication.signInWithVerifiedEmail")(function* (raw: string) {
      const email = yield* decodeInput(Email)(raw).pipe(Effect.mapError(() => new InvalidCredentials()))
      const account = yield* accounts.findByEmail(email)
      if (!account) return yield* new InvalidCredentials()
      if (account.passwordResetRequired) return yield* new PasswordResetRequired()
      if (account.status === "deactivated") return yield* new AccountDeactivated()
      const { organization, roles: orgRoles } = yield* organizationAndRoles(account)
      if (!holderMaySignIn(account, organization)) return yield* new InvalidCredentials()
      const session = yield* inTransaction(issueSession(account.id))
      return { ...signedInOf(account, organization, orgRoles), session } satisfies LoggedIn
    })

    /** The stored session a token stands for, if the token's secret matches its hash. */
    const sessionOf = Effect.fnUntraced(function* (token: string) {
      const parsed = parseSessionToken(token)
      if (!parsed) return undefined
      const session = yield* sessions.get(parsed.id)
      if (!session) return undefined
      return timingSafeEqual(sha256Hex(parsed.secret), session.secretHash) ? session : undefined
    })

    const logout = Effect.fn("Authentication.logout")(function* (token: string) {
      const session = yield* sessionOf(token)
      if (session) yield* sessions.revoke(session.id, yield* DateTime.now)
    })

    /**
     * The live session a token stands for and its holder, read in one go (`getWithHolder`) on every signed-in
     * request, never cached: a revoked session, a deactivated account or a role taken away counts at once.
     */
    const live = Effect.fnUntraced(function* (token: string) {
      const parsed = parseSessionToken(token)
      if (!parsed) return yield* new Unauthenticated()
      const found = yield* sessions.getWithHolder(parsed.id).pipe(Effect.provideContext(context))
      if (!found || !timingSafeEqual(sha256Hex(parsed.secret), found.session.secretHash))
        return yield* new Unauthenticated()
      const { session, account, organization } = found
      const now = yield* DateTime.now
      const policy = yield* SessionPolicyRef
      if (!isLive(session, now, policy) || !account || !holderMaySignIn(account, organization))
        return yield* new Unauthenticated()
      const touchPolicy = yield* AuthenticationPolicyRef
      if (!DateTime.isLessThan(now, DateTime.addDuration(session.lastSeenAt, touchPolicy.sessionTouchInterval)))
        yield* sessions.touch(session.id, now)
      return { session, account, organization, roles: found.roles }
    })

    const authenticate = Effect.fn("Authentication.authenticate")(function* (token: string) {
      const { session, account, roles: orgRoles } = yield* live(token)
      const actor = actorOf(account, orgRoles)
      return {
        actor,
        account: accountProfile(account),
        sessionId: session.id,
        viewer: actor._tag === "Member" ? { actor, account, roles: orgRoles } : undefined
      } satisfies Authenticated
    })

    const me = Effect.fn("Authentication.me")(function* (token: string) {
      const { account, organization, roles: orgRoles } = yield* live(token)
      return signedInOf(account, organization, orgRoles)
    })

    /** Issues a reset link for the account and queues its mail. Inside a unit of work. */
    const sendResetLink = Effect.fnUntraced(function* (account: Account, actor: Actor) {
      const policy = yield* AuthenticationPolicyRef
      const link = yield* issueLink({
        purpose: "passwordReset",
        subjectId: account.id,
        email: account.email,
        lifetime: policy.passwordResetLinkLifetime
      })
      yield* enqueue({
        _tag: "PasswordResetLink",
        recipient: account.email,
        recipientName: displayName(account),
        locale: "de",
        token: link.token,
        expiresAt: link.expiresAt
      })
      yield* record({
        chain: chainOf(account),
        actor,
        action: "account.passwordResetStarted",
        subject: { type: "account", id: account.id },
        before: null,
        after: { linkExpiresAt: DateTime.formatIso(link.expiresAt) }
      })
    })

    const requestPasswordReset = Effect.fn("Authentication.requestPasswordReset")(function* (input: {
      readonly email: string
    }) {
      const { email } = yield* decodeInput(PasswordResetRequestInput)(input)
      const policy = yield* AuthenticationPolicyRef
      const [elapsed, exit] = yield* Effect.timed(
        inTransaction(
          Effect.gen(function* () {
            // Counted for every address, known or not, so that the limit does not tell which have an account.
            yield* limitMail(email, policy.perAddress)
            const account = yield* accounts.findByEmail(email)
            // Only an account that can use a new password gets one; migrated accounts are active with the flag.
            if (account && account.status === "active") yield* sendResetLink(account, system)
          })
        ).pipe(Effect.exit)
      )
      const remaining = Duration.subtract(policy.passwordResetResponseTime, elapsed)
      if (Duration.isGreaterThan(remaining, Duration.zero)) yield* Effect.sleep(remaining)
      return yield* exit
    })

    const confirmPasswordReset = Effect.fn("Authentication.confirmPasswordReset")(function* (input: {
      readonly token: string
      readonly password: string
    }) {
      const { token, password } = yield* decodeInput(PasswordResetConfirmInput)(input)
      // Refuse a dead link before paying for the hash; the unit of work checks again and uses it up.
      yield* checkLink("passwordReset", token).pipe(Effect.provideContext(context))
      const passwordHash = yield* hasher.hash(password)
      yield* inTransaction(
        Effect.gen(function* () {
          const link = yield* redeemLink("passwordReset", token)
          const account = yield* accounts.get(link.subjectId as AccountId)
          if (!account || account.email !== link.email || account.status !== "active")
            return yield* new LinkExpiredOrUsed({ purpose: "passwordReset" })
          const now = yield* DateTime.now
          yield* accounts
            .update(new Account({ ...account, passwordHash, passwordResetRequired: false, updatedAt: now }))
            .pipe(Effect.catchTags({ EmailAlreadyRegistered: Effect.die, MainAdminConflict: Effect.die }))
          yield* sessions.revokeAllForAccount(account.id, now)
          yield* LinkTokenStore.use((s) => s.revokeAll("passwordReset", account.id, now))
          yield* enqueue({
            _tag: "PasswordChanged",
            recipient: account.email,
            recipientName: displayName(account),
            locale: "de",
            changedAt: now
          })
          yield* record({
            chain: chainOf(account),
            actor: system,
            action: "account.passwordChanged",
            subject: { type: "account", id: account.id },
            before: { passwordResetRequired: account.passwordResetRequired },
            after: { passwordResetRequired: false, sessionsEnded: true }
          })
        })
      )
    })

    /** The acting operator or member, re-read so that a revoked role or account counts at once. */
    const mayStartReset = Effect.fnUntraced(function* (actor: Actor, target: Account) {
      if (actor._tag === "System") return yield* new PermissionDenied({ permission: "operator" })
      const acting = yield* accounts.get(actor.accountId)
      if (acting?.status !== "active") return yield* new Unauthenticated()
      if (actor._tag === "Operator") {
        if (acting.kind !== "operator") return yield* new Unauthenticated()
        return
      }
      if (acting.kind !== "member" || acting.organizationId !== actor.organizationId)
        return yield* new Unauthenticated()
      // Another organization's account does not exist for the viewer (DOMAIN §11: never "forbidden").
      if (target.organizationId !== actor.organizationId || target.kind !== "member")
        return yield* new AccountNotFound({ accountId: target.id })
      const orgRoles = yield* roles.listByOrganization(actor.organizationId)
      if (!isAdmin(acting, orgRoles)) return yield* new PermissionDenied({ permission: "organizationAdmin" })
    })

    /** Without a target: only that the actor is who it claims, so a stranger learns nothing from `AccountNotFound`. */
    const mayStartResetFor = Effect.fnUntraced(function* (actor: Member | Operator) {
      const acting = yield* accounts.get(actor.accountId)
      if (acting?.status !== "active") return yield* new Unauthenticated()
    })

    const startPasswordReset = Effect.fn("Authentication.startPasswordReset")(function* (
      actor: Actor,
      accountId: string
    ) {
      yield* inTransaction(
        Effect.gen(function* () {
          const target = accountId === "" ? undefined : yield* accounts.get(accountId as AccountId)
          if (!target || target.status === "deleted") {
            if (actor._tag === "Member" || actor._tag === "Operator") yield* mayStartResetFor(actor)
            return yield* new AccountNotFound({ accountId })
          }
          yield* mayStartReset(actor, target)
          if (target.status !== "active")
            return yield* new IllegalAccountTransition({
              accountId: target.id,
              status: target.status,
              action: "startPasswordReset"
            })
          yield* limitMail(target.email, (yield* AuthenticationPolicyRef).perAddress)
          yield* sendResetLink(target, actor)
        })
      )
    })

    return Authentication.of({
      login,
      signInWithVerifiedEmail,
      logout,
      authenticate,
      me,
      requestPasswordReset,
      confirmPasswordReset,
      startPasswordReset
    })
  })

  static readonly layer = Layer.effect(Authentication)(Authentication.make)
}
