import type { SessionWithHolder } from "@cloudportal/core"
import { and, eq, isNull, sql } from "drizzle-orm"
import { Effect, Layer } from "effect"
import { LinkToken, LinkTokenStore, Role, Session, SessionStore } from "../internal/core.ts"
import { prepared } from "../internal/prepared.ts"
import { storable } from "../internal/text.ts"
import { fromMillis, fromMillisOrNull, toMillis, toMillisOrNull } from "../internal/time.ts"
import { LibsqlDatabase } from "../LibsqlDatabase.ts"
import { accounts } from "../schema/accounts.ts"
import { type LinkTokenRow, linkTokens } from "../schema/link-tokens.ts"
import { organizations } from "../schema/organizations.ts"
import { type SessionRow, sessions } from "../schema/sessions.ts"
import { toDomain as accountToDomain } from "./AccountLibsql.ts"
import { toDomain as organizationToDomain } from "./OrganizationLibsql.ts"

export const linkTokenToRow = (t: LinkToken): LinkTokenRow => ({
  hash: t.hash,
  purpose: t.purpose,
  subjectId: t.subjectId,
  email: t.email,
  createdAt: toMillis(t.createdAt),
  expiresAt: toMillis(t.expiresAt),
  usedAt: toMillisOrNull(t.usedAt),
  revokedAt: toMillisOrNull(t.revokedAt)
})

export const linkTokenToDomain = (r: LinkTokenRow): LinkToken =>
  new LinkToken({
    hash: r.hash,
    purpose: r.purpose as LinkToken["purpose"],
    subjectId: r.subjectId,
    email: r.email as LinkToken["email"],
    createdAt: fromMillis(r.createdAt),
    expiresAt: fromMillis(r.expiresAt),
    usedAt: fromMillisOrNull(r.usedAt),
    revokedAt: fromMillisOrNull(r.revokedAt)
  })

export const sessionToRow = (s: Session): SessionRow => ({
  id: s.id,
  accountId: s.accountId,
  secretHash: s.secretHash,
  createdAt: toMillis(s.createdAt),
  lastSeenAt: toMillis(s.lastSeenAt),
  expiresAt: toMillis(s.expiresAt),
  revokedAt: toMillisOrNull(s.revokedAt)
})

export const sessionToDomain = (r: SessionRow): Session =>
  new Session({
    id: r.id as Session["id"],
    accountId: r.accountId as Session["accountId"],
    secretHash: r.secretHash,
    createdAt: fromMillis(r.createdAt),
    lastSeenAt: fromMillis(r.lastSeenAt),
    expiresAt: fromMillis(r.expiresAt),
    revokedAt: fromMillisOrNull(r.revokedAt)
  })

const live = and(isNull(linkTokens.usedAt), isNull(linkTokens.revokedAt))

const sessionById = prepared((db) =>
  db
    .select()
    .from(sessions)
    .where(eq(sessions.id, sql.placeholder("id")))
    .prepare()
)

/**
 * Every signed-in request's read, as one statement on primary keys: the session, its account, the account's
 * organization, and the organization's roles as one JSON array in creation order (`[id, name, permissions,
 * builtIn]` each), on the roles' (organization_id, normalized_name) index.
 */
const sessionWithHolder = prepared((db) =>
  db
    .select({
      session: sessions,
      account: accounts,
      organization: organizations,
      roles: sql<string | null>`(
        SELECT json_group_array(json_array(r.id, r.name, json(r.permissions), r.built_in))
        FROM (SELECT id, name, permissions, built_in FROM roles WHERE organization_id = ${accounts.organizationId} ORDER BY rowid) AS r
      )`
    })
    .from(sessions)
    .leftJoin(accounts, eq(accounts.id, sessions.accountId))
    .leftJoin(organizations, eq(organizations.id, accounts.organizationId))
    .where(eq(sessions.id, sql.placeholder("id")))
    .prepare()
)

type RoleTuple = readonly [id: string, name: string, permissions: ReadonlyArray<string>, builtIn: number]

/** Link tokens; `consume` is a compare-and-set, so a link works once even when presented twice at once. */
export const layerLinkTokens: Layer.Layer<LinkTokenStore, never, LibsqlDatabase> = Layer.effect(
  LinkTokenStore,
  Effect.gen(function* () {
    const { read, write } = yield* LibsqlDatabase
    return LinkTokenStore.of({
      insert: (t) =>
        write("LinkTokenStore.insert", async (db) => {
          await db.insert(linkTokens).values(storable(linkTokens, linkTokenToRow(t)))
        }),
      findByHash: (hash) =>
        read("LinkTokenStore.findByHash", async (db) => {
          const [row] = await db.select().from(linkTokens).where(eq(linkTokens.hash, hash))
          return row && linkTokenToDomain(row)
        }),
      consume: (hash, at) =>
        write("LinkTokenStore.consume", async (db) => {
          const result = await db
            .update(linkTokens)
            .set({ usedAt: toMillis(at) })
            .where(and(eq(linkTokens.hash, hash), live))
          return result.rowsAffected === 1
        }),
      revokeAll: (purpose, subjectId, at) =>
        write("LinkTokenStore.revokeAll", async (db) => {
          await db
            .update(linkTokens)
            .set({ revokedAt: toMillis(at) })
            .where(and(eq(linkTokens.purpose, purpose), eq(linkTokens.subjectId, subjectId), live))
        })
    })
  })
)

/** Sessions; only the secret's hash is stored. */
export const layerSessions: Layer.Layer<SessionStore, never, LibsqlDatabase> = Layer.effect(
  SessionStore,
  Effect.gen(function* () {
    const { read, write } = yield* LibsqlDatabase
    return SessionStore.of({
      insert: (s) =>
        write("SessionStore.insert", async (db) => {
          await db.insert(sessions).values(storable(sessions, sessionToRow(s)))
        }),
      get: (id) =>
        read("SessionStore.get", async (db) => {
          const row = await sessionById(db).get({ id })
          return row && sessionToDomain(row)
        }),
      getWithHolder: (id) =>
        read("SessionStore.getWithHolder", async (db): Promise<SessionWithHolder | undefined> => {
          const row = await sessionWithHolder(db).get({ id })
          if (!row) return undefined
          const organizationId = row.account?.organizationId ?? null
          const roles =
            organizationId === null || row.roles === null
              ? []
              : (JSON.parse(row.roles) as ReadonlyArray<RoleTuple>).map(
                  ([roleId, name, permissions, builtIn]) =>
                    new Role({
                      id: roleId as Role["id"],
                      organizationId: organizationId as Role["organizationId"],
                      name,
                      permissions: permissions as Role["permissions"],
                      builtIn: builtIn === 1
                    })
                )
          return {
            session: sessionToDomain(row.session),
            account: row.account ? accountToDomain(row.account) : undefined,
            organization: row.organization ? organizationToDomain(row.organization) : undefined,
            roles
          }
        }),
      touch: (id, at) =>
        write("SessionStore.touch", async (db) => {
          await db
            .update(sessions)
            .set({ lastSeenAt: toMillis(at) })
            .where(eq(sessions.id, id))
        }),
      revoke: (id, at) =>
        write("SessionStore.revoke", async (db) => {
          await db
            .update(sessions)
            .set({ revokedAt: toMillis(at) })
            .where(and(eq(sessions.id, id), isNull(sessions.revokedAt)))
        }),
      revokeAllForAccount: (accountId, at) =>
        write("SessionStore.revokeAllForAccount", async (db) => {
          await db
            .update(sessions)
            .set({ revokedAt: toMillis(at) })
            .where(and(eq(sessions.accountId, accountId), isNull(sessions.revokedAt)))
        }),
      listLiveForAccount: (accountId) =>
        read("SessionStore.listLiveForAccount", async (db) =>
          (
            await db
              .select()
              .from(sessions)
              .where(and(eq(sessions.accountId, accountId), isNull(sessions.revokedAt)))
              .orderBy(sql`rowid`)
          ).map(sessionToDomain)
        )
    })
  })
)
