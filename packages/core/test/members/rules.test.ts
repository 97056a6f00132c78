import { assert, describe, it } from "@effect/vitest"
import { DateTime, Result } from "effect"
import * as fc from "fast-check"
import type { Member } from "../../src/kernel/Actor.ts"
import type { AccountId, OrganizationId, RoleId } from "../../src/kernel/Ids.ts"
import { type Permission, permissionKeys } from "../../src/kernel/Permission.ts"
import { Account, type AccountStatus, AccountStatus as AccountStatusSchema, Role } from "../../src/members/Account.ts"
import {
  accountTransitions,
  authorize,
  decideRoleAssignment,
  type LifecycleCommand,
  memberActions,
  nextStatus,
  PermissionEscalation
} from "../../src/members/Membership.ts"
import { actorOf, canOrder, effectivePermissions, isAdmin } from "../../src/members/Permissions.ts"

const org = "org_rules" as OrganizationId
const now = DateTime.makeUnsafe("2025-05-01T10:00:00Z")

const account = (fields: Partial<Account> = {}) =>
  new Account({
    id: "acc_target" as AccountId,
    kind: "member",
    organizationId: org,
    email: "ziel@rules.test" as Account["email"],
    firstName: "Zoe",
    lastName: "Ziel",
    status: "active",
    isMainAdmin: false,
    roleIds: [],
    passwordHash: null,
    passwordResetRequired: false,
    createdAt: now,
    updatedAt: now,
    ...fields
  })

const adminRole = new Role({
  id: "role_admin" as RoleId,
  organizationId: org,
  name: "Organisationsadmin",
  permissions: permissionKeys,
  builtIn: true
})

const customRoles = permissionKeys.map(
  (p, i) =>
    new Role({ id: `role_${i}` as RoleId, organizationId: org, name: `Nur ${p}`, permissions: [p], builtIn: false })
)
const allRoles = [adminRole, ...customRoles]

const statuses = AccountStatusSchema.literals
const commands: ReadonlyArray<LifecycleCommand> = [
  "acceptInvitation",
  "resendInvitation",
  "deactivate",
  "reactivate",
  "delete"
]

describe("account lifecycle (pure)", () => {
  it("an account moves only along invited → active ⇄ deactivated, and to deleted from any state", () => {
    const expected: Record<AccountStatus, Partial<Record<LifecycleCommand, AccountStatus>>> = {
      invited: { acceptInvitation: "active", resendInvitation: "invited", delete: "deleted" },
      active: { deactivate: "deactivated", delete: "deleted" },
      deactivated: { reactivate: "active", delete: "deleted" },
      deleted: {}
    }
    for (const status of statuses)
      for (const command of commands)
        assert.strictEqual(nextStatus(status, command), expected[status][command], `${status} × ${command}`)
    assert.deepStrictEqual(accountTransitions, expected)
  })

  it("deleted is final: no command leads out of it", () => {
    for (const command of commands) assert.isUndefined(nextStatus("deleted", command))
  })
})

describe("ordering and admins (pure)", () => {
  it("every active member can order, and no role takes it away", () => {
    fc.assert(
      fc.property(fc.subarray(allRoles.map((r) => r.id)), fc.constantFrom(...statuses), (roleIds, status) => {
        assert.strictEqual(canOrder(account({ roleIds, status })), status === "active")
      })
    )
    assert.isFalse(canOrder(account({ kind: "operator", organizationId: null })))
  })

  it("admins are the main admin and the holders of „Organisationsadmin“, and hold the whole catalogue", () => {
    const cases: ReadonlyArray<[Account, boolean]> = [
      [account({ isMainAdmin: true }), true],
      [account({ roleIds: [adminRole.id] }), true],
      [account({ roleIds: customRoles.map((r) => r.id) }), false],
      [account(), false]
    ]
    for (const [a, admin] of cases) {
      assert.strictEqual(isAdmin(a, allRoles), admin)
      if (admin) assert.deepStrictEqual([...effectivePermissions(a, allRoles)], [...permissionKeys])
    }
  })

  it("employees have only what their roles give", () => {
    fc.assert(
      fc.property(fc.subarray(customRoles), (held) => {
        const permissions = effectivePermissions(account({ roleIds: held.map((r) => r.id) }), allRoles)
        assert.deepStrictEqual(new Set(permissions), new Set(held.flatMap((r) => r.permissions)))
      })
    )
  })
})

const viewerWith = (permissions: ReadonlyArray<Permission>, admin: boolean): Member => ({
  _tag: "Member",
  accountId: "acc_viewer" as AccountId,
  organizationId: org,
  isAdmin: admin,
  isMainAdmin: false,
  permissions: new Set(admin ? permissionKeys : permissions)
})

describe("granting roles (pure)", () => {
  it("nobody grants a permission they do not hold, and only admins touch „Organisationsadmin“", () => {
    fc.assert(
      fc.property(
        fc.subarray([...permissionKeys]),
        fc.boolean(),
        fc.subarray(allRoles.map((r) => r.id)),
        fc.subarray(allRoles.map((r) => r.id)),
        (held, admin, current, requested) => {
          const viewer = viewerWith(held, admin)
          const result = decideRoleAssignment(viewer, current, requested, allRoles)
          const added = allRoles.filter((r) => requested.includes(r.id) && !current.includes(r.id))
          const removed = allRoles.filter((r) => current.includes(r.id) && !requested.includes(r.id))
          const touchesAdmin = [...added, ...removed].some((r) => r.builtIn)
          const grantsOnlyHeld = added.every((r) =>
            (r.builtIn ? permissionKeys : r.permissions).every((p) => viewer.permissions.has(p))
          )
          const allowed = grantsOnlyHeld && (!touchesAdmin || admin)
          assert.strictEqual(Result.isSuccess(result), allowed)
          if (Result.isFailure(result)) assert.instanceOf(result.failure, PermissionEscalation)
        }
      )
    )
  })

  it("a role of another organization is not found", () => {
    const foreign = new Role({
      ...customRoles[0]!,
      id: "role_foreign" as RoleId,
      organizationId: "org_other" as OrganizationId
    })
    const result = decideRoleAssignment(viewerWith([], true), [], [foreign.id], [...allRoles, foreign])
    assert.isTrue(Result.isFailure(result) && result.failure._tag === "RoleNotFound")
  })
})

describe("who may act on whom (pure)", () => {
  it("another organization's or a deleted account does not exist for the viewer, whatever the viewer may", () => {
    const viewer = actorOf(account({ id: "acc_viewer" as AccountId, isMainAdmin: true }), allRoles) as Member
    for (const target of [
      account({ organizationId: "org_other" as OrganizationId }),
      account({ status: "deleted" }),
      account({ kind: "operator", organizationId: null })
    ])
      for (const action of memberActions) {
        const result = authorize(viewer, target, allRoles, action)
        assert.isTrue(Result.isFailure(result) && result.failure._tag === "AccountNotFound", `${action}`)
      }
  })
})
