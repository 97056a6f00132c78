import { Context, Effect } from "effect"
import type { Actor, Member, Operator } from "../kernel/Actor.ts"
import { PermissionDenied, type StorageError, Unauthenticated } from "../kernel/Errors.ts"
import type { Permission } from "../kernel/Permission.ts"
import type { Account, Role } from "./Account.ts"
import { AccountStore, RoleStore } from "./AccountStore.ts"
import { actorOf } from "./Permissions.ts"

/** A member acting now, as the stores say it is now, with its organization's roles. */
export interface MemberViewer {
  readonly actor: Member
  readonly account: Account
  readonly roles: ReadonlyArray<Role>
}

/** What `PermissionDenied.permission` names when an action is for members of an organization only. */
export const membersOnly = "member"
/** What `PermissionDenied.permission` names when an action is for the operator only. */
export const operatorsOnly = "operator"

/**
 * Re-reads the acting member from the stores, so that a decision never rests on a stale actor (a role
 * taken away, an account deactivated a moment ago). A member whose account is no longer active has, in
 * effect, no session: `Unauthenticated`. Call inside the use case's unit of work, next to the writes.
 */
export const loadMember = Effect.fnUntraced(function* (actor: Actor) {
  if (actor._tag !== "Member") return yield* new PermissionDenied({ permission: membersOnly })
  const account = yield* AccountStore.use((s) => s.get(actor.accountId))
  if (account?.kind !== "member" || account.status !== "active" || account.organizationId !== actor.organizationId)
    return yield* new Unauthenticated()
  const roles = yield* RoleStore.use((s) => s.listByOrganization(actor.organizationId))
  return { actor: actorOf(account, roles) as Member, account, roles } satisfies MemberViewer
}) as (
  actor: Actor
) => Effect.Effect<MemberViewer, PermissionDenied | Unauthenticated | StorageError, AccountStore | RoleStore>

/**
 * The acting member as the request in progress read it when it authenticated the session (one read of session,
 * account, organization and roles, on every request). Whoever authenticated the request provides it for that
 * request alone (the HTTP adapter does); it is never kept from one request to the next.
 */
export const RequestViewer = Context.Reference<MemberViewer | undefined>("@cloudportal/core/RequestViewer", {
  defaultValue: () => undefined
})

/**
 * `loadMember` for use cases that only read (outside a unit of work): the request's own viewer when the actor is
 * the very one its authentication produced, else a fresh read. Reading again a moment later would decide on
 * no newer state that counts: nothing holds the two reads together, and a change committed just after either
 * of them is missed alike. Use cases that write keep calling `loadMember` inside their unit of work.
 */
export const loadMemberForRead = (
  actor: Actor
): Effect.Effect<MemberViewer, PermissionDenied | Unauthenticated | StorageError, AccountStore | RoleStore> =>
  RequestViewer.use((viewer) =>
    viewer !== undefined && viewer.actor === actor ? Effect.succeed(viewer) : loadMember(actor)
  )

/** `loadMember`, and the member must hold `permission`. */
export const loadMemberWith = (permission: Permission) =>
  Effect.fnUntraced(function* (actor: Actor) {
    const viewer = yield* loadMember(actor)
    if (!viewer.actor.permissions.has(permission)) return yield* new PermissionDenied({ permission })
    return viewer
  }) as (
    actor: Actor
  ) => Effect.Effect<MemberViewer, PermissionDenied | Unauthenticated | StorageError, AccountStore | RoleStore>

/** The acting operator, re-read like `loadMember`; anyone else is refused. */
export const loadOperator = Effect.fnUntraced(function* (actor: Actor) {
  if (actor._tag !== "Operator") return yield* new PermissionDenied({ permission: operatorsOnly })
  const account = yield* AccountStore.use((s) => s.get(actor.accountId))
  if (account?.kind !== "operator" || account.status !== "active") return yield* new Unauthenticated()
  return { actor: { _tag: "Operator", accountId: account.id } satisfies Operator, account }
}) as (
  actor: Actor
) => Effect.Effect<
  { readonly actor: Operator; readonly account: Account },
  PermissionDenied | Unauthenticated | StorageError,
  AccountStore
>
