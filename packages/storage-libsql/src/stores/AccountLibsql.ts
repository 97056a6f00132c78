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

export const toDomain = (r: AccountRow): Account =>
  new Account({
    id: r.id as Account["id"],
    kind: r.kind as Account["kind"],
    organizationId: r.organizationId as Account["organizationId"],
    email: r.email as Account["email"],
    firstName: r.firstName,
    lastName: r.lastName,
    status: r.status as Account["status"],
    isMainAdmin: r.isMainAdmin,
    roleIds: fromJson(r.roleIds) as Account["roleIds"],
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
const accountsOf = prepared((db) =>
  db
    .select()
    .from(accounts)
    .where(eq(accounts.organizationId, sql.placeholder("organizationId")))
    .orderBy(sql`rowid`)
    .prepare()
)
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
    const { read, write } = yield* LibsqlDatabase
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
        read("AccountStore.get", async (db) => {
          const row = await accountById(db).get({ id })
          return row && toDomain(row)
        }),
      findByEmail: (email) =>
        read("AccountStore.findByEmail", async (db) => {
          const [row] = await db
            .select()
            .from(accounts)
            .where(and(eq(accounts.email, email), ne(accounts.status, "deleted")))
          return row && toDomain(row)
        }),
      listByOrganization: (id) =>
        read("AccountStore.listByOrganization", async (db) =>
          (await accountsOf(db).all({ organizationId: id })).map(toDomain)
        )
    })
  })
)

const nameTaken = (r: Role) => (v: ConstraintViolation) =>
  v.kind === "unique" && v.message.includes("roles.normalized_name") ? new RoleNameTaken({ name: r.name }) : undefined

/** Roles; role names are unique within an organization. */
export const layerRoles: Layer.Layer<RoleStore, never, LibsqlDatabase> = Layer.effect(
  RoleStore,
  Effect.gen(function* () {
    const { read, write } = yield* LibsqlDatabase
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
        read("RoleStore.get", async (db) => {
          const row = await roleById(db).get({ id })
          return row && roleToDomain(row)
        }),
      listByOrganization: (id) =>
        read("RoleStore.listByOrganization", async (db) =>
          (await rolesOf(db).all({ organizationId: id })).map(roleToDomain)
        )
    })
  })
)
