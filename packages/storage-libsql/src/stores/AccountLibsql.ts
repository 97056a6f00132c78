import { type KeyedAccount, positionDigits, positionOf } from "@cloudportal/core"
import { and, eq, ne, sql } from "drizzle-orm"
import { Effect, Layer } from "effect"
import {
  Account,
  AccountStore,
  EmailAlreadyRegistered,
  MainAdminConflict,
  normalizeRoleName,
  Role,
  RoleNameTaken,
  RoleStore
} from "../internal/core.ts"
import { fromJson, toJson } from "../internal/json.ts"
import { prepared } from "../internal/prepared.ts"
import { storable } from "../internal/text.ts"
import { fromMillis, toMillis } from "../internal/time.ts"
import type { ConstraintViolation } from "../LibsqlDatabase.ts"
import { LibsqlDatabase } from "../LibsqlDatabase.ts"
import { type AccountRow, accounts } from "../schema/accounts.ts"
import { type RoleRow, roles } from "../schema/roles.ts"

export const toRow = (a: Account): AccountRow => ({
  id: a.id,
  kind: a.kind,
  organizationId: a.organizationId,
  email: a.email,
  firstName: a.firstName,
  lastName: a.lastName,
  status: a.status,
  isMainAdmin: a.isMainAdmin,
  roleIds: toJson(a.roleIds),
  passwordHash: a.passwordHash,
  passwordResetRequired: a.passwordResetRequired,
  createdAt: toMillis(a.createdAt),
  updatedAt: toMillis(a.updatedAt)
})

export const toDomain = (r: AccountRow): Account => accountOf(r, fromJson(r.roleIds) as ReadonlyArray<string>)

/** An account from a row whose role ids are parsed already. */
const accountOf = (r: AccountRow, roleIds: ReadonlyArray<string>): Account =>
  new Account({
    id: r.id as Account["id"],
    kind: r.kind as Account["kind"],
    organizationId: r.organizationId as Account["organizationId"],
    email: r.email as Account["email"],
    firstName: r.firstName,
    lastName: r.lastName,
    status: r.status as Account["status"],
    isMainAdmin: r.isMainAdmin,
    roleIds: roleIds as Account["roleIds"],
    passwordHash: r.passwordHash,
    passwordResetRequired: r.passwordResetRequired,
    createdAt: fromMillis(r.createdAt),
    updatedAt: fromMillis(r.updatedAt)
  })

export const roleToRow = (r: Role): RoleRow => ({
  id: r.id,
  organizationId: r.organizationId,
  name: r.name,
  normalizedName: normalizeRoleName(r.name),
  permissions: toJson(r.permissions),
  builtIn: r.builtIn
})

export const roleToDomain = (r: RoleRow): Role =>
  new Role({
    id: r.id as Role["id"],
    organizationId: r.organizationId as Role["organizationId"],
    name: r.name,
    permissions: fromJson(r.permissions) as Role["permissions"],
    builtIn: r.builtIn
  })

const accountById = prepared((db) =>
  db
    .select()
    .from(accounts)
    .where(eq(accounts.id, sql.placeholder("id")))
    .prepare()
)
const accountByEmail = prepared((db) =>
  db
    .select()
    .from(accounts)
    .where(and(eq(accounts.email, sql.placeholder("email")), ne(accounts.status, "deleted")))
    .prepare()
)
const accountsOf = prepared((db) =>
  db
    .select()
    .from(accounts)
    .where(eq(accounts.organizationId, sql.placeholder("organizationId")))
    .orderBy(sql`rowid`)
    .prepare()
)
/** An account row as `membersPage` packs it: the columns of `AccountRow` in this order, then the row id. */
type PackedAccount = readonly [
  id: string,
  kind: string,
  organizationId: string | null,
  email: string,
  firstName: string,
  lastName: string,
  status: string,
  isMainAdmin: number,
  roleIds: ReadonlyArray<string>,
  passwordHash: string | null,
  passwordResetRequired: number,
  createdAt: number,
  updatedAt: number,
  position: number
]

/**
 * One page of members, keyset-paged on `accounts_organization_idx`: its entries are (organization_id, rowid),
 * so the page is a range of the index and costs the page, however many accounts the organization has. The
 * row id is the creation order the other lists use too (an update keeps it). The page comes back as one JSON
 * array made by SQLite: fifty rows of fourteen columns each crossing into JavaScript value by value (and
 * mapped by the driver and by drizzle) cost several times what SQLite takes to find them.
 */
const membersPage = (organizationId: string, after: bigint, limit: number) => sql<string>`
  SELECT json_group_array(json_array(
    id, kind, organization_id, email, first_name, last_name, status, is_main_admin, json(role_ids),
    password_hash, password_reset_required, created_at, updated_at, position
  ))
  FROM (
    SELECT *, rowid AS position FROM accounts
    WHERE organization_id = ${organizationId} AND rowid > ${after} AND kind = 'member' AND status <> 'deleted'
    ORDER BY rowid LIMIT ${limit}
  )`

const unpack = (r: PackedAccount): KeyedAccount => ({
  account: accountOf(
    {
      id: r[0],
      kind: r[1],
      organizationId: r[2],
      email: r[3],
      firstName: r[4],
      lastName: r[5],
      status: r[6],
      isMainAdmin: r[7] === 1,
      roleIds: "",
      passwordHash: r[9],
      passwordResetRequired: r[10] === 1,
      createdAt: r[11],
      updatedAt: r[12]
    },
    r[8]
  ),
  key: String(r[13]).padStart(positionDigits, "0")
})

const roleById = prepared((db) =>
  db
    .select()
    .from(roles)
    .where(eq(roles.id, sql.placeholder("id")))
    .prepare()
)
const rolesOf = prepared((db) =>
  db
    .select()
    .from(roles)
    .where(eq(roles.organizationId, sql.placeholder("organizationId")))
    .orderBy(sql`rowid`)
    .prepare()
)

const accountConflict = (a: Account) => (v: ConstraintViolation) =>
  v.kind !== "unique"
    ? undefined
    : v.message.includes("accounts.email")
      ? new EmailAlreadyRegistered({ email: a.email })
      : v.message.includes("accounts.organization_id")
        ? new MainAdminConflict({ organizationId: a.organizationId ?? "" })
        : undefined

/** Accounts; partial unique indexes hold one live account per email and one main admin per organization. */
export const layer: Layer.Layer<AccountStore, never, LibsqlDatabase> = Layer.effect(
  AccountStore,
  Effect.gen(function* () {
    const { read, readReference, write } = yield* LibsqlDatabase
    return AccountStore.of({
      insert: (a) =>
        write(
          "AccountStore.insert",
          async (db) => {
            await db.insert(accounts).values(storable(accounts, toRow(a)))
          },
          accountConflict(a)
        ),
      update: (a) =>
        write(
          "AccountStore.update",
          async (db) => {
            const { id: _, ...changes } = toRow(a)
            await db
              .insert(accounts)
              .values(storable(accounts, toRow(a)))
              .onConflictDoUpdate({ target: accounts.id, set: changes })
          },
          accountConflict(a)
        ),
      get: (id) =>
        readReference("AccountStore.get", id, async (db) => {
          const row = await accountById(db).get({ id })
          return row && toDomain(row)
        }),
      findByEmail: (email) =>
        read("AccountStore.findByEmail", async (db) => {
          const row = await accountByEmail(db).get({ email })
          return row && toDomain(row)
        }),
      listByOrganization: (id) =>
        readReference("AccountStore.listByOrganization", id, async (db) =>
          (await accountsOf(db).all({ organizationId: id })).map(toDomain)
        ),
      pageMembers: (id, { limit, after }) =>
        read("AccountStore.pageMembers", async (db): Promise<ReadonlyArray<KeyedAccount>> => {
          const from = after === undefined ? 0n : positionOf(after)
          if (from === undefined) return []
          const [page] = await db.values<[string]>(membersPage(id, from, limit))
          const found = (JSON.parse(page?.[0] ?? "[]") as ReadonlyArray<PackedAccount>).map(unpack)
          // In row-id order already; sorted again because the order of an aggregate is not SQLite's promise.
          return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        })
    })
  })
)

const nameTaken = (r: Role) => (v: ConstraintViolation) =>
  v.kind === "unique" && v.message.includes("roles.normalized_name") ? new RoleNameTaken({ name: r.name }) : undefined

/** Roles; role names are unique within an organization. */
export const layerRoles: Layer.Layer<RoleStore, never, LibsqlDatabase> = Layer.effect(
  RoleStore,
  Effect.gen(function* () {
    const { readReference, write } = yield* LibsqlDatabase
    return RoleStore.of({
      insert: (r) =>
        write(
          "RoleStore.insert",
          async (db) => {
            await db.insert(roles).values(storable(roles, roleToRow(r)))
          },
          nameTaken(r)
        ),
      update: (r) =>
        write(
          "RoleStore.update",
          async (db) => {
            const { id: _, ...changes } = roleToRow(r)
            await db
              .insert(roles)
              .values(storable(roles, roleToRow(r)))
              .onConflictDoUpdate({ target: roles.id, set: changes })
          },
          nameTaken(r)
        ),
      delete: (id) =>
        write("RoleStore.delete", async (db) => {
          await db.delete(roles).where(eq(roles.id, id))
        }),
      get: (id) =>
        readReference("RoleStore.get", id, async (db) => {
          const row = await roleById(db).get({ id })
          return row && roleToDomain(row)
        }),
      listByOrganization: (id) =>
        readReference("RoleStore.listByOrganization", id, async (db) =>
          (await rolesOf(db).all({ organizationId: id })).map(roleToDomain)
        )
    })
  })
)
