import { Context, DateTime, Duration, Effect, Layer } from "effect"
import { checkLink, issueLink, LinkExpiredOrUsed, LinkTokenStore, redeemLink } from "../identity/LinkToken.ts"
import { PasswordHasher } from "../identity/PasswordHasher.ts"
import { type IssuedSession, issueSession, SessionStore } from "../identity/Session.ts"
import type { Actor, Member } from "../kernel/Actor.ts"
import { type AuditLog, record } from "../kernel/Audit.ts"
import { fromBase64url } from "../kernel/Encoding.ts"
import {
  decodeInput,
  type InvalidInput,
  type PermissionDenied,
  type StorageError,
  type Unauthenticated
} from "../kernel/Errors.ts"
import { AccountId, OrganizationId } from "../kernel/Ids.ts"
import { enqueue, type Outbox } from "../kernel/Outbox.ts"
import { defaultPageLimit, type Page, PageRequest, page } from "../kernel/Paging.ts"
import type { Permission } from "../kernel/Permission.ts"
import { type RateLimit, type RateLimited, RateLimiter } from "../kernel/RateLimiter.ts"
import { newId, type SecureRandom } from "../kernel/SecureRandom.ts"
import { UnitOfWork } from "../kernel/UnitOfWork.ts"
import type { Organization } from "../organization/Organization.ts"
import { OrganizationStore } from "../organization/OrganizationStore.ts"
import { OrganizationNotFound } from "../organization/Profile.ts"
import { Account, displayName } from "./Account.ts"
import { AccountStore, type EmailAlreadyRegistered, RoleStore } from "./AccountStore.ts"
import {
  AccountNotFound,
  accountSnapshot,
  authorize,
  decideRoleAssignment,
  type IllegalAccountTransition,
  IneligibleMainAdmin,
  InvitationAcceptance,
  InvitationInput,
  type LifecycleCommand,
  type MainAdminProtected,
  MainAdminReassignment,
  type MemberAction,
  MemberEdit,
  type MemberView,
  memberView,
  nextStatus,
  type PermissionEscalation,
  RoleAssignment,
  type RoleNotFound
} from "./Membership.ts"
import { actorOf, effectivePermissions } from "./Permissions.ts"
import { loadMember, loadMemberForRead, loadMemberWith, loadOperator } from "./Viewer.ts"

/** Invitation settings; override with `Layer.succeed(InvitationPolicyRef, …)`. */
export interface InvitationPolicy {
  /** How long an invitation link lives (DOMAIN §6). */
  readonly lifetime: Duration.Duration
  /** How many invitation mails (first or resent) one address receives per window (DOMAIN §11). */
  readonly perAddress: RateLimit
}

export const defaultInvitationPolicy: InvitationPolicy = {
  lifetime: Duration.days(7),
  perAddress: { limit: 5, window: Duration.hours(1) }
}

export const InvitationPolicyRef = Context.Reference<InvitationPolicy>("@cloudportal/core/InvitationPolicy", {
  defaultValue: () => defaultInvitationPolicy
})

/** What accepting an invitation answers: the same shape as a login (API.md). */
export interface SignedIn {
  readonly account: MemberView
  readonly organization: Organization
  readonly permissions: ReadonlyArray<Permission>
  readonly session: IssuedSession
}

/**
 * The sort key inside a cursor `PageRequest` has accepted (base64url of printable ASCII, as `page` makes it):
 * the store continues after it.
 */
const cursorKey = (cursor: string): string => String.fromCharCode(...fromBase64url(cursor))

type Refused = PermissionDenied | Unauthenticated | StorageError
type ActionError = InvalidInput | AccountNotFound | MainAdminProtected | IllegalAccountTransition | Refused

/**
 * Accounts of an organization (DOMAIN §6): „Konto hinzufügen", the invitation and its acceptance,
 * deactivation, reactivation, deletion, names and roles, and the operator's reassignment of the main admin.
 * Every method re-reads the acting member inside its unit of work and decides with the pure rules of
 * `Membership.ts`; the `allowedActions` of each view come from the same rules.
 */
export class Members extends Context.Service<
  Members,
  {
    /** Members of the viewer's organization (deleted ones are gone), in order of creation; `{ limit?, cursor? }`. */
    readonly list: (actor: Actor, request?: unknown) => Effect.Effect<Page<MemberView>, InvalidInput | Refused>
    readonly get: (
      actor: Actor,
      accountId: unknown
    ) => Effect.Effect<MemberView, InvalidInput | AccountNotFound | Refused>
    /** Needs `members.invite`; roles given on the way are checked like `setRoles`. */
    readonly invite: (
      actor: Actor,
      input: unknown
    ) => Effect.Effect<
      MemberView,
      | InvalidInput
      | EmailAlreadyRegistered
      | RoleNotFound
      | PermissionEscalation
      | OrganizationNotFound
      | RateLimited
      | Refused
    >
    /** Public: the invited person sets a password; the account becomes active and is signed in. */
    readonly acceptInvitation: (
      input: unknown
    ) => Effect.Effect<SignedIn, InvalidInput | LinkExpiredOrUsed | OrganizationNotFound | StorageError>
    /** „Einladung erneut senden": a new link; the old one dies. */
    readonly resendInvitation: (
      actor: Actor,
      accountId: unknown
    ) => Effect.Effect<MemberView, ActionError | OrganizationNotFound | RateLimited>
    readonly deactivate: (actor: Actor, accountId: unknown) => Effect.Effect<MemberView, ActionError>
    readonly reactivate: (actor: Actor, accountId: unknown) => Effect.Effect<MemberView, ActionError>
    /** For good: the account leaves the organization and all its sessions and links end. */
    readonly delete: (actor: Actor, accountId: unknown) => Effect.Effect<void, ActionError>
    /** First and last name; everyone may edit their own. */
    readonly edit: (actor: Actor, accountId: unknown, input: unknown) => Effect.Effect<MemberView, ActionError>
    /** Replaces the account's roles; nobody grants what they do not hold. */
    readonly setRoles: (
      actor: Actor,
      accountId: unknown,
      input: unknown
    ) => Effect.Effect<MemberView, ActionError | RoleNotFound | PermissionEscalation>
    /** The operator's reassignment, the only way the main admin changes; the reason is recorded. */
    readonly reassignMainAdmin: (
      actor: Actor,
      organizationId: unknown,
      input: unknown
    ) => Effect.Effect<
      MemberView,
      InvalidInput | OrganizationNotFound | AccountNotFound | IneligibleMainAdmin | Refused
    >
  }
>()("@cloudportal/core/Members") {
  static readonly layer = Layer.effect(
    Members,
    Effect.gen(function* () {
      const context = yield* Effect.context<
        | AccountStore
        | RoleStore
        | OrganizationStore
        | LinkTokenStore
        | SessionStore
        | PasswordHasher
        | RateLimiter
        | UnitOfWork
        | AuditLog
        | Outbox
        | SecureRandom
      >()
      const accounts = yield* AccountStore
      const roleStore = yield* RoleStore
      const organizations = yield* OrganizationStore
      const sessions = yield* SessionStore
      const links = yield* LinkTokenStore
      const hasher = yield* PasswordHasher
      const limiter = yield* RateLimiter
      const uow = yield* UnitOfWork

      // Writes that cannot meet these conflicts (no email or main-admin flag changes): meeting one is a defect.
      const write = (a: Account) =>
        accounts.update(a).pipe(Effect.catchTag(["EmailAlreadyRegistered", "MainAdminConflict"], Effect.die))

      const organizationOf = Effect.fnUntraced(function* (id: OrganizationId) {
        const organization = yield* organizations.get(id)
        return organization ?? (yield* new OrganizationNotFound({ organizationId: id }))
      })

      /** The target as the viewer may see it: another organization's or a deleted account does not exist. */
      const target = Effect.fnUntraced(function* (viewer: Member, id: AccountId) {
        const account = yield* accounts.get(id)
        if (
          account?.kind !== "member" ||
          account.organizationId !== viewer.organizationId ||
          account.status === "deleted"
        )
          return yield* new AccountNotFound({ accountId: id })
        return account
      })

      const audit = (
        actor: Actor,
        action: string,
        before: Account | null,
        after: Account,
        extra?: { reason: string }
      ) =>
        record({
          chain: after.organizationId!,
          actor,
          action,
          subject: { type: "account", id: after.id },
          before: before ? accountSnapshot(before) : null,
          after: extra ? { ...accountSnapshot(after), ...extra } : accountSnapshot(after)
        })

      // Inside the unit of work and after every other check: a refused or failed request spends nothing.
      const sendInvitation = Effect.fnUntraced(function* (
        account: Account,
        invitedBy: Account,
        organization: Organization,
        resent: boolean
      ) {
        const { lifetime, perAddress } = yield* InvitationPolicyRef
        yield* limiter.consume(`mail:invitation:${account.email}`, perAddress)
        const link = yield* issueLink({ purpose: "invitation", subjectId: account.id, email: account.email, lifetime })
        yield* enqueue({
          _tag: "Invitation",
          recipient: account.email,
          recipientName: displayName(account),
          locale: "de",
          organizationName: organization.name,
          invitedBy: displayName(invitedBy),
          token: link.token,
          expiresAt: link.expiresAt,
          resent
        })
      })

      const list = Effect.fn("Members.list")(function* (actor: Actor, request?: unknown) {
        const paging = yield* decodeInput(PageRequest)(request ?? {})
        const viewer = yield* loadMemberForRead(actor)
        const limit = paging.limit ?? defaultPageLimit
        // One more than the page: whether it exists decides `nextCursor`. The store pages on its index, so a
        // page costs the same in an organization of five members and in one of thousands.
        const found = yield* accounts.pageMembers(viewer.actor.organizationId, {
          limit: limit + 1,
          after: paging.cursor === undefined ? undefined : cursorKey(paging.cursor)
        })
        const result = page(found, (entry) => entry.key, { limit })
        return { ...result, items: result.items.map(({ account }) => memberView(account, viewer.roles, viewer.actor)) }
      }, Effect.provideContext(context))

      const get = Effect.fn("Members.get")(function* (actor: Actor, accountId: unknown) {
        const id = yield* decodeInput(AccountId)(accountId)
        const viewer = yield* loadMemberForRead(actor)
        return memberView(yield* target(viewer.actor, id), viewer.roles, viewer.actor)
      }, Effect.provideContext(context))

      const invite = Effect.fn("Members.invite")(function* (actor: Actor, input: unknown) {
        const data = yield* decodeInput(InvitationInput)(input)
        const id = yield* newId<AccountId>("acc")
        return yield* uow.transaction(
          Effect.gen(function* () {
            const viewer = yield* loadMemberWith("members.invite")(actor)
            const roleIds = yield* Effect.fromResult(
              decideRoleAssignment(viewer.actor, [], data.roleIds ?? [], viewer.roles)
            )
            const organization = yield* organizationOf(viewer.actor.organizationId)
            const now = yield* DateTime.now
            const account = new Account({
              id,
              kind: "member",
              organizationId: organization.id,
              email: data.email,
              firstName: data.firstName,
              lastName: data.lastName,
              status: "invited",
              isMainAdmin: false,
              roleIds,
              passwordHash: null,
              passwordResetRequired: false,
              createdAt: now,
              updatedAt: now
            })
            // A taken email is refused by the store itself (`EmailAlreadyRegistered`, one live account per email),
            // as it must be when two invitations race: no separate look-up first.
            yield* accounts.insert(account).pipe(Effect.catchTag("MainAdminConflict", Effect.die))
            yield* audit(viewer.actor, "account.invited", null, account)
            yield* sendInvitation(account, viewer.account, organization, false)
            return memberView(account, viewer.roles, viewer.actor)
          })
        )
      }, Effect.provideContext(context))

      const acceptInvitation = Effect.fn("Members.acceptInvitation")(function* (input: unknown) {
        const data = yield* decodeInput(InvitationAcceptance)(input)
        // A dead link fails before the (deliberately slow) hashing; the unit of work checks it again.
        yield* checkLink("invitation", data.token)
        const passwordHash = yield* hasher.hash(data.password)
        return yield* uow.transaction(
          Effect.gen(function* () {
            const link = yield* redeemLink("invitation", data.token)
            const account = yield* accounts.get(link.subjectId as AccountId)
            if (account?.status !== "invited" || account.email !== link.email || !account.organizationId)
              return yield* new LinkExpiredOrUsed({ purpose: "invitation" })
            const organization = yield* organizationOf(account.organizationId)
            const active = new Account({ ...account, status: "active", passwordHash, updatedAt: yield* DateTime.now })
            yield* write(active)
            const roles = yield* roleStore.listByOrganization(organization.id)
            const self = actorOf(active, roles) as Member
            yield* audit(self, "account.invitationAccepted", account, active)
            const session = yield* issueSession(active.id)
            return {
              account: memberView(active, roles, self),
              organization,
              permissions: [...effectivePermissions(active, roles)],
              session
            } satisfies SignedIn
          })
        )
      }, Effect.provideContext(context))

      /** Loads viewer and target, and checks the action with the pure rules. */
      const authorized = Effect.fnUntraced(function* (actor: Actor, id: AccountId, action: MemberAction) {
        const viewer = yield* loadMember(actor)
        const account = yield* target(viewer.actor, id)
        yield* Effect.fromResult(authorize(viewer.actor, account, viewer.roles, action))
        return { viewer, account }
      })

      const resendInvitation = Effect.fn("Members.resendInvitation")(function* (actor: Actor, accountId: unknown) {
        const id = yield* decodeInput(AccountId)(accountId)
        return yield* uow.transaction(
          Effect.gen(function* () {
            const { viewer, account } = yield* authorized(actor, id, "resendInvitation")
            const organization = yield* organizationOf(viewer.actor.organizationId)
            yield* audit(viewer.actor, "account.invitationResent", account, account)
            yield* sendInvitation(account, viewer.account, organization, true)
            return memberView(account, viewer.roles, viewer.actor)
          })
        )
      }, Effect.provideContext(context))

      const lifecycle = (command: LifecycleCommand & MemberAction, action: string) =>
        Effect.fn(`Members.${command}`)(function* (actor: Actor, accountId: unknown) {
          const id = yield* decodeInput(AccountId)(accountId)
          return yield* uow.transaction(
            Effect.gen(function* () {
              const { viewer, account } = yield* authorized(actor, id, command)
              const now = yield* DateTime.now
              const next = new Account({ ...account, status: nextStatus(account.status, command)!, updatedAt: now })
              yield* write(next)
              // Deactivation and deletion end the account's sessions at once (DOMAIN §4); deletion its links too.
              if (next.status !== "active") yield* sessions.revokeAllForAccount(next.id, now)
              if (next.status === "deleted") yield* links.revokeAll("invitation", next.id, now)
              yield* audit(viewer.actor, action, account, next)
              return memberView(next, viewer.roles, viewer.actor)
            })
          )
        }, Effect.provideContext(context))

      const deactivate = lifecycle("deactivate", "account.deactivated")
      const reactivate = lifecycle("reactivate", "account.reactivated")
      const deleteAccount = lifecycle("delete", "account.deleted")
      const remove = (actor: Actor, accountId: unknown) => Effect.asVoid(deleteAccount(actor, accountId))

      const edit = Effect.fn("Members.edit")(function* (actor: Actor, accountId: unknown, input: unknown) {
        const id = yield* decodeInput(AccountId)(accountId)
        const data = yield* decodeInput(MemberEdit)(input)
        return yield* uow.transaction(
          Effect.gen(function* () {
            const { viewer, account } = yield* authorized(actor, id, "edit")
            const firstName = data.firstName ?? account.firstName
            const lastName = data.lastName ?? account.lastName
            if (firstName === account.firstName && lastName === account.lastName)
              return memberView(account, viewer.roles, viewer.actor)
            const next = new Account({ ...account, firstName, lastName, updatedAt: yield* DateTime.now })
            yield* write(next)
            yield* audit(viewer.actor, "account.edited", account, next)
            return memberView(next, viewer.roles, viewer.actor)
          })
        )
      }, Effect.provideContext(context))

      const setRoles = Effect.fn("Members.setRoles")(function* (actor: Actor, accountId: unknown, input: unknown) {
        const id = yield* decodeInput(AccountId)(accountId)
        const data = yield* decodeInput(RoleAssignment)(input)
        return yield* uow.transaction(
          Effect.gen(function* () {
            const { viewer, account } = yield* authorized(actor, id, "setRoles")
            const roleIds = yield* Effect.fromResult(
              decideRoleAssignment(viewer.actor, account.roleIds, data.roleIds, viewer.roles)
            )
            const unchanged =
              roleIds.length === account.roleIds.length && roleIds.every((r) => account.roleIds.includes(r))
            if (unchanged) return memberView(account, viewer.roles, viewer.actor)
            const next = new Account({ ...account, roleIds, updatedAt: yield* DateTime.now })
            yield* write(next)
            yield* audit(viewer.actor, "account.rolesChanged", account, next)
            // The viewer may have changed their own roles: answer with the rights they hold now.
            const after = yield* loadMember(actor)
            return memberView(next, after.roles, after.actor)
          })
        )
      }, Effect.provideContext(context))

      const reassignMainAdmin = Effect.fn("Members.reassignMainAdmin")(function* (
        actor: Actor,
        organizationId: unknown,
        input: unknown
      ) {
        const orgId = yield* decodeInput(OrganizationId)(organizationId)
        const data = yield* decodeInput(MainAdminReassignment)(input)
        return yield* uow.transaction(
          Effect.gen(function* () {
            const { actor: operator } = yield* loadOperator(actor)
            const organization = yield* organizationOf(orgId)
            const candidate = yield* accounts.get(data.accountId)
            if (
              candidate?.kind !== "member" ||
              candidate.organizationId !== organization.id ||
              candidate.status === "deleted"
            )
              return yield* new AccountNotFound({ accountId: data.accountId })
            if (candidate.status !== "active")
              return yield* new IneligibleMainAdmin({ accountId: candidate.id, status: candidate.status })
            const roles = yield* roleStore.listByOrganization(organization.id)
            if (candidate.isMainAdmin) return memberView(candidate, roles, operator)
            const now = yield* DateTime.now
            const reason = { reason: data.reason }
            // The old main admin gives up the flag first: the store never holds two main admins.
            const previous = (yield* accounts.listByOrganization(organization.id)).filter((a) => a.isMainAdmin)
            for (const old of previous) {
              const demoted = new Account({ ...old, isMainAdmin: false, updatedAt: now })
              yield* write(demoted)
              yield* audit(operator, "account.mainAdminRevoked", old, demoted, reason)
            }
            const promoted = new Account({ ...candidate, isMainAdmin: true, updatedAt: now })
            yield* write(promoted)
            yield* audit(operator, "account.madeMainAdmin", candidate, promoted, reason)
            return memberView(promoted, roles, operator)
          })
        )
      }, Effect.provideContext(context))

      return Members.of({
        list,
        get,
        invite,
        acceptInvitation,
        resendInvitation,
        deactivate,
        reactivate,
        delete: remove,
        edit,
        setRoles,
        reassignMainAdmin
      })
    })
  )
}
