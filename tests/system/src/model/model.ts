import fc from "fast-check"
import type { Answer } from "../http.ts"
import type { Portal } from "../portal.ts"
import { type Market, type PlanKey, password, plans, type World } from "../world.ts"
import {
  bavarianMunicipalThresholdCents,
  beforeProviderConfirmation,
  type ContractModel,
  isLegalHistory,
  type OrderAction,
  type Permission,
  partyPermission,
  permissions,
  rejected,
  stepFor,
  steps
} from "./spec.ts"

/**
 * A simple model of the portal — organizations, accounts, roles and orders — and commands that random actors
 * (the operator, admins, employees, providers, intermediaries, strangers without or with a forged session) issue
 * over the HTTP API. Each command predicts the answer from the model, compares it with the portal's, applies the
 * change to the model, and then checks that the portal as a whole agrees with the model and that the invariants
 * hold (`checkInvariants`).
 */

export type OrgKey = "c1" | "c2" | "provider" | "intermediary"
export const orgKeys: ReadonlyArray<OrgKey> = ["c1", "c2", "provider", "intermediary"]

export type AccountStatus = "invited" | "active" | "deactivated" | "deleted"

export interface MAccount {
  readonly id: string
  readonly org: OrgKey
  readonly email: string
  status: AccountStatus
  mainAdmin: boolean
  roles: Array<string>
  token: string | undefined
  /** The session behind `token` is alive (nothing ended it). */
  live: boolean
  /** Invitation mails sent to the address in the current hour (core limits them to 5). */
  invitationMails: number
  /** Came in through an invitation: has invitation links. */
  readonly invited: boolean
  /** When the newest invitation link went out; links live 7 days, so a jump of the clock kills them. */
  linkEpoch: number
}

export interface MRole {
  readonly id: string
  readonly org: OrgKey
  readonly builtIn: boolean
  readonly permissions: ReadonlySet<Permission>
}

export interface MOrder {
  readonly id: string
  readonly customer: OrgKey
  readonly orderedBy: string
  readonly contractModel: ContractModel
  readonly totalCents: number
  readonly epoch: number
  /** Counts toward the anti-splitting sum: placed on the belowThreshold ground. */
  readonly belowThreshold: boolean
  status: string
  readonly history: Array<string>
}

export interface Model {
  readonly orgIds: Record<OrgKey, string>
  readonly accounts: Array<MAccount>
  roles: Array<MRole>
  readonly orders: Array<MOrder>
  operatorToken: string
  /** How often the clock jumped past every decision deadline. */
  epoch: number
}

export interface Real {
  readonly portal: Portal
  readonly w: World
  readonly market: Market
}

// ---------------------------------------------------------------------------------------------------------
// Actors

export type ActorPick =
  | { readonly kind: "account"; readonly n: number }
  /** A signed-in account for which the command can succeed, if there is one (else any account). */
  | { readonly kind: "fitting"; readonly n: number }
  | { readonly kind: "operator" }
  | { readonly kind: "anonymous" }
  | { readonly kind: "forged" }

type Actor = MAccount | { readonly kind: "operator" } | { readonly kind: "anonymous" } | { readonly kind: "forged" }

const isAccount = (a: Actor | Outcome): a is MAccount => "id" in a

export const actorArb: fc.Arbitrary<ActorPick> = fc.oneof(
  { weight: 7, arbitrary: fc.nat().map((n) => ({ kind: "account" as const, n })) },
  { weight: 7, arbitrary: fc.nat().map((n) => ({ kind: "fitting" as const, n })) },
  { weight: 1, arbitrary: fc.constant({ kind: "operator" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "anonymous" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "forged" as const }) }
)

const resolve = (m: Model, pick: ActorPick, fits: (a: MAccount) => boolean = () => true): Actor => {
  if (pick.kind === "account") return m.accounts[pick.n % m.accounts.length]!
  if (pick.kind !== "fitting") return pick
  const fitting = m.accounts.filter((a) => signedIn(a) && fits(a))
  const pool = fitting.length > 0 ? fitting : m.accounts
  return pool[pick.n % pool.length]!
}

/** A target account: any, or (`near`) one of the actor's own organization. */
export interface TargetPick {
  readonly n: number
  readonly near: boolean
}
export const targetArb: fc.Arbitrary<TargetPick> = fc.record({ n: fc.nat(), near: fc.boolean() })

const pickTarget = (m: Model, actor: Actor, t: TargetPick): MAccount => {
  const near = t.near && isAccount(actor) ? m.accounts.filter((a) => a.org === actor.org) : m.accounts
  return near[t.n % near.length]!
}

const tokenOf = (m: Model, actor: Actor): string | undefined => {
  if (isAccount(actor)) return actor.token
  if (actor.kind === "operator") return m.operatorToken
  return actor.kind === "forged" ? "ses_gefaelscht.kein-geheimnis" : undefined
}

const describeActor = (a: Actor) => (isAccount(a) ? `${a.org}:${a.id}${a.mainAdmin ? "(main)" : ""}` : a.kind)

// ---------------------------------------------------------------------------------------------------------
// Rules of DOMAIN §6 as the model sees them

const rolesOf = (m: Model, a: MAccount) => m.roles.filter((r) => a.roles.includes(r.id))
const isAdmin = (m: Model, a: MAccount) => a.mainAdmin || rolesOf(m, a).some((r) => r.builtIn)
const permissionsOf = (m: Model, a: MAccount): ReadonlySet<Permission> =>
  isAdmin(m, a) ? new Set(permissions) : new Set(rolesOf(m, a).flatMap((r) => [...r.permissions]))
const can = (m: Model, a: MAccount, p: Permission) => permissionsOf(m, a).has(p)
const signedIn = (a: MAccount) => a.live && a.status === "active"

interface Outcome {
  readonly status: number
  readonly code?: string
}
const refuse = (status: number, code: string): Outcome => ({ status, code })
const unauthenticated = refuse(401, "Unauthenticated")
const denied = refuse(403, "PermissionDenied")

/** The gate of every member route: a live session of an active member. */
const memberGate = (actor: Actor): Outcome | MAccount => {
  if (!isAccount(actor)) return actor.kind === "operator" ? denied : unauthenticated
  return signedIn(actor) ? actor : unauthenticated
}

/** The gate of every operator route. */
const operatorGate = (actor: Actor): Outcome | undefined => {
  if (isAccount(actor)) return signedIn(actor) ? denied : unauthenticated
  return actor.kind === "operator" ? undefined : unauthenticated
}

// ---------------------------------------------------------------------------------------------------------
// Comparing

class Disagreement extends Error {
  override readonly name = "Disagreement"
}

/** How often each command met each answer, across runs: shows whether the sequences reach deep states. */
export const outcomes = new Map<string, number>()

const expectOutcome = (what: string, answer: Answer, expected: Outcome) => {
  const command = /^(\w+)\(/u.exec(what)?.[1]
  if (command) {
    const key = `${command} ${answer.status}${answer.body?.code ? ` ${answer.body.code}` : ""}`
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1)
  }
  const code = answer.body?.code
  if (answer.status !== expected.status || (expected.code !== undefined && code !== expected.code))
    throw new Disagreement(
      `${what}: the model expects ${expected.status} ${expected.code ?? ""}, the portal answered ${answer.status}: ${answer.text.slice(0, 400)}`
    )
  if (answer.status >= 400 && !(answer.headers.get("content-type") ?? "").startsWith("application/problem+json"))
    throw new Disagreement(`${what}: an error answer that is no problem document`)
}

const sameSet = (what: string, actual: ReadonlyArray<string>, expected: ReadonlyArray<string>) => {
  const a = [...actual].sort()
  const e = [...expected].sort()
  if (a.length !== e.length || a.some((x, i) => x !== e[i]))
    throw new Disagreement(`${what}: the portal shows [${a.join(", ")}], the model [${e.join(", ")}]`)
}

const api = (r: Real) => r.w.api

// ---------------------------------------------------------------------------------------------------------
// Orders as the model sees them

const mayView = (m: Model, viewer: MAccount, o: MOrder): boolean =>
  (viewer.org === o.customer && (o.orderedBy === viewer.id || can(m, viewer, "orders.viewOrganization"))) ||
  (viewer.org === "provider" && can(m, viewer, "orders.decideAsProvider")) ||
  (o.contractModel === "UV" && viewer.org === "intermediary" && can(m, viewer, "orders.decideAsIntermediary"))

const pastDeadline = (m: Model, o: MOrder) => beforeProviderConfirmation.has(o.status) && o.epoch < m.epoch

const partyOrg = { provider: "provider", intermediary: "intermediary" } as const satisfies Record<string, OrgKey>

/** The steps `viewer` may take on the order now (DOMAIN §9: every view lists them). */
const allowedFor = (m: Model, viewer: MAccount, o: MOrder) =>
  steps
    .filter(
      (s) =>
        s.model === o.contractModel &&
        s.from === o.status &&
        viewer.org === partyOrg[s.party] &&
        can(m, viewer, partyPermission[s.party]) &&
        !pastDeadline(m, o)
    )
    .map((s) => `${s.action}->${s.to}`)

/** DOMAIN §7 in this market: DV within the Bavarian municipal threshold (anti-splitting sum), UV for C1 only. */
const eligible = (m: Model, customer: OrgKey, plan: PlanKey, model: ContractModel): boolean => {
  if (model === "UV") return customer === "c1"
  const prior = m.orders
    .filter((o) => o.customer === customer && o.belowThreshold && !rejected.has(o.status))
    .reduce((sum, o) => sum + o.totalCents, 0)
  return prior + plans[plan].amountCents <= bavarianMunicipalThresholdCents
}

const checkOrderJson = (what: string, json: { [k: string]: unknown }, o: MOrder) => {
  const total = json.total as { amountCents: number; currency: string }
  if (json.status !== o.status) throw new Disagreement(`${what}: status ${json.status}, the model says ${o.status}`)
  if (total.amountCents !== o.totalCents || total.currency !== "EUR")
    throw new Disagreement(`${what}: the price changed from ${o.totalCents} to ${JSON.stringify(total)}`)
  const history = (json.history as ReadonlyArray<{ to: string }>).map((h) => h.to)
  if (!isLegalHistory(o.contractModel, history))
    throw new Disagreement(`${what}: a history outside DOMAIN §9: ${history.join(" → ")}`)
  if (history.join() !== o.history.join())
    throw new Disagreement(`${what}: history ${history.join(" → ")}, the model ${o.history.join(" → ")}`)
}

// ---------------------------------------------------------------------------------------------------------
// The invariants, after every step

/** The main admin's own session, signed in again if the model knows it is dead. */
const observerOf = async (m: Model, r: Real, org: OrgKey): Promise<MAccount> => {
  const main = m.accounts.filter((a) => a.org === org && a.mainAdmin)
  if (main.length !== 1) throw new Disagreement(`the model holds ${main.length} main admins for ${org}`)
  const admin = main[0]!
  if (!signedIn(admin)) {
    const answer = await api(r)("POST", "/auth/login", { body: { email: admin.email, password } })
    expectOutcome(`sign-in of ${org}'s main admin`, answer, { status: 200 })
    admin.token = answer.body.session.token
    admin.live = true
  }
  return admin
}

export const checkInvariants = async (m: Model, r: Real, final = false): Promise<void> => {
  for (const org of orgKeys) {
    const observer = await observerOf(m, r, org)
    const list = await api(r)("GET", "/organization/members?limit=200", { token: observer.token })
    expectOutcome(`members of ${org}`, list, { status: 200 })
    const seen = list.body.items as ReadonlyArray<{
      id: string
      status: string
      isMainAdmin: boolean
      organizationId: string
      roles: ReadonlyArray<{ id: string }>
    }>
    // One active main admin per organization (DOMAIN §6).
    const mains = seen.filter((a) => a.isMainAdmin)
    if (mains.length !== 1 || mains[0]!.status !== "active")
      throw new Disagreement(`${org} has ${mains.length} main admins: ${JSON.stringify(mains)}`)
    const expected = m.accounts.filter((a) => a.org === org && a.status !== "deleted")
    sameSet(
      `members of ${org}`,
      seen.map((a) => a.id),
      expected.map((a) => a.id)
    )
    for (const a of seen) {
      const e = expected.find((x) => x.id === a.id)!
      if (a.organizationId !== m.orgIds[org]) throw new Disagreement(`${a.id} listed in another organization`)
      if (a.status !== e.status || a.isMainAdmin !== e.mainAdmin)
        throw new Disagreement(`member ${a.id}: ${a.status}/${a.isMainAdmin}, the model ${e.status}/${e.mainAdmin}`)
      sameSet(
        `roles of ${a.id}`,
        a.roles.map((x) => x.id),
        e.roles
      )
    }
  }

  // No cross-organization visibility: every live session lists exactly what the model lets it see.
  for (const viewer of m.accounts.filter(signedIn)) {
    const lists: Array<[string, ReadonlyArray<MOrder>]> = [
      ["/orders?limit=200", m.orders.filter((o) => o.customer === viewer.org && o.orderedBy === viewer.id)]
    ]
    if (can(m, viewer, "orders.viewOrganization"))
      lists.push(["/orders?scope=organization&limit=200", m.orders.filter((o) => o.customer === viewer.org)])
    if (can(m, viewer, "orders.decideAsProvider"))
      lists.push(["/provider/orders?limit=200", viewer.org === "provider" ? m.orders : []])
    if (can(m, viewer, "orders.decideAsIntermediary"))
      lists.push([
        "/intermediary/orders?limit=200",
        viewer.org === "intermediary" ? m.orders.filter((o) => o.contractModel === "UV") : []
      ])
    for (const [path, expected] of lists) {
      const what = `${path} for ${describeActor(viewer)}`
      const answer = await api(r)("GET", path, { token: viewer.token })
      expectOutcome(what, answer, { status: 200 })
      const items = answer.body.items as ReadonlyArray<{ id: string; [k: string]: unknown }>
      sameSet(
        what,
        items.map((o) => o.id),
        expected.map((o) => o.id)
      )
      for (const item of items) checkOrderJson(`${what}: ${item.id}`, item, m.orders.find((o) => o.id === item.id)!)
    }
  }

  const broken = await r.portal.verifyAuditChains(
    orgKeys.map((k) => m.orgIds[k]),
    final ? "full" : "incremental"
  )
  if (broken) throw new Disagreement(`audit chain ${broken.chain} breaks at ${broken.brokenAt}`)
}

// ---------------------------------------------------------------------------------------------------------
// Commands

type Cmd = fc.AsyncCommand<Model, Real>

let emails = 0

/**
 * After a step the portal answered with success, the whole portal is compared with the model
 * (`checkInvariants`). After a refused step only the answer is, and the audit chains and the outbox must not
 * have moved (DOMAIN §11: every state change is an audit event; a refused request changes nothing); the full
 * comparison at the end of the sequence catches anything else. `SYSTEM_MODEL_FULL_CHECKS=1` compares the whole
 * portal after every step, refused or not.
 */
const fullChecksAlways = process.env.SYSTEM_MODEL_FULL_CHECKS === "1"

abstract class Base implements Cmd {
  abstract act(m: Model, r: Real): Promise<Answer>
  abstract toString(): string
  check(_m: Readonly<Model>): boolean {
    return true
  }
  async run(m: Model, r: Real) {
    const before = fullChecksAlways ? undefined : await r.portal.footprint(orgKeys.map((k) => m.orgIds[k]))
    const answer = await this.act(m, r)
    if (answer.status < 400 || before === undefined) return checkInvariants(m, r)
    const after = await r.portal.footprint(orgKeys.map((k) => m.orgIds[k]))
    if (after !== before)
      throw new Disagreement(`${this}: refused with ${answer.status}, yet the portal recorded: ${before} → ${after}`)
  }
}

/** „Konto hinzufügen" with roles of the actor's organization (`roleMask` picks them). */
class Invite extends Base {
  constructor(
    readonly actor: ActorPick,
    readonly roleMask: number
  ) {
    super()
  }
  override check(m: Readonly<Model>) {
    return m.accounts.length < 14
  }
  async act(m: Model, r: Real) {
    const actor = resolve(m, this.actor, (a) => can(m, a, "members.invite"))
    const gate = memberGate(actor)
    const orgRoles = isAccount(actor) ? m.roles.filter((x) => x.org === actor.org) : []
    const requested = orgRoles.filter((_, i) => (this.roleMask >> i) & 1)
    const email = `eingeladen-${emails++}-${Date.now().toString(36)}@model.system-test`
    let expected: Outcome = { status: 201 }
    if (!isAccount(gate)) expected = gate
    else if (!can(m, gate, "members.invite")) expected = denied
    else {
      const touchesAdmin = requested.some((x) => x.builtIn)
      const held = permissionsOf(m, gate)
      const missing = requested.flatMap((x) => [...x.permissions]).filter((p) => !held.has(p))
      if ((touchesAdmin && !isAdmin(m, gate)) || missing.length > 0) expected = refuse(403, "PermissionEscalation")
    }
    const answer = await api(r)("POST", "/organization/members", {
      token: tokenOf(m, actor),
      body: { email, firstName: "Ina", lastName: "Neu", roleIds: requested.map((x) => x.id) }
    })
    expectOutcome(`${this} by ${describeActor(actor)}`, answer, expected)
    if (answer.status === 201 && isAccount(actor))
      m.accounts.push({
        id: answer.body.id,
        org: actor.org,
        email,
        status: "invited",
        mainAdmin: false,
        roles: requested.map((x) => x.id),
        token: undefined,
        live: false,
        invitationMails: 1,
        invited: true,
        linkEpoch: m.epoch
      })
    return answer
  }
  toString() {
    return `invite(${JSON.stringify(this.actor)}, roles ${this.roleMask})`
  }
}

/**
 * The invited person follows the newest link (or an older one, which died with the resend). `pending` picks
 * among accounts still invited, otherwise among everyone who was ever invited (used and dead links).
 */
class AcceptInvitation extends Base {
  constructor(
    readonly target: number,
    readonly pending: boolean,
    readonly olderLink: boolean
  ) {
    super()
  }
  override check(m: Readonly<Model>) {
    return m.accounts.some((a) => a.invited && (!this.pending || a.status === "invited"))
  }
  async act(m: Model, r: Real) {
    const everInvited = m.accounts.filter((a) => a.invited)
    const stillInvited = everInvited.filter((a) => a.status === "invited")
    const pool = this.pending && stillInvited.length > 0 ? stillInvited : everInvited
    const target = pool[this.target % pool.length]!
    const tokens = await r.portal.mailedTokens(target.email, "Invitation")
    const useOlder = this.olderLink && tokens.length > 1
    const token = useOlder ? tokens[0]! : tokens.at(-1)!
    const expected: Outcome =
      target.status === "invited" && !useOlder && target.linkEpoch === m.epoch
        ? { status: 200 }
        : refuse(410, "LinkExpiredOrUsed")
    const answer = await api(r)("POST", "/invitations/accept", { body: { token, password } })
    expectOutcome(`${this} on ${target.id} (${target.status})`, answer, expected)
    if (answer.status === 200) {
      target.status = "active"
      target.token = answer.body.session.token
      target.live = true
    }
    return answer
  }
  toString() {
    return `acceptInvitation(${this.target}, pending ${this.pending}, older ${this.olderLink})`
  }
}

type LifecycleAction = "deactivate" | "reactivate" | "delete" | "resendInvitation"
const lifecycle: Record<LifecycleAction, Partial<Record<AccountStatus, AccountStatus>>> = {
  deactivate: { active: "deactivated" },
  reactivate: { deactivated: "active" },
  delete: { invited: "deleted", active: "deleted", deactivated: "deleted" },
  resendInvitation: { invited: "invited" }
}
const lifecycleRoute: Record<LifecycleAction, readonly [string, string, number]> = {
  deactivate: ["POST", "/deactivate", 200],
  reactivate: ["POST", "/reactivate", 200],
  delete: ["DELETE", "", 204],
  resendInvitation: ["POST", "/resend-invitation", 202]
}

/**
 * DOMAIN §6 in the order core documents its checks: another organization's or a deleted account does not exist;
 * the permission; the main admin is untouchable; only admins act on admins; the status must allow the step.
 */
const memberRule = (
  m: Model,
  viewer: MAccount,
  target: MAccount,
  permission: Permission,
  transition: Partial<Record<AccountStatus, AccountStatus>> | undefined
): Outcome | undefined => {
  if (target.org !== viewer.org || target.status === "deleted") return refuse(404, "AccountNotFound")
  if (!can(m, viewer, permission)) return denied
  if (target.mainAdmin) return refuse(409, "MainAdminProtected")
  if (target !== viewer && !isAdmin(m, viewer) && isAdmin(m, target)) return denied
  if (transition && transition[target.status] === undefined) return refuse(409, "IllegalAccountTransition")
  return undefined
}

class MemberLifecycle extends Base {
  constructor(
    readonly actor: ActorPick,
    readonly target: TargetPick,
    readonly action: LifecycleAction
  ) {
    super()
  }
  async act(m: Model, r: Real) {
    const permission = this.action === "resendInvitation" ? "members.invite" : "members.manage"
    const actor = resolve(m, this.actor, (a) => can(m, a, permission))
    const target = pickTarget(m, actor, this.target)
    const [method, suffix, success] = lifecycleRoute[this.action]
    const gate = memberGate(actor)
    let expected: Outcome = { status: success }
    if (!isAccount(gate)) expected = gate
    else {
      const refused = memberRule(m, gate, target, permission, lifecycle[this.action])
      if (refused) expected = refused
      else if (this.action === "resendInvitation" && target.invitationMails >= 5) expected = refuse(429, "RateLimited")
    }
    const answer = await api(r)(method, `/organization/members/${target.id}${suffix}`, { token: tokenOf(m, actor) })
    expectOutcome(`${this} on ${target.id} (${target.status}) by ${describeActor(actor)}`, answer, expected)
    if (answer.status === success) {
      target.status = lifecycle[this.action][target.status]!
      if (target.status !== "active") target.live = false
      if (this.action === "resendInvitation") {
        target.invitationMails++
        target.linkEpoch = m.epoch
      }
    }
    return answer
  }
  toString() {
    return `${this.action}(${JSON.stringify(this.actor)}, ${JSON.stringify(this.target)})`
  }
}

class SetRoles extends Base {
  constructor(
    readonly actor: ActorPick,
    readonly target: TargetPick,
    readonly roleMask: number
  ) {
    super()
  }
  async act(m: Model, r: Real) {
    const actor = resolve(m, this.actor, (a) => can(m, a, "members.manage"))
    const target = pickTarget(m, actor, this.target)
    const gate = memberGate(actor)
    const orgRoles = isAccount(actor) ? m.roles.filter((x) => x.org === actor.org) : []
    const requested = orgRoles.filter((_, i) => (this.roleMask >> i) & 1).map((x) => x.id)
    let expected: Outcome = { status: 200 }
    if (!isAccount(gate)) expected = gate
    else {
      const refused = memberRule(m, gate, target, "members.manage", undefined)
      if (refused) expected = refused
      else {
        const byId = (id: string) => m.roles.find((x) => x.id === id)!
        const added = requested.filter((id) => !target.roles.includes(id)).map(byId)
        const removed = target.roles.filter((id) => !requested.includes(id)).map(byId)
        const touchesAdmin = [...added, ...removed].some((x) => x.builtIn)
        const held = permissionsOf(m, gate)
        const missing = added.flatMap((x) => [...x.permissions]).filter((p) => !held.has(p))
        if ((touchesAdmin && !isAdmin(m, gate)) || missing.length > 0) expected = refuse(403, "PermissionEscalation")
      }
    }
    const answer = await api(r)("PUT", `/organization/members/${target.id}/roles`, {
      token: tokenOf(m, actor),
      body: { roleIds: requested }
    })
    expectOutcome(`${this} on ${target.id} by ${describeActor(actor)}`, answer, expected)
    if (answer.status === 200) target.roles = requested
    return answer
  }
  toString() {
    return `setRoles(${JSON.stringify(this.actor)}, ${JSON.stringify(this.target)}, ${this.roleMask})`
  }
}

class CreateRole extends Base {
  constructor(
    readonly actor: ActorPick,
    readonly permissionMask: number
  ) {
    super()
  }
  override check(m: Readonly<Model>) {
    return m.roles.length < 14
  }
  async act(m: Model, r: Real) {
    const actor = resolve(m, this.actor, (a) => can(m, a, "roles.manage"))
    const wanted = permissions.filter((_, i) => (this.permissionMask >> i) & 1)
    const gate = memberGate(actor)
    let expected: Outcome = { status: 201 }
    if (!isAccount(gate)) expected = gate
    else if (!can(m, gate, "roles.manage")) expected = denied
    else if (wanted.some((p) => !can(m, gate, p))) expected = refuse(403, "PermissionEscalation")
    const answer = await api(r)("POST", "/organization/roles", {
      token: tokenOf(m, actor),
      body: { name: `Rolle ${m.roles.length}-${Date.now().toString(36)}`, permissions: wanted }
    })
    expectOutcome(`${this} by ${describeActor(actor)}`, answer, expected)
    if (answer.status === 201 && isAccount(actor))
      m.roles.push({ id: answer.body.id, org: actor.org, builtIn: false, permissions: new Set(wanted) })
    return answer
  }
  toString() {
    return `createRole(${JSON.stringify(this.actor)}, ${this.permissionMask})`
  }
}

class DeleteRole extends Base {
  constructor(
    readonly actor: ActorPick,
    readonly role: number
  ) {
    super()
  }
  async act(m: Model, r: Real) {
    const actor = resolve(m, this.actor, (a) => can(m, a, "roles.manage"))
    const own = isAccount(actor) ? m.roles.filter((x) => x.org === actor.org && !x.builtIn) : []
    const pool = this.actor.kind === "fitting" && own.length > 0 ? own : m.roles
    const role = pool[this.role % pool.length]!
    const gate = memberGate(actor)
    let expected: Outcome = { status: 204 }
    if (!isAccount(gate)) expected = gate
    else if (!can(m, gate, "roles.manage")) expected = denied
    else if (role.org !== gate.org) expected = refuse(404, "RoleNotFound")
    else if (role.builtIn) expected = refuse(409, "BuiltInRoleProtected")
    const answer = await api(r)("DELETE", `/organization/roles/${role.id}`, { token: tokenOf(m, actor) })
    expectOutcome(`${this} on ${role.id} by ${describeActor(actor)}`, answer, expected)
    if (answer.status === 204) {
      m.roles = m.roles.filter((x) => x !== role)
      for (const a of m.accounts) a.roles = a.roles.filter((id) => id !== role.id)
    }
    return answer
  }
  toString() {
    return `deleteRole(${JSON.stringify(this.actor)}, ${this.role})`
  }
}

/** Customers' members order; the operator and strangers try to. */
class PlaceOrder extends Base {
  constructor(
    readonly actor: ActorPick,
    readonly plan: PlanKey,
    readonly contractModel: ContractModel
  ) {
    super()
  }
  override check(m: Readonly<Model>) {
    return m.orders.length < 12
  }
  async act(m: Model, r: Real) {
    const customers = m.accounts.filter((a) => a.org === "c1" || a.org === "c2")
    const live = customers.filter(signedIn)
    const actor: Actor =
      this.actor.kind === "account"
        ? customers[this.actor.n % customers.length]!
        : this.actor.kind === "fitting"
          ? (live.length > 0 ? live : customers)[this.actor.n % (live.length > 0 ? live : customers).length]!
          : this.actor
    const gate = memberGate(actor)
    let expected: Outcome = { status: 201 }
    if (!isAccount(gate)) expected = gate
    else if (!eligible(m, gate.org, this.plan, this.contractModel)) expected = refuse(422, "NotEligible")
    const answer = await api(r)("POST", "/orders", {
      token: tokenOf(m, actor),
      body: {
        offeringId: r.market.offeringId,
        pricePlanId: plans[this.plan].id,
        quantity: 1,
        contractModel: this.contractModel
      }
    })
    expectOutcome(`${this} by ${describeActor(actor)}`, answer, expected)
    if (answer.status === 201 && isAccount(actor)) {
      const order: MOrder = {
        id: answer.body.id,
        customer: actor.org,
        orderedBy: actor.id,
        contractModel: this.contractModel,
        totalCents: plans[this.plan].amountCents,
        epoch: m.epoch,
        belowThreshold: this.contractModel === "DV",
        status: "open",
        history: []
      }
      checkOrderJson(`${this}: the placed order`, answer.body, order)
      m.orders.push(order)
    }
    return answer
  }
  toString() {
    return `placeOrder(${JSON.stringify(this.actor)}, ${this.plan}, ${this.contractModel})`
  }
}

const actions: ReadonlyArray<OrderAction> = ["startReview", "confirm", "reject", "markOrdered"]

/** The next steps of DOMAIN §9 that `a` could take on the order now. */
const stepsFor = (m: Model, a: MAccount, o: MOrder) =>
  steps.filter(
    (s) =>
      s.model === o.contractModel &&
      s.from === o.status &&
      a.org === partyOrg[s.party] &&
      can(m, a, partyPermission[s.party])
  )

/** A step on an order; `action: "next"` takes the n-th step DOMAIN §9 allows from the order's status. */
class Transition extends Base {
  constructor(
    readonly actor: ActorPick,
    readonly order: number,
    readonly action: OrderAction | "next",
    readonly stale: boolean,
    readonly withReason: boolean
  ) {
    super()
  }
  override check(m: Readonly<Model>) {
    return m.orders.length > 0
  }
  async act(m: Model, r: Real) {
    const order = m.orders[this.order % m.orders.length]!
    const actor = resolve(m, this.actor, (a) => stepsFor(m, a, order).length > 0)
    const legal = steps.filter((s) => s.model === order.contractModel && s.from === order.status)
    const action: OrderAction =
      this.action !== "next" ? this.action : (legal[this.order % Math.max(legal.length, 1)]?.action ?? "confirm")
    const expectedStatus = this.stale ? (order.status === "open" ? "ordered" : "open") : order.status
    const gate = memberGate(actor)
    const step = stepFor(order.contractModel, order.status, action)
    let expected: Outcome = { status: 200 }
    if (!isAccount(gate)) expected = gate
    else if (!mayView(m, gate, order)) expected = refuse(404, "OrderNotFound")
    else if (this.stale) expected = refuse(409, "StaleOrderStatus")
    else if (!step) expected = refuse(409, "IllegalOrderTransition")
    else if (gate.org !== partyOrg[step.party] || !can(m, gate, partyPermission[step.party])) expected = denied
    else if (pastDeadline(m, order)) expected = refuse(422, "DeadlineExpired")
    else if (action === "reject" && !this.withReason) expected = refuse(422, "ReasonRequired")
    const answer = await api(r)("POST", `/orders/${order.id}/transitions`, {
      token: tokenOf(m, actor),
      body: { action, expectedStatus, ...(this.withReason ? { reason: "Kapazität erschöpft" } : {}) }
    })
    expectOutcome(
      `${this} = ${action} on ${order.id} (${order.contractModel} ${order.status}) by ${describeActor(actor)}`,
      answer,
      expected
    )
    if (answer.status === 200 && step) {
      order.status = step.to
      order.history.push(step.to)
      checkOrderJson(`${this}: the answer`, answer.body, order)
    }
    return answer
  }
  toString() {
    return `transition(${JSON.stringify(this.actor)}, ${this.order}, ${this.action}, stale ${this.stale}, reason ${this.withReason})`
  }
}

class ViewOrder extends Base {
  constructor(
    readonly actor: ActorPick,
    readonly order: number
  ) {
    super()
  }
  override check(m: Readonly<Model>) {
    return m.orders.length > 0
  }
  async act(m: Model, r: Real) {
    const order = m.orders[this.order % m.orders.length]!
    const actor = resolve(m, this.actor, (a) => mayView(m, a, order))
    const gate = memberGate(actor)
    let expected: Outcome = { status: 200 }
    if (!isAccount(gate)) expected = gate
    else if (!mayView(m, gate, order)) expected = refuse(404, "OrderNotFound")
    const what = `${this} on ${order.id} by ${describeActor(actor)}`
    const answer = await api(r)("GET", `/orders/${order.id}`, { token: tokenOf(m, actor) })
    expectOutcome(what, answer, expected)
    if (answer.status === 200 && isAccount(gate)) {
      checkOrderJson(what, answer.body, order)
      // DOMAIN §8: the price stays identical in the contract folder.
      const folder = await api(r)("GET", `/orders/${order.id}/contract-folder`, { token: tokenOf(m, actor) })
      expectOutcome(`${what}: the contract folder`, folder, { status: 200 })
      const priceDoc = (folder.body.items as ReadonlyArray<{ id: string; kind: string }>).find(
        (d) => d.kind === "price"
      )
      if (!priceDoc) throw new Disagreement(`${what}: the contract folder has no price document`)
      const price = await api(r)("GET", `/orders/${order.id}/contract-folder/${priceDoc.id}`, {
        token: tokenOf(m, actor)
      })
      expectOutcome(`${what}: the price document`, price, { status: 200 })
      if (price.body.total?.amountCents !== order.totalCents)
        throw new Disagreement(
          `${what}: the contract folder's price ${JSON.stringify(price.body.total)}, the model ${order.totalCents}`
        )
      sameSet(
        `${what}: allowedActions`,
        (answer.body.allowedActions as ReadonlyArray<{ action: string; to: string }>).map(
          (a) => `${a.action}->${a.to}`
        ),
        allowedFor(m, gate, order)
      )
    }
    return answer
  }
  toString() {
    return `viewOrder(${JSON.stringify(this.actor)}, ${this.order})`
  }
}

/** Only the operator reassigns a main admin (DOMAIN §6), to an active member of the same organization. */
class ReassignMainAdmin extends Base {
  constructor(
    readonly actor: ActorPick,
    readonly org: OrgKey,
    readonly target: TargetPick
  ) {
    super()
  }
  async act(m: Model, r: Real) {
    const actor: Actor = this.actor.kind === "fitting" ? { kind: "operator" } : resolve(m, this.actor)
    const inOrg = m.accounts.filter((a) => a.org === this.org)
    const target = this.target.near
      ? inOrg[this.target.n % inOrg.length]!
      : m.accounts[this.target.n % m.accounts.length]!
    let expected: Outcome = operatorGate(actor) ?? { status: 200 }
    if (expected.status === 200) {
      if (target.org !== this.org || target.status === "deleted") expected = refuse(404, "AccountNotFound")
      else if (target.status !== "active") expected = refuse(422, "IneligibleMainAdmin")
    }
    const answer = await api(r)("POST", `/operator/organizations/${m.orgIds[this.org]}/main-admin`, {
      token: tokenOf(m, actor),
      body: { accountId: target.id, reason: "Wechsel der Behördenleitung" }
    })
    expectOutcome(
      `${this} to ${target.id} (${target.org}, ${target.status}) by ${describeActor(actor)}`,
      answer,
      expected
    )
    if (answer.status === 200) for (const a of m.accounts) if (a.org === this.org) a.mainAdmin = a === target
    return answer
  }
  toString() {
    return `reassignMainAdmin(${JSON.stringify(this.actor)}, ${this.org}, ${JSON.stringify(this.target)})`
  }
}

class Login extends Base {
  constructor(readonly target: number) {
    super()
  }
  async act(m: Model, r: Real) {
    const target = m.accounts[this.target % m.accounts.length]!
    const expected: Outcome =
      target.status === "active"
        ? { status: 200 }
        : target.status === "deactivated"
          ? refuse(403, "AccountDeactivated")
          : refuse(401, "InvalidCredentials")
    const answer = await api(r)("POST", "/auth/login", { body: { email: target.email, password } })
    expectOutcome(`${this} of ${target.id} (${target.status})`, answer, expected)
    if (answer.status === 200) {
      target.token = answer.body.session.token
      target.live = true
    }
    return answer
  }
  toString() {
    return `login(${this.target})`
  }
}

/** 32 days pass: every decision deadline of the orders placed so far passes, every session dies of idleness. */
class PassDeadlines extends Base {
  override check(m: Readonly<Model>) {
    return m.epoch < 4
  }
  async act(m: Model, r: Real) {
    r.portal.advanceTime("32 days")
    m.epoch++
    for (const a of m.accounts) {
      a.invitationMails = 0
      if (!a.live) continue
      const dead = await api(r)("GET", "/me", { token: a.token })
      expectOutcome(`the idle session of ${a.id}`, dead, unauthenticated)
      a.live = false
    }
    const op = await api(r)("POST", "/auth/login", { body: r.w.operatorCredentials })
    expectOutcome("the operator signs in again", op, { status: 200 })
    m.operatorToken = op.body.session.token
    for (const a of m.accounts.filter((x) => x.status === "active")) {
      const answer = await api(r)("POST", "/auth/login", { body: { email: a.email, password } })
      expectOutcome(`${a.id} signs in again`, answer, { status: 200 })
      a.token = answer.body.session.token
      a.live = true
    }
    return op
  }
  toString() {
    return "passDeadlines()"
  }
}

/** The operator's sweep: every order past its deadline before the provider's confirmation expires. */
class Sweep extends Base {
  constructor(readonly actor: ActorPick) {
    super()
  }
  async act(m: Model, r: Real) {
    const actor: Actor = this.actor.kind === "fitting" ? { kind: "operator" } : resolve(m, this.actor)
    const expected: Outcome = operatorGate(actor) ?? { status: 200 }
    const answer = await api(r)("POST", "/operator/orders/expire-overdue", { token: tokenOf(m, actor) })
    expectOutcome(`${this} by ${describeActor(actor)}`, answer, expected)
    if (answer.status === 200) {
      const due = m.orders.filter((o) => pastDeadline(m, o))
      if (answer.body.expired !== due.length)
        throw new Disagreement(`the sweep expired ${answer.body.expired} orders, the model ${due.length}`)
      for (const o of due) {
        o.status = "expired"
        o.history.push("expired")
      }
    }
    return answer
  }
  toString() {
    return `sweep(${JSON.stringify(this.actor)})`
  }
}

const transitionArb = fc
  .tuple(
    actorArb,
    fc.nat(),
    fc.oneof(
      { weight: 3, arbitrary: fc.constant("next" as const) },
      { weight: 2, arbitrary: fc.constantFrom(...actions) }
    ),
    fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) })
  )
  .map(([a, o, action, stale, reason]) => new Transition(a, o, action, stale, reason))

const placeOrderArb = fc
  .tuple(actorArb, fc.constantFrom<PlanKey>("small", "mid", "huge"), fc.constantFrom<ContractModel>("DV", "UV"))
  .map(([a, plan, cm]) => new PlaceOrder(a, plan, cm))

/** Every command; the order workflow is listed several times so that sequences reach its later states. */
export const commandArbs: Array<fc.Arbitrary<Cmd>> = [
  fc.tuple(actorArb, fc.nat(63)).map(([a, mask]) => new Invite(a, mask)),
  fc
    .tuple(
      fc.nat(),
      fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      fc.boolean()
    )
    .map(([t, pending, older]) => new AcceptInvitation(t, pending, older)),
  fc
    .tuple(
      actorArb,
      targetArb,
      fc.constantFrom<LifecycleAction>("deactivate", "reactivate", "delete", "resendInvitation")
    )
    .map(([a, t, action]) => new MemberLifecycle(a, t, action)),
  fc.tuple(actorArb, targetArb, fc.nat(63)).map(([a, t, mask]) => new SetRoles(a, t, mask)),
  fc.tuple(actorArb, fc.nat(511)).map(([a, mask]) => new CreateRole(a, mask)),
  fc.tuple(actorArb, fc.nat()).map(([a, role]) => new DeleteRole(a, role)),
  placeOrderArb,
  placeOrderArb,
  transitionArb,
  transitionArb,
  transitionArb,
  transitionArb,
  fc.tuple(actorArb, fc.nat()).map(([a, o]) => new ViewOrder(a, o)),
  fc.tuple(actorArb, fc.constantFrom(...orgKeys), targetArb).map(([a, org, t]) => new ReassignMainAdmin(a, org, t)),
  fc.nat().map((t) => new Login(t)),
  fc.constant(new PassDeadlines()),
  actorArb.map((a) => new Sweep(a))
]

// ---------------------------------------------------------------------------------------------------------
// The starting world

/**
 * The market plus an employee in each party with the decide permission, a plain employee and a buyer with
 * `orders.viewOrganization` at C1, and the model that describes it, read back from the portal.
 */
export const startingWorld = async (r: Real): Promise<Model> => {
  const { market: mk, w } = r
  const orgs = { c1: mk.c1, c2: mk.c2, provider: mk.provider, intermediary: mk.intermediary }
  const decideProvider = await w.role(mk.provider, ["orders.decideAsProvider"])
  const decideIntermediary = await w.role(mk.intermediary, ["orders.decideAsIntermediary"])
  const buyer = await w.role(mk.c1, ["orders.viewOrganization"])
  // Manages people but holds nothing else: what it grants beyond that is escalation.
  const personnel = await w.role(mk.c1, ["members.invite", "members.manage"])
  await w.member(mk.provider, [decideProvider])
  await w.member(mk.intermediary, [decideIntermediary])
  await w.member(mk.c1, [buyer])
  await w.member(mk.c1, [personnel])
  await w.member(mk.c1)

  const orgIds = Object.fromEntries(orgKeys.map((k) => [k, orgs[k].id])) as Record<OrgKey, string>
  const model: Model = {
    orgIds,
    accounts: [],
    roles: [],
    orders: [],
    operatorToken: (await w.operatorSession()).token,
    epoch: 0
  }
  for (const key of orgKeys) {
    const admin = orgs[key].admin
    const roles = await w.ok(200, "GET", "/organization/roles?limit=200", { token: admin.token })
    for (const role of roles.items)
      model.roles.push({ id: role.id, org: key, builtIn: role.builtIn, permissions: new Set(role.permissions) })
    const members = await w.ok(200, "GET", "/organization/members?limit=200", { token: admin.token })
    for (const a of members.items) {
      const signIn = a.id === admin.accountId ? admin : await w.login(a.email)
      model.accounts.push({
        id: a.id,
        org: key,
        email: a.email,
        status: a.status,
        mainAdmin: a.isMainAdmin,
        roles: a.roles.map((x: { id: string }) => x.id),
        token: signIn.token,
        live: true,
        invitationMails: 1,
        invited: !a.isMainAdmin,
        linkEpoch: 0
      })
    }
  }
  return model
}

export const runModel = async (r: Real, commands: Iterable<Cmd>) => {
  // The starting model is read back from the portal; the first accepted step compares everything.
  const model = await startingWorld(r)
  await fc.asyncModelRun(() => ({ model, real: r }), commands)
  // Every chain again from its first event: nothing written earlier was rewritten meanwhile.
  await checkInvariants(model, r, true)
}
