import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, type Layer, ManagedRuntime } from "effect"
import * as fc from "fast-check"
import { issueSession, SessionStore } from "../../src/identity/Session.ts"
import type { Actor } from "../../src/kernel/Actor.ts"
import { AuditLog, verifyChain } from "../../src/kernel/Audit.ts"
import type { OrganizationId } from "../../src/kernel/Ids.ts"
import { type Permission, permissionKeys } from "../../src/kernel/Permission.ts"
import type { Account, AccountStatus, Role } from "../../src/members/Account.ts"
import { AccountStore, RoleStore } from "../../src/members/AccountStore.ts"
import { Members } from "../../src/members/Members.ts"
import { nextStatus } from "../../src/members/Membership.ts"
import { actorOf, effectivePermissions, isAdmin } from "../../src/members/Permissions.ts"
import { Roles } from "../../src/members/Roles.ts"
import { makeAccount, makeOperator, makeRole, makeWorld, outbox, TestLayer } from "./fixtures.ts"

/**
 * Model-based test of one organization's accounts: random sequences of invitations, acceptances, resent
 * invitations, deactivations, reactivations, deletions, role grants and revocations (on accounts and on roles),
 * sign-ins and operator reassignments, by random actors (the main admin, organization admins, employees with and
 * without permissions, stale actors whose accounts were deactivated), never break the rules of DOMAIN §6:
 *
 * - exactly one main admin, always active;
 * - no permission without a grant, and nobody grants what they lack: after any step, whatever an account
 *   gained (a permission or admin rank), the acting member held before the step;
 * - no grant points to a role that does not exist;
 * - statuses move only along `invited → active ⇄ deactivated` and to `deleted`, which is final;
 * - a deactivated or deleted account has no live session;
 * - every change of accounts or roles is on the organization's audit chain, and the chain holds.
 *
 * The real system is the use cases over the memory layers; the invariants are checked against its stores
 * after every step, so the model itself needs to remember nothing.
 */

type Services = Layer.Success<typeof TestLayer>
type Runtime = ManagedRuntime.ManagedRuntime<Services, never>

interface Real {
  readonly runtime: Runtime
  readonly organizationId: OrganizationId
  readonly operator: Actor
  serial: number
}

// biome-ignore lint/complexity/noBannedTypes: nothing to model (the invariants read the real stores); fast-check wants an object.
type Model = {}

interface State {
  readonly accounts: ReadonlyArray<Account>
  readonly roles: ReadonlyArray<Role>
  readonly auditSequence: number
}

const stateOf = (organizationId: OrganizationId) =>
  Effect.gen(function* () {
    const accounts = yield* AccountStore.use((s) => s.listByOrganization(organizationId))
    const roles = yield* RoleStore.use((s) => s.listByOrganization(organizationId))
    const head = yield* AuditLog.use((l) => l.head(organizationId))
    return { accounts, roles, auditSequence: head?.sequence ?? 0 } satisfies State
  })

const pick = <A>(items: ReadonlyArray<A>, index: number): A | undefined =>
  items.length === 0 ? undefined : items[index % items.length]

const subset = <A>(items: ReadonlyArray<A>, mask: number): ReadonlyArray<A> => items.filter((_, i) => (mask >> i) & 1)

const legalMove = (from: AccountStatus, to: AccountStatus): boolean =>
  from === to ||
  to === "deleted" ||
  (["acceptInvitation", "deactivate", "reactivate"] as const).some((c) => nextStatus(from, c) === to)

/** Who acts in a step: a member (possibly stale: deactivated since), the operator, or the invitee themself. */
type Acting = { readonly kind: "member"; readonly account: Account } | { readonly kind: "exempt" }

const checkInvariants = (before: State, after: State, acting: Acting) =>
  Effect.gen(function* () {
    const mains = after.accounts.filter((a) => a.isMainAdmin)
    assert.strictEqual(mains.length, 1, "exactly one main admin")
    assert.strictEqual(mains[0]!.status, "active", "the main admin is active")

    const roleIds = new Set(after.roles.map((r) => r.id))
    for (const a of after.accounts)
      if (a.status !== "deleted")
        for (const r of a.roleIds) assert.isTrue(roleIds.has(r), `a grant points to a missing role: ${a.id} → ${r}`)

    if (acting.kind === "member") {
      // The actor as it stood before the step; a member that was not active could do nothing.
      const actorBefore = before.accounts.find((a) => a.id === acting.account.id)!
      const held: ReadonlySet<Permission> =
        actorBefore.status === "active" ? effectivePermissions(actorBefore, before.roles) : new Set()
      const wasAdmin = actorBefore.status === "active" && isAdmin(actorBefore, before.roles)
      for (const a of after.accounts) {
        const old = before.accounts.find((b) => b.id === a.id)
        const had = old ? effectivePermissions(old, before.roles) : new Set<Permission>()
        const gained = [...effectivePermissions(a, after.roles)].filter((p) => !had.has(p))
        for (const p of gained) assert.isTrue(held.has(p), `${a.id} gained ${p}, which the actor did not hold`)
        if (isAdmin(a, after.roles) && !(old && isAdmin(old, before.roles)))
          assert.isTrue(wasAdmin, `${a.id} became an admin through a non-admin`)
      }
    }

    for (const a of after.accounts) {
      const old = before.accounts.find((b) => b.id === a.id)
      if (old) assert.isTrue(legalMove(old.status, a.status), `${a.id}: ${old.status} → ${a.status}`)
      if (a.status === "deactivated" || a.status === "deleted") {
        const live = yield* SessionStore.use((s) => s.listLiveForAccount(a.id))
        assert.strictEqual(live.length, 0, `${a.status} account ${a.id} has a live session`)
      }
    }

    const changed = JSON.stringify([before.accounts, before.roles]) !== JSON.stringify([after.accounts, after.roles])
    if (changed) assert.isAbove(after.auditSequence, before.auditSequence, "a change without an audit event")
  })

/** One step: read the state, let `act` try something (refusals are fine), then check every invariant. */
class Step implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly label: string,
    readonly act: (
      real: Real,
      state: State
    ) => { readonly acting: Acting; readonly effect: Effect.Effect<unknown, unknown, Services> } | undefined
  ) {}
  check() {
    return true
  }
  run(_model: Model, real: Real) {
    const act = this.act
    return real.runtime.runPromise(
      Effect.gen(function* () {
        const before = yield* stateOf(real.organizationId)
        const attempt = act(real, before)
        if (!attempt) return
        // A refusal is an answer; a defect (a broken assertion inside the step, a bug in a use case) is not.
        const exit = yield* Effect.exit(attempt.effect)
        if (Exit.isFailure(exit) && Exit.hasDies(exit)) return yield* Effect.failCause(exit.cause)
        yield* checkInvariants(before, yield* stateOf(real.organizationId), attempt.acting)
      })
    )
  }
  toString() {
    return this.label
  }
}

/** The member at `index` among the organization's accounts that are not deleted, as the adapter would see it. */
const member = (state: State, index: number) => {
  const account = pick(
    state.accounts.filter((a) => a.status !== "deleted"),
    index
  )
  return account && { account, actor: actorOf(account, state.roles), acting: { kind: "member", account } as const }
}
const anyAccount = (state: State, index: number) => pick(state.accounts, index)

const fittingStatus = {
  resendInvitation: "invited",
  deactivate: "active",
  reactivate: "deactivated",
  delete: "active"
} as const

const actorIx = fc.nat({ max: 15 })
const targetIx = fc.nat({ max: 15 })
const roleMask = fc.nat({ max: 63 })
const permissionMask = fc.nat({ max: (1 << permissionKeys.length) - 1 })

const invite = fc.tuple(actorIx, roleMask, fc.boolean()).map(
  ([a, mask, reuse]) =>
    new Step(`invite(${a}, roles ${mask}${reuse ? ", taken email" : ""})`, (real, state) => {
      const m = member(state, a)
      if (!m) return undefined
      const email = reuse ? state.accounts[0]!.email : `person-${real.serial++}@model.test`
      return {
        acting: m.acting,
        effect: Members.use((s) =>
          s.invite(m.actor, {
            email,
            firstName: "Paula",
            lastName: "Probe",
            roleIds: subset(state.roles, mask).map((r) => r.id)
          })
        )
      }
    })
)

const accept = fc.tuple(targetIx, fc.boolean()).map(
  ([t, oldest]) =>
    new Step(`accept(${t}${oldest ? ", oldest link" : ""})`, (_real, state) => {
      const invited = pick(
        state.accounts.filter((a) => a.status === "invited"),
        t
      )
      if (!invited) return undefined
      return {
        acting: { kind: "exempt" },
        effect: Effect.gen(function* () {
          const mails = (yield* outbox).filter((n) => n._tag === "Invitation" && n.recipient === invited.email)
          const mail = oldest ? mails.at(0) : mails.at(-1)
          if (mail?._tag !== "Invitation") return
          const accepted = yield* Effect.exit(
            Members.use((s) => s.acceptInvitation({ token: mail.token, password: "ein ausreichend langes Passwort!" }))
          )
          // A resent invitation kills the older links; the newest one works.
          assert.strictEqual(Exit.isSuccess(accepted), mail === mails.at(-1), "only the newest invitation link works")
        })
      }
    })
)

const commands = [
  // Inviting and accepting weigh more: an invitation has to exist before anything can happen to it.
  invite,
  invite,
  accept,
  accept,
  fc.tuple(targetIx).map(
    ([t]) =>
      new Step(`signIn(${t})`, (_real, state) => {
        const active = pick(
          state.accounts.filter((a) => a.status === "active"),
          t
        )
        return active && { acting: { kind: "exempt" }, effect: issueSession(active.id) }
      })
  ),
  ...(["resendInvitation", "deactivate", "reactivate", "delete"] as const).map((action) =>
    fc.tuple(actorIx, targetIx, fc.boolean()).map(
      ([a, t, fitting]) =>
        new Step(`${action}(${a} → ${fitting ? "fitting " : ""}${t})`, (_real, state) => {
          const m = member(state, a)
          // Half the time the target is one whose status the action fits, so that the action can succeed.
          const target = fitting
            ? pick(
                state.accounts.filter((x) => x.status === fittingStatus[action]),
                t
              )
            : anyAccount(state, t)
          if (!m || !target) return undefined
          return { acting: m.acting, effect: Members.use((s) => s[action](m.actor, target.id)) }
        })
    )
  ),
  fc.tuple(actorIx, targetIx, roleMask).map(
    ([a, t, mask]) =>
      new Step(`setRoles(${a} → ${t}, roles ${mask})`, (_real, state) => {
        const m = member(state, a)
        const target = anyAccount(state, t)
        if (!m || !target) return undefined
        const roleIds = subset(state.roles, mask).map((r) => r.id)
        return { acting: m.acting, effect: Members.use((s) => s.setRoles(m.actor, target.id, { roleIds })) }
      })
  ),
  fc.tuple(actorIx, permissionMask).map(
    ([a, mask]) =>
      new Step(`createRole(${a}, permissions ${mask})`, (real, state) => {
        const m = member(state, a)
        if (!m) return undefined
        const input = { name: `Rolle ${real.serial++}`, permissions: subset(permissionKeys, mask) }
        return { acting: m.acting, effect: Roles.use((s) => s.create(m.actor, input)) }
      })
  ),
  fc.tuple(actorIx, targetIx, permissionMask).map(
    ([a, r, mask]) =>
      new Step(`updateRole(${a}, role ${r}, permissions ${mask})`, (_real, state) => {
        const m = member(state, a)
        const role = pick(state.roles, r)
        if (!m || !role) return undefined
        const permissions = subset(permissionKeys, mask)
        return { acting: m.acting, effect: Roles.use((s) => s.update(m.actor, role.id, { permissions })) }
      })
  ),
  fc.tuple(actorIx, targetIx).map(
    ([a, r]) =>
      new Step(`deleteRole(${a}, role ${r})`, (_real, state) => {
        const m = member(state, a)
        const role = pick(state.roles, r)
        if (!m || !role) return undefined
        return { acting: m.acting, effect: Roles.use((s) => s.delete(m.actor, role.id)) }
      })
  ),
  fc.tuple(targetIx).map(
    ([t]) =>
      new Step(`operator reassigns main admin(${t})`, (real, state) => {
        const target = anyAccount(state, t)
        if (!target) return undefined
        const input = { accountId: target.id, reason: "Modelltest" }
        return {
          acting: { kind: "exempt" },
          effect: Members.use((s) => s.reassignMainAdmin(real.operator, real.organizationId, input))
        }
      })
  )
]

/** The starting organization: main admin, an organization admin, a manager, an employee without rights. */
const setup = () => {
  const runtime: Runtime = ManagedRuntime.make(TestLayer)
  return runtime.runPromise(
    Effect.gen(function* () {
      const w = yield* makeWorld()
      yield* makeAccount(w.organization, { roleIds: [w.adminRole.id] })
      const managerRole = yield* makeRole(w.organization, ["members.invite", "members.manage", "roles.manage"])
      const viewerRole = yield* makeRole(w.organization, ["orders.viewOrganization"])
      yield* makeAccount(w.organization, { roleIds: [managerRole.id, viewerRole.id] })
      yield* makeAccount(w.organization)
      // One invitation is pending from the start, so that accepting and resending it can happen at once.
      yield* Members.use((s) =>
        s.invite(actorOf(w.mainAdmin, [w.adminRole]), { email: "eingeladen@model.test", firstName: "I", lastName: "N" })
      )
      const operator = yield* makeOperator
      const real: Real = { runtime, organizationId: w.organization.id, operator, serial: 0 }
      return { model: {} as Model, real }
    })
  )
}

/** What must hold at the end of every run, beyond the per-step invariants. */
const finalCheck = (real: Real) =>
  real.runtime.runPromise(
    Effect.gen(function* () {
      const events = yield* AuditLog.use((l) => l.list(real.organizationId, { afterSequence: 0, limit: 1_000_000 }))
      assert.deepStrictEqual(yield* verifyChain(events), { ok: true })
    })
  )

describe("accounts of one organization (model-based)", () => {
  it("random sequences of account and role changes by random actors never break the rules", { timeout: 60_000 }, () =>
    fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 12 }), (steps) =>
        setup().then(({ model, real }) =>
          fc
            .asyncModelRun(() => Promise.resolve({ model, real }), steps)
            .then(() => finalCheck(real))
            .finally(() => real.runtime.dispose())
        )
      ),
      { numRuns: 1000 }
    )
  )

  it.effect("the invariants catch a broken rule (the check itself can fail)", () =>
    Effect.gen(function* () {
      const w = yield* makeWorld()
      const before = yield* stateOf(w.organization.id)
      const second = yield* makeAccount(w.organization)
      const broken = {
        ...before,
        accounts: [...before.accounts, { ...second, isMainAdmin: true } as Account]
      }
      const exit = yield* Effect.exit(checkInvariants(before, broken, { kind: "exempt" }))
      assert.isTrue(Exit.hasDies(exit))
      const employee = yield* makeAccount(w.organization)
      const withEmployee = yield* stateOf(w.organization.id)
      const escalated = {
        ...withEmployee,
        accounts: withEmployee.accounts.map((a) =>
          a.id === employee.id ? ({ ...a, roleIds: [w.adminRole.id] } as Account) : a
        ),
        auditSequence: withEmployee.auditSequence + 1
      }
      const exit2 = yield* Effect.exit(checkInvariants(withEmployee, escalated, { kind: "member", account: employee }))
      assert.isTrue(Exit.hasDies(exit2))
    }).pipe(Effect.provide(TestLayer))
  )
})
