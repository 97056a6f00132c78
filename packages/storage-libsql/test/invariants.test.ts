import { assert, describe, layer } from "@effect/vitest"
import { sql } from "drizzle-orm"
import { drizzle } from "drizzle-orm/libsql"
import { Effect, Layer } from "effect"
import {
  Account,
  AccountStore,
  Address,
  AddressStore,
  Organization,
  OrganizationStore,
  Role,
  RoleStore,
  SecureRandom,
  UnitOfWork
} from "../src/internal/core.ts"
import { constraintViolation, LibsqlDatabase } from "../src/LibsqlDatabase.ts"
import * as schema from "../src/schema/index.ts"
import * as AccountLibsql from "../src/stores/AccountLibsql.ts"
import * as OrganizationLibsql from "../src/stores/OrganizationLibsql.ts"
import { sampleWorld } from "./support/core.ts"
import { freshDatabase, targets } from "./support/databases.ts"
import { seedWorld } from "./support/fixtures.ts"

/** Runs a statement on the bare client, past every store and every check of the adapter. */
const bare = <A>(query: (db: ReturnType<typeof drizzle>) => PromiseLike<A>) =>
  Effect.gen(function* () {
    const { client } = yield* LibsqlDatabase
    return yield* Effect.tryPromise({ try: () => query(drizzle({ client })), catch: (cause) => cause })
  })

const refusedBy = (cause: unknown, kind: string, column: string) => {
  const violation = constraintViolation(cause)
  assert.strictEqual(violation?.kind, kind, String(cause))
  assert.include(violation?.message, column)
}

for (const target of targets)
  describe(`libSQL ${target}`, () => {
    layer(Layer.merge(freshDatabase(target), SecureRandom.layerWebCrypto))((it) => {
      it.effect("the database itself refuses a second main admin for one organization", () =>
        Effect.gen(function* () {
          const w = yield* sampleWorld
          yield* seedWorld(w)
          const other = yield* sampleWorld
          const second = new Account({ ...other.account, organizationId: w.organization.id, roleIds: [] })
          const cause = yield* Effect.flip(bare((db) => db.insert(schema.accounts).values(AccountLibsql.toRow(second))))
          refusedBy(cause, "unique", "accounts.organization_id")
          const error = yield* Effect.flip(AccountStore.use((s) => s.insert(second)))
          assert.strictEqual(error._tag, "MainAdminConflict")
        })
      )

      it.effect("the database itself refuses a second live account with the same email; deleting frees it", () =>
        Effect.gen(function* () {
          const w = yield* sampleWorld
          yield* seedWorld(w)
          const other = yield* sampleWorld
          yield* OrganizationStore.use((s) => s.insert(other.organization))
          const twin = new Account({ ...other.account, email: w.account.email, roleIds: [] })
          const cause = yield* Effect.flip(bare((db) => db.insert(schema.accounts).values(AccountLibsql.toRow(twin))))
          refusedBy(cause, "unique", "accounts.email")
          const error = yield* Effect.flip(AccountStore.use((s) => s.insert(twin)))
          assert.strictEqual(error._tag, "EmailAlreadyRegistered")

          yield* AccountStore.use((s) => s.update(new Account({ ...w.account, status: "deleted", isMainAdmin: false })))
          yield* AccountStore.use((s) => s.insert(twin))
          assert.strictEqual((yield* AccountStore.use((s) => s.findByEmail(w.account.email)))?.id, twin.id)
        })
      )

      it.effect("an account breaking both rules at once is refused for its email, as core's rules answer", () =>
        Effect.gen(function* () {
          const w = yield* sampleWorld
          yield* seedWorld(w)
          const other = yield* sampleWorld
          const both = new Account({ ...other.account, organizationId: w.organization.id, email: w.account.email })
          const error = yield* Effect.flip(AccountStore.use((s) => s.insert(both)))
          assert.strictEqual(error._tag, "EmailAlreadyRegistered")
        })
      )

      it.effect("the database itself refuses a second default address for one organization", () =>
        Effect.gen(function* () {
          const w = yield* sampleWorld
          yield* seedWorld(w)
          const other = yield* sampleWorld
          const second = new Address({ ...other.address, organizationId: w.organization.id })
          const cause = yield* Effect.flip(
            bare((db) => db.insert(schema.addresses).values(OrganizationLibsql.addressToRow(second)))
          )
          refusedBy(cause, "unique", "addresses.organization_id")
          const error = yield* Effect.flip(AddressStore.use((s) => s.insert(second)))
          assert.strictEqual(error._tag, "DefaultAddressConflict")
          yield* AddressStore.use((s) => s.insert(new Address({ ...second, isDefault: false })))
          assert.strictEqual((yield* AddressStore.use((s) => s.listByOrganization(w.organization.id))).length, 2)
        })
      )

      it.effect("the database itself refuses a second organization whose normalized name is taken", () =>
        Effect.gen(function* () {
          const w = yield* sampleWorld
          yield* seedWorld(w)
          const other = yield* sampleWorld
          const sameName = new Organization({
            ...other.organization,
            name: `  ${w.organization.name.toUpperCase().replace(" ", "   ")} `
          })
          const cause = yield* Effect.flip(
            bare((db) => db.insert(schema.organizations).values(OrganizationLibsql.toRow(sameName)))
          )
          refusedBy(cause, "unique", "organizations.normalized_name")
          const error = yield* Effect.flip(OrganizationStore.use((s) => s.insert(sameName)))
          assert.strictEqual(error._tag, "OrganizationAlreadyRegistered")
          assert.strictEqual((yield* OrganizationStore.use((s) => s.findByName(sameName.name)))?.id, w.organization.id)
        })
      )

      it.effect("the database itself refuses two roles of one organization whose normalized names are equal", () =>
        Effect.gen(function* () {
          const w = yield* sampleWorld
          yield* seedWorld(w)
          const other = yield* sampleWorld
          const twin = new Role({
            ...other.role,
            organizationId: w.organization.id,
            name: ` ${w.role.name.toUpperCase()}`
          })
          const cause = yield* Effect.flip(bare((db) => db.insert(schema.roles).values(AccountLibsql.roleToRow(twin))))
          refusedBy(cause, "unique", "roles.normalized_name")
          const error = yield* Effect.flip(RoleStore.use((s) => s.insert(twin)))
          assert.strictEqual(error._tag, "RoleNameTaken")
          // Another organization may use the same name.
          yield* OrganizationStore.use((s) => s.insert(other.organization))
          yield* RoleStore.use((s) => s.insert(new Role({ ...other.role, name: w.role.name })))
        })
      )

      it.effect("foreign keys are enforced: no address of an unknown organization", () =>
        Effect.gen(function* () {
          const orphan = (yield* sampleWorld).address
          const cause = yield* Effect.flip(
            bare((db) => db.insert(schema.addresses).values(OrganizationLibsql.addressToRow(orphan)))
          )
          refusedBy(cause, "foreignKey", "FOREIGN KEY")
          const error = yield* Effect.flip(AddressStore.use((s) => s.insert(orphan)))
          assert.strictEqual(error._tag, "StorageError")
        })
      )

      it.effect(
        "of 50 concurrent registrations with one email exactly one commits, the others get EmailAlreadyRegistered",
        () =>
          Effect.gen(function* () {
            const worlds = yield* Effect.all(Array.from({ length: 50 }, () => sampleWorld))
            const email = worlds[0]!.account.email
            const outcomes = yield* Effect.forEach(
              worlds,
              (w) =>
                UnitOfWork.use((u) =>
                  u.transaction(
                    Effect.gen(function* () {
                      yield* OrganizationStore.use((s) => s.insert(w.organization))
                      yield* AccountStore.use((s) => s.insert(new Account({ ...w.account, email, roleIds: [] })))
                    })
                  )
                ).pipe(
                  Effect.as("committed"),
                  Effect.catchTag("EmailAlreadyRegistered", (e) => Effect.succeed(e._tag))
                ),
              { concurrency: "unbounded" }
            )
            assert.strictEqual(outcomes.filter((o) => o === "committed").length, 1)
            assert.strictEqual(outcomes.filter((o) => o === "EmailAlreadyRegistered").length, 49)
            const winner = worlds[outcomes.indexOf("committed")]!
            assert.strictEqual((yield* AccountStore.use((s) => s.findByEmail(email)))?.id, winner.account.id)
            // The losers' organizations went with their failed units of work.
            const organizations = yield* Effect.forEach(worlds, (w) =>
              OrganizationStore.use((s) => s.get(w.organization.id))
            )
            assert.deepStrictEqual(
              organizations.map((o) => o?.id),
              worlds.map((w) => (w === winner ? w.organization.id : undefined))
            )
          })
      )

      it.effect("50 concurrent single writes and 50 concurrent write transactions all succeed", () =>
        Effect.gen(function* () {
          const worlds = yield* Effect.all(Array.from({ length: 100 }, () => sampleWorld))
          yield* Effect.forEach(
            worlds,
            (w, i) =>
              i % 2 === 0
                ? OrganizationStore.use((s) => s.insert(w.organization))
                : UnitOfWork.use((u) => u.transaction(seedWorld(w))),
            { concurrency: "unbounded", discard: true }
          )
          const stored = yield* Effect.forEach(worlds, (w) => OrganizationStore.use((s) => s.get(w.organization.id)))
          assert.strictEqual(stored.filter((o) => o !== undefined).length, 100)
        })
      )

      it.effect("every connection has foreign keys on and waits for locks (busy timeout)", () =>
        Effect.gen(function* () {
          const db = yield* LibsqlDatabase
          // Concurrent reads make a file client open several pooled connections; each must carry the settings.
          const settings = yield* Effect.forEach(
            Array.from({ length: 12 }, (_, i) => i),
            () =>
              db.read("pragmas", async (d) => ({
                foreignKeys: (await d.get<{ foreign_keys: number }>(sql`PRAGMA foreign_keys`))?.foreign_keys,
                busyTimeout:
                  target === "sqld" ? 5000 : (await d.get<{ timeout: number }>(sql`PRAGMA busy_timeout`))?.timeout
              })),
            { concurrency: "unbounded" }
          )
          for (const s of settings) assert.deepStrictEqual(s, { foreignKeys: 1, busyTimeout: 5000 })
          const journal = yield* db.read("journal", (d) => d.get<{ journal_mode: string }>(sql`PRAGMA journal_mode`))
          assert.strictEqual(journal?.journal_mode, target === "memory" ? "memory" : "wal")
        })
      )
    })
  })
