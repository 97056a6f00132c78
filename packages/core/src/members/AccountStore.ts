import { Context, Effect, Layer, Schema } from "effect"
import type { Email } from "../kernel/Email.ts"
import type { StorageError } from "../kernel/Errors.ts"
import type { AccountId, OrganizationId, RoleId } from "../kernel/Ids.ts"
import { MemoryTable } from "../kernel/UnitOfWork.ts"
import { type Account, normalizeRoleName, type Role } from "./Account.ts"

/** Email addresses are unique in the portal among accounts that are not deleted (DOMAIN §4). */
export class EmailAlreadyRegistered extends Schema.TaggedError<EmailAlreadyRegistered>()("EmailAlreadyRegistered", {
  email: Schema.String
}) {}

/** A second main admin for one organization: the store refuses it, whatever the use case did. */
export class MainAdminConflict extends Schema.TaggedError<MainAdminConflict>()("MainAdminConflict", {
  organizationId: Schema.String
}) {}

export type AccountWriteError = EmailAlreadyRegistered | MainAdminConflict | StorageError

export class AccountStore extends Context.Service<
  AccountStore,
  {
    readonly insert: (a: Account) => Effect.Effect<void, AccountWriteError>
    readonly update: (a: Account) => Effect.Effect<void, AccountWriteError>
    readonly get: (id: AccountId) => Effect.Effect<Account | undefined, StorageError>
    /** The account holding this normalized email that is not deleted. */
    readonly findByEmail: (email: Email) => Effect.Effect<Account | undefined, StorageError>
    /** Every account of the organization, deleted ones included, in creation order. */
    readonly listByOrganization: (id: OrganizationId) => Effect.Effect<ReadonlyArray<Account>, StorageError>
  }
>()("@cloudportal/core/AccountStore") {
  static readonly layerMemory = Layer.sync(AccountStore)(() => {
    const rows = new MemoryTable<AccountId, Account>()
    const save = (a: Account): Effect.Effect<void, AccountWriteError> =>
      Effect.suspend((): Effect.Effect<void, AccountWriteError> => {
        if (a.status !== "deleted" && rows.find((o) => o.id !== a.id && o.status !== "deleted" && o.email === a.email))
          return Effect.fail(new EmailAlreadyRegistered({ email: a.email }))
        if (a.isMainAdmin && rows.find((o) => o.id !== a.id && o.isMainAdmin && o.organizationId === a.organizationId))
          return Effect.fail(new MainAdminConflict({ organizationId: a.organizationId ?? "" }))
        return rows.set(a.id, a)
      })
    return {
      insert: save,
      update: save,
      get: (id) => Effect.sync(() => rows.get(id)),
      findByEmail: (email) => Effect.sync(() => rows.find((a) => a.email === email && a.status !== "deleted")),
      listByOrganization: (id) => Effect.sync(() => rows.filter((a) => a.organizationId === id))
    }
  })
}

/** Role names are unique within an organization, compared NFKC-, case- and whitespace-insensitively. */
export class RoleNameTaken extends Schema.TaggedError<RoleNameTaken>()("RoleNameTaken", { name: Schema.String }) {}

export class RoleStore extends Context.Service<
  RoleStore,
  {
    readonly insert: (r: Role) => Effect.Effect<void, RoleNameTaken | StorageError>
    readonly update: (r: Role) => Effect.Effect<void, RoleNameTaken | StorageError>
    readonly delete: (id: RoleId) => Effect.Effect<void, StorageError>
    readonly get: (id: RoleId) => Effect.Effect<Role | undefined, StorageError>
    readonly listByOrganization: (id: OrganizationId) => Effect.Effect<ReadonlyArray<Role>, StorageError>
  }
>()("@cloudportal/core/RoleStore") {
  static readonly layerMemory = Layer.sync(RoleStore)(() => {
    const rows = new MemoryTable<RoleId, Role>()
    const save = (r: Role) =>
      Effect.suspend(() =>
        rows.find(
          (o) =>
            o.id !== r.id &&
            o.organizationId === r.organizationId &&
            normalizeRoleName(o.name) === normalizeRoleName(r.name)
        )
          ? Effect.fail(new RoleNameTaken({ name: r.name }))
          : rows.set(r.id, r)
      )
    return {
      insert: save,
      update: save,
      delete: (id) => rows.delete(id),
      get: (id) => Effect.sync(() => rows.get(id)),
      listByOrganization: (id) => Effect.sync(() => rows.filter((r) => r.organizationId === id))
    }
  })
}
