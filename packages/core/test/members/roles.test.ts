import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { type InvalidInput, PermissionDenied } from "../../src/kernel/Errors.ts"
import { permissionKeys } from "../../src/kernel/Permission.ts"
import { RoleNameTaken, RoleStore } from "../../src/members/AccountStore.ts"
import { PermissionEscalation, RoleNotFound } from "../../src/members/Membership.ts"
import { BuiltInRoleProtected } from "../../src/members/RoleRules.ts"
import { Roles } from "../../src/members/Roles.ts"
import { actorFor, auditOf, everything, makeAccount, makeRole, makeWorld, reload, TestLayer } from "./fixtures.ts"

/** A world with an organization admin and an employee holding `roles.manage` and `orders.viewOrganization`. */
const world = Effect.gen(function* () {
  const w = yield* makeWorld()
  const admin = yield* makeAccount(w.organization, { roleIds: [w.adminRole.id] })
  const curatorRole = yield* makeRole(w.organization, ["roles.manage", "orders.viewOrganization"], "Rollenpflege")
  const curator = yield* makeAccount(w.organization, { roleIds: [curatorRole.id] })
  const employee = yield* makeAccount(w.organization)
  return { ...w, admin, curatorRole, curator, employee }
})

describe("roles", () => {
  it.effect("the built-in „Organisationsadmin“ is listed first, with every permission", () =>
    Effect.gen(function* () {
      const roles = yield* Roles
      const w = yield* world
      yield* makeRole(w.organization, ["orders.viewOrganization"], "Abrechnung")
      const listed = yield* roles.list(yield* actorFor(w.employee))
      assert.deepStrictEqual(
        listed.items.map((r) => r.name),
        ["Organisationsadmin", "Abrechnung", "Rollenpflege"]
      )
      assert.isTrue(listed.items[0]!.builtIn)
      assert.deepStrictEqual(listed.items[0]!.permissions, permissionKeys)
      assert.isNull(listed.nextCursor)
      const firstPage = yield* roles.list(yield* actorFor(w.employee), { limit: 2 })
      const rest = yield* roles.list(yield* actorFor(w.employee), { limit: 2, cursor: firstPage.nextCursor! })
      assert.deepStrictEqual(
        [...firstPage.items, ...rest.items].map((r) => r.name),
        ["Organisationsadmin", "Abrechnung", "Rollenpflege"]
      )
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("admins define roles with a name and permissions from the catalogue", () =>
    Effect.gen(function* () {
      const roles = yield* Roles
      const w = yield* world
      const role = yield* roles.create(yield* actorFor(w.admin), {
        name: "  Beschaffung  ",
        permissions: ["orders.viewOrganization", "members.invite", "orders.viewOrganization"]
      })
      assert.strictEqual(role.name, "Beschaffung")
      assert.deepStrictEqual(role.permissions, ["members.invite", "orders.viewOrganization"])
      assert.isFalse(role.builtIn)
      assert.deepStrictEqual(yield* RoleStore.use((s) => s.get(role.id)), role)
      const event = (yield* auditOf(w.organization.id)).at(-1)!
      assert.deepStrictEqual([event.action, event.before, event.subject.id], ["role.created", null, role.id])
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("managing roles needs roles.manage", () =>
    Effect.gen(function* () {
      const roles = yield* Roles
      const w = yield* world
      const employee = yield* actorFor(w.employee)
      const before = yield* everything(w.organization.id)
      for (const attempt of <Array<Effect.Effect<unknown, unknown>>>[
        roles.create(employee, { name: "X", permissions: [] }),
        roles.update(employee, w.curatorRole.id, { name: "Y" }),
        roles.delete(employee, w.curatorRole.id)
      ])
        assert.deepStrictEqual(yield* Effect.flip(attempt), new PermissionDenied({ permission: "roles.manage" }))
      assert.deepStrictEqual(yield* everything(w.organization.id), before)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("nobody puts a permission into a role that they do not hold", () =>
    Effect.gen(function* () {
      const roles = yield* Roles
      const w = yield* world
      const curator = yield* actorFor(w.curator)
      const before = yield* everything(w.organization.id)
      const created = yield* Effect.flip(
        roles.create(curator, { name: "Katalog", permissions: ["catalog.manage", "orders.viewOrganization"] })
      )
      assert.deepStrictEqual(
        created,
        new PermissionEscalation({ missing: ["catalog.manage"], adminRoleRequired: false })
      )
      const widened = yield* Effect.flip(
        roles.update(curator, w.curatorRole.id, { permissions: ["roles.manage", "members.manage"] })
      )
      assert.deepStrictEqual(
        widened,
        new PermissionEscalation({ missing: ["members.manage"], adminRoleRequired: false })
      )
      assert.deepStrictEqual(yield* everything(w.organization.id), before)
      // What the curator holds, they may pass on.
      const ok = yield* roles.create(curator, { name: "Einsicht", permissions: ["orders.viewOrganization"] })
      assert.deepStrictEqual(ok.permissions, ["orders.viewOrganization"])
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("removing a permission from a role is no grant, and takes it from every holder", () =>
    Effect.gen(function* () {
      const roles = yield* Roles
      const w = yield* world
      const wide = yield* makeRole(w.organization, ["catalog.manage", "orders.viewOrganization"], "Breit")
      const holder = yield* makeAccount(w.organization, { roleIds: [wide.id] })
      assert.isTrue((yield* actorFor(holder)).permissions.has("orders.viewOrganization"))
      const narrowed = yield* roles.update(yield* actorFor(w.curator), wide.id, { permissions: ["catalog.manage"] })
      assert.deepStrictEqual(narrowed.permissions, ["catalog.manage"])
      assert.deepStrictEqual([...(yield* actorFor(holder)).permissions], ["catalog.manage"])
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("the built-in „Organisationsadmin“ cannot be edited or deleted", () =>
    Effect.gen(function* () {
      const roles = yield* Roles
      const w = yield* world
      const admin = yield* actorFor(w.mainAdmin)
      const before = yield* everything(w.organization.id)
      const protectedRole = new BuiltInRoleProtected({ roleId: w.adminRole.id })
      assert.deepStrictEqual(yield* Effect.flip(roles.update(admin, w.adminRole.id, { name: "Chef" })), protectedRole)
      assert.deepStrictEqual(
        yield* Effect.flip(roles.update(admin, w.adminRole.id, { permissions: [] })),
        protectedRole
      )
      assert.deepStrictEqual(yield* Effect.flip(roles.delete(admin, w.adminRole.id)), protectedRole)
      assert.deepStrictEqual(yield* everything(w.organization.id), before)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("role names are unique within an organization, the built-in one's included", () =>
    Effect.gen(function* () {
      const roles = yield* Roles
      const w = yield* world
      const admin = yield* actorFor(w.admin)
      assert.instanceOf(
        yield* Effect.flip(roles.create(admin, { name: "organisationsadmin", permissions: [] })),
        RoleNameTaken
      )
      assert.instanceOf(
        yield* Effect.flip(roles.create(admin, { name: "ROLLENPFLEGE", permissions: [] })),
        RoleNameTaken
      )
      const other = yield* roles.create(admin, { name: "Abrechnung", permissions: [] })
      assert.instanceOf(yield* Effect.flip(roles.update(admin, other.id, { name: "Rollenpflege" })), RoleNameTaken)
      // The same name in another organization is no conflict.
      const elsewhere = yield* makeWorld()
      const there = yield* roles.create(yield* actorFor(elsewhere.mainAdmin), { name: "Abrechnung", permissions: [] })
      assert.strictEqual(there.name, "Abrechnung")
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("deleting a role removes it from accounts", () =>
    Effect.gen(function* () {
      const roles = yield* Roles
      const w = yield* world
      const extra = yield* makeRole(w.organization, ["orders.viewOrganization"], "Extra")
      const holder = yield* makeAccount(w.organization, { roleIds: [extra.id, w.curatorRole.id] })
      yield* roles.delete(yield* actorFor(w.admin), w.curatorRole.id)
      assert.strictEqual(yield* RoleStore.use((s) => s.get(w.curatorRole.id)), undefined)
      assert.deepStrictEqual((yield* reload(holder)).roleIds, [extra.id])
      assert.deepStrictEqual((yield* reload(w.curator)).roleIds, [])
      assert.isFalse((yield* actorFor(w.curator)).permissions.has("roles.manage"))
      const events = (yield* auditOf(w.organization.id)).slice(-3)
      assert.deepStrictEqual(
        events.map((e) => [e.action, e.subject.id]),
        [
          ["account.rolesChanged", w.curator.id],
          ["account.rolesChanged", holder.id],
          ["role.deleted", w.curatorRole.id]
        ]
      )
      assert.isNull(events[2]!.after)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("bad role input names every offending field and changes nothing", () =>
    Effect.gen(function* () {
      const roles = yield* Roles
      const w = yield* world
      const admin = yield* actorFor(w.admin)
      const before = yield* everything(w.organization.id)
      const created = yield* Effect.flip(roles.create(admin, { name: " ", permissions: ["orders.place", 3] }))
      assert.deepStrictEqual(
        (created as InvalidInput).issues.map((i) => i.path),
        ["name", "permissions.0", "permissions.1"]
      )
      const updated = yield* Effect.flip(roles.update(admin, "", { name: "x".repeat(101), permissions: "all" }))
      assert.deepStrictEqual(
        (updated as InvalidInput).issues.map((i) => i.path),
        [""]
      )
      const patched = yield* Effect.flip(
        roles.update(admin, w.curatorRole.id, { name: "x".repeat(101), permissions: "all" })
      )
      assert.deepStrictEqual(
        (patched as InvalidInput).issues.map((i) => i.path),
        ["name", "permissions"]
      )
      assert.deepStrictEqual(yield* everything(w.organization.id), before)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("an admin of one organization cannot touch a role of another: not found, never forbidden", () =>
    Effect.gen(function* () {
      const roles = yield* Roles
      const mine = yield* world
      const theirs = yield* world
      const admin = yield* actorFor(mine.mainAdmin)
      const before = yield* everything(theirs.organization.id)
      const notFound = new RoleNotFound({ roleId: theirs.curatorRole.id })
      assert.deepStrictEqual(yield* Effect.flip(roles.update(admin, theirs.curatorRole.id, { name: "X" })), notFound)
      assert.deepStrictEqual(yield* Effect.flip(roles.delete(admin, theirs.curatorRole.id)), notFound)
      const listed = yield* roles.list(admin)
      assert.notInclude(
        listed.items.map((r) => r.id),
        theirs.curatorRole.id
      )
      assert.deepStrictEqual(yield* everything(theirs.organization.id), before)
    }).pipe(Effect.provide(TestLayer))
  )
})
