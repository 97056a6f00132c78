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

/** An account with its position in creation order: what keyset paging continues after. */
export interface KeyedAccount {
  readonly account: Account
  /**
   * Printable ASCII, ascending in creation order (as strings), fixed for the account's life and unique in the
   * store. Its form is the store's own: a key is only ever handed back to the store that made it.
   */
  readonly key: string
}

/** What `pageMembers` is asked for: at most `limit` members, after the one keyed `after`. */
export interface MembersPageRequest {
  readonly limit: number
  readonly after?: string | undefined
}

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
    /**
     * One page of the organization's members (kind member) that are not deleted, in creation order: at most
     * `limit` of them, after the one keyed `after` (from the start without it). Costs the page, not the
     * organization: a database answers it from its index. A key this store did not make finds nothing.
     */
    readonly pageMembers: (
      id: OrganizationId,
      request: MembersPageRequest
    ) => Effect.Effect<ReadonlyArray<KeyedAccount>, StorageError>
  }
>()("@cloudportal/core/AccountStore") {
  static readonly layerMemory = Layer.sync(AccountStore)(() => {
    const rows = new MemoryTable<AccountId, Account>()
    // Creation order as a number per account, like a database's row id: never reused, never moved by updates.
    const sequence = new Map<AccountId, number>()
    const keyOf = (n: number) => String(n).padStart(positionDigits, "0")
    const save = (a: Account): Effect.Effect<void, AccountWriteError> =>
      Effect.suspend((): Effect.Effect<void, AccountWriteError> => {
        if (a.status !== "deleted" && rows.find((o) => o.id !== a.id && o.status !== "deleted" && o.email === a.email))
          return Effect.fail(new EmailAlreadyRegistered({ email: a.email }))
        if (a.isMainAdmin && rows.find((o) => o.id !== a.id && o.isMainAdmin && o.organizationId === a.organizationId))
          return Effect.fail(new MainAdminConflict({ organizationId: a.organizationId ?? "" }))
        if (!rows.get(a.id)) sequence.set(a.id, sequence.size + 1)
        return rows.set(a.id, a)
      })
    return {
      insert: save,
      update: save,
      get: (id) => Effect.sync(() => rows.get(id)),
      findByEmail: (email) => Effect.sync(() => rows.find((a) => a.email === email && a.status !== "deleted")),
      listByOrganization: (id) => Effect.sync(() => rows.filter((a) => a.organizationId === id)),
      pageMembers: (id, { limit, after }) =>
        Effect.sync(() => {
          if (after !== undefined && positionOf(after) === undefined) return []
          // The table iterates in insertion order, which is the order of `sequence`: the first `limit` found are the page.
          const found: Array<KeyedAccount> = []
          for (const account of rows.values()) {
            if (found.length >= limit) break
            if (account.organizationId !== id || account.kind !== "member" || account.status === "deleted") continue
            const key = keyOf(sequence.get(account.id) ?? 0)
            if (after === undefined || key > after) found.push({ account, key })
          }
          return found
        })
    }
  })
}

/** Width of a position key: 19 digits hold every 64-bit row id, so string order is number order. */
export const positionDigits = 19

/** The position a key of `positionDigits` digits stands for; undefined for anything else. */
export const positionOf = (key: string): bigint | undefined =>
  key.length === positionDigits && /^[0-9]+$/u.test(key) ? BigInt(key) : undefined

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
