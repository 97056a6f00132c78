import { Context, DateTime, Effect, Layer } from "effect"
import type { Actor, Member } from "../kernel/Actor.ts"
import { type AuditLog, record } from "../kernel/Audit.ts"
import {
  decodeInput,
  type InvalidInput,
  type PermissionDenied,
  type StorageError,
  type Unauthenticated
} from "../kernel/Errors.ts"
import { RoleId } from "../kernel/Ids.ts"
import { orderedText, type Page, PageRequest, page } from "../kernel/Paging.ts"
import { newId, type SecureRandom } from "../kernel/SecureRandom.ts"
import { UnitOfWork } from "../kernel/UnitOfWork.ts"
import { Account, normalizeRoleName, Role } from "./Account.ts"
import { AccountStore, type RoleNameTaken, RoleStore } from "./AccountStore.ts"
import { accountSnapshot, type PermissionEscalation, RoleNotFound } from "./Membership.ts"
import { rolePermissions } from "./Permissions.ts"
import {
  type BuiltInRoleProtected,
  decideRoleCreate,
  decideRoleDelete,
  decideRoleUpdate,
  RoleInput,
  RolePatch,
  roleSnapshot
} from "./RoleRules.ts"
import { loadMember, loadMemberWith } from "./Viewer.ts"

type Refused = PermissionDenied | Unauthenticated | StorageError

/**
 * Roles of the signed-in member's organization (DOMAIN §6): a name and permissions from the catalogue.
 * Everyone sees them; changing them needs `roles.manage` (admins hold it) and never grants more than the
 * changer holds. The built-in „Organisationsadmin" is listed, with the whole catalogue, and stays as it is.
 */
export class Roles extends Context.Service<
  Roles,
  {
    /** The built-in role first, then by name; `{ limit?, cursor? }`. */
    readonly list: (actor: Actor, request?: unknown) => Effect.Effect<Page<Role>, InvalidInput | Refused>
    readonly create: (
      actor: Actor,
      input: unknown
    ) => Effect.Effect<Role, InvalidInput | RoleNameTaken | PermissionEscalation | Refused>
    readonly update: (
      actor: Actor,
      roleId: unknown,
      input: unknown
    ) => Effect.Effect<
      Role,
      InvalidInput | RoleNotFound | RoleNameTaken | BuiltInRoleProtected | PermissionEscalation | Refused
    >
    /** Takes the role away from every account holding it, in the same unit of work. */
    readonly delete: (
      actor: Actor,
      roleId: unknown
    ) => Effect.Effect<void, InvalidInput | RoleNotFound | BuiltInRoleProtected | Refused>
  }
>()("@cloudportal/core/Roles") {
  static readonly layer = Layer.effect(
    Roles,
    Effect.gen(function* () {
      const context = yield* Effect.context<AccountStore | RoleStore | UnitOfWork | AuditLog | SecureRandom>()
      const roles = yield* RoleStore
      const accounts = yield* AccountStore
      const uow = yield* UnitOfWork
      const manage = loadMemberWith("roles.manage")

      const shown = (r: Role): Role => (r.builtIn ? new Role({ ...r, permissions: rolePermissions(r) }) : r)

      const owned = Effect.fnUntraced(function* (viewer: Member, id: RoleId) {
        const role = yield* roles.get(id)
        if (!role || role.organizationId !== viewer.organizationId) return yield* new RoleNotFound({ roleId: id })
        return role
      })

      const audit = (actor: Actor, action: string, before: Role | null, after: Role | null) =>
        record({
          chain: (after ?? before)!.organizationId,
          actor,
          action,
          subject: { type: "role", id: (after ?? before)!.id },
          before: before ? roleSnapshot(before) : null,
          after: after ? roleSnapshot(after) : null
        })

      const list = Effect.fn("Roles.list")(function* (actor: Actor, request?: unknown) {
        const paging = yield* decodeInput(PageRequest)(request ?? {})
        const { actor: viewer } = yield* loadMember(actor)
        const all = yield* roles.listByOrganization(viewer.organizationId)
        const result = page(
          all,
          (r) => `${r.builtIn ? "0" : "1"}${orderedText(normalizeRoleName(r.name))}|${r.id}`,
          paging
        )
        return { ...result, items: result.items.map(shown) }
      }, Effect.provideContext(context))

      const create = Effect.fn("Roles.create")(function* (actor: Actor, input: unknown) {
        const data = yield* decodeInput(RoleInput)(input)
        const id = yield* newId<RoleId>("role")
        return yield* uow.transaction(
          Effect.gen(function* () {
            const { actor: viewer } = yield* manage(actor)
            const role = yield* Effect.fromResult(decideRoleCreate(viewer, id, data))
            yield* roles.insert(role)
            yield* audit(viewer, "role.created", null, role)
            return role
          })
        )
      }, Effect.provideContext(context))

      const update = Effect.fn("Roles.update")(function* (actor: Actor, roleId: unknown, input: unknown) {
        const id = yield* decodeInput(RoleId)(roleId)
        const patch = yield* decodeInput(RolePatch)(input)
        return yield* uow.transaction(
          Effect.gen(function* () {
            const { actor: viewer } = yield* manage(actor)
            const current = yield* owned(viewer, id)
            const next = yield* Effect.fromResult(decideRoleUpdate(viewer, current, patch))
            if (next.name === current.name && next.permissions.join() === current.permissions.join()) return current
            yield* roles.update(next)
            yield* audit(viewer, "role.updated", current, next)
            return next
          })
        )
      }, Effect.provideContext(context))

      const remove = Effect.fn("Roles.delete")(function* (actor: Actor, roleId: unknown) {
        const id = yield* decodeInput(RoleId)(roleId)
        yield* uow.transaction(
          Effect.gen(function* () {
            const { actor: viewer } = yield* manage(actor)
            const current = yield* owned(viewer, id)
            yield* Effect.fromResult(decideRoleDelete(current))
            const now = yield* DateTime.now
            const holders = (yield* accounts.listByOrganization(viewer.organizationId)).filter(
              (a) => a.status !== "deleted" && a.roleIds.includes(current.id)
            )
            for (const holder of holders) {
              const next = new Account({
                ...holder,
                roleIds: holder.roleIds.filter((r) => r !== current.id),
                updatedAt: now
              })
              // Only the role list changes: email and main-admin flag stay, so the store cannot refuse.
              yield* accounts
                .update(next)
                .pipe(Effect.catchTag(["EmailAlreadyRegistered", "MainAdminConflict"], Effect.die))
              yield* record({
                chain: holder.organizationId!,
                actor: viewer,
                action: "account.rolesChanged",
                subject: { type: "account", id: holder.id },
                before: accountSnapshot(holder),
                after: accountSnapshot(next)
              })
            }
            yield* roles.delete(current.id)
            yield* audit(viewer, "role.deleted", current, null)
          })
        )
      }, Effect.provideContext(context))

      return Roles.of({ list, create, update, delete: remove })
    })
  )
}
