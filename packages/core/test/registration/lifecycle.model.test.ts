import { assert, describe, it } from "@effect/vitest"
import { Cause, DateTime, Effect, Exit, Layer, ManagedRuntime } from "effect"
import { TestClock } from "effect/testing"
import * as fc from "fast-check"
import { LinkTokenStore, linkState } from "../../src/identity/LinkToken.ts"
import type { Operator } from "../../src/kernel/Actor.ts"
import { hashSecret } from "../../src/kernel/SecureRandom.ts"
import { AccountStore } from "../../src/members/AccountStore.ts"
import { OrganizationStore } from "../../src/organization/OrganizationStore.ts"
import { type RegistrationStatus, registrationTransitionTable } from "../../src/registration/Registration.ts"
import { RegistrationStore } from "../../src/registration/RegistrationStore.ts"
import { Registrations } from "../../src/registration/Registrations.ts"
import { makeOperator, outbox, ports, publishTerms, validForm } from "./world.ts"

/**
 * Model-based test of the registration lifecycle (DOMAIN §2): random sequences of submit, confirm (with the
 * newest, an older or a used link), resend, approve, reject, the expiry sweep and the clock moving on, run
 * against the use cases on memory ports and compared with a small model after every step.
 */

const hour = 3600 * 1000
const lifetime = 72 * hour

// Two applicants, each always with the same organization name and email, so that they collide with themselves.
const applicants = [0, 1].map((i) => ({
  name: `Amt für Digitales ${i}`,
  email: `leitung.${i}@amt-${i}.example`
}))

interface ModelRegistration {
  readonly id: string
  readonly applicant: number
  status: RegistrationStatus
  deadline: number
  /** Every confirmation link mailed for it, oldest first; only the newest may be live. */
  readonly tokens: Array<string>
  organizationId: string | null
}

interface Model {
  now: number
  readonly registrations: Array<ModelRegistration>
  /** Confirmation mails per address in the current fixed window (DOMAIN §11: 5 an hour by default). */
  readonly mailWindows: Map<string, { readonly start: number; readonly count: number }>
}

/** One more confirmation mail to the address: allowed, and counted, while the window holds fewer than five. */
const mailAllowed = (m: Model, email: string) => {
  const w = m.mailWindows.get(email)
  const next = !w || m.now >= w.start + hour ? { start: m.now, count: 1 } : { start: w.start, count: w.count + 1 }
  if (next.count > 5) return false
  m.mailWindows.set(email, next)
  return true
}

// The registration use cases alone, on memory ports with a trivial hash cost: the rules do not depend on it.
const registrationWorld = () => Registrations.layer.pipe(Layer.provideMerge(ports({ iterations: 1 })))
type World = Layer.Success<ReturnType<typeof registrationWorld>>

interface Real {
  readonly runtime: ManagedRuntime.ManagedRuntime<World | TestClock.TestClock, never>
  readonly operator: Operator
  /** Status of every registration as last seen, to check each observed change against the table. */
  readonly seen: Map<string, RegistrationStatus>
}

const open = (r: ModelRegistration, now: number) =>
  r.status === "awaitingOperatorReview" || (r.status === "awaitingEmailConfirmation" && now < r.deadline)
/** `pick` 0 is the newest registration of all, 1 the one before, and so on (wrapping). */
const picked = (m: Model, pick: number) =>
  m.registrations.length === 0
    ? undefined
    : m.registrations[m.registrations.length - 1 - (pick % m.registrations.length)]

const exec = <A, E>(real: Real, effect: Effect.Effect<A, E, World | TestClock.TestClock>) =>
  real.runtime.runPromise(Effect.exit(effect))

/** The `_tag` of a failed exit's error, or "success". */
const outcome = (exit: Exit.Exit<unknown, unknown>): string =>
  Exit.isSuccess(exit) ? "success" : String((Cause.squash(exit.cause) as { readonly _tag?: unknown })?._tag)

const tokensMailedTo = (email: string) =>
  Effect.map(outbox, (all) =>
    all.flatMap((n) => (n._tag === "RegistrationConfirmationLink" && n.recipient === email ? [n.token] : []))
  )

/** Lazy expiry: an overdue unconfirmed registration is written expired when something touches it. */
const expireIfOverdue = (r: ModelRegistration | undefined, now: number) => {
  if (r && r.status === "awaitingEmailConfirmation" && now >= r.deadline) r.status = "expired"
}

class Submit implements fc.AsyncCommand<Model, Real> {
  constructor(readonly applicant: number) {}
  check = () => true
  async run(m: Model, real: Real) {
    const a = applicants[this.applicant]!
    const result = await exec(
      real,
      Effect.flatMap(validForm(a), (form) => Registrations.use((r) => r.submit(form)))
    )
    const mine = m.registrations.filter((r) => r.applicant === this.applicant)
    const blocking = mine.find((r) => r.status === "approved" || open(r, m.now))
    if (blocking) {
      assert.strictEqual(outcome(result), "OrganizationAlreadyRegistered")
      return
    }
    // A refused request writes nothing, the lazy expiry of older registrations included.
    if (!mailAllowed(m, a.email)) {
      assert.strictEqual(outcome(result), "RateLimited")
      return
    }
    assert.strictEqual(outcome(result), "success")
    if (!Exit.isSuccess(result)) return
    for (const r of mine) expireIfOverdue(r, m.now)
    const tokens = await real.runtime.runPromise(tokensMailedTo(a.email))
    m.registrations.push({
      id: result.value.registrationId,
      applicant: this.applicant,
      status: "awaitingEmailConfirmation",
      deadline: m.now + lifetime,
      tokens: [tokens.at(-1)!],
      organizationId: null
    })
  }
  toString = () => `submit(${this.applicant})`
}

class Confirm implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly pick: number,
    readonly which: "newest" | "older"
  ) {}
  check = (m: Readonly<Model>) => m.registrations.length > 0
  async run(m: Model, real: Real) {
    const r = picked(m, this.pick)!
    const token = this.which === "newest" ? r.tokens.at(-1)! : r.tokens[0]!
    const live = token === r.tokens.at(-1) && r.status === "awaitingEmailConfirmation" && m.now < r.deadline
    const result = await exec(
      real,
      Registrations.use((s) => s.confirm({ token }))
    )
    if (live) {
      assert.strictEqual(outcome(result), "success")
      r.status = "awaitingOperatorReview"
    } else assert.strictEqual(outcome(result), "LinkExpiredOrUsed")
  }
  toString = () => `confirm(#${this.pick}, ${this.which} link)`
}

class Resend implements fc.AsyncCommand<Model, Real> {
  constructor(readonly applicant: number) {}
  check = () => true
  async run(m: Model, real: Real) {
    const a = applicants[this.applicant]!
    const result = await exec(
      real,
      Registrations.use((s) => s.resendConfirmation({ email: a.email }))
    )
    if (!mailAllowed(m, a.email)) {
      assert.strictEqual(outcome(result), "RateLimited")
      return
    }
    assert.strictEqual(outcome(result), "success", "resending answers the same whatever the email")
    const r = m.registrations.find((x) => x.applicant === this.applicant && x.status === "awaitingEmailConfirmation")
    if (!r) return
    if (m.now >= r.deadline) {
      r.status = "expired"
      return
    }
    const tokens = await real.runtime.runPromise(tokensMailedTo(a.email))
    r.tokens.push(tokens.at(-1)!)
    r.deadline = m.now + lifetime
  }
  toString = () => `resend(${this.applicant})`
}

class Decide implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly pick: number,
    readonly decision: "approve" | "reject"
  ) {}
  check = (m: Readonly<Model>) => m.registrations.length > 0
  async run(m: Model, real: Real) {
    const r = picked(m, this.pick)!
    const result = await exec(
      real,
      Registrations.use(
        (s): Effect.Effect<string | null, unknown> =>
          this.decision === "approve"
            ? Effect.map(s.approve(real.operator, r.id), (a) => a.organizationId as string)
            : Effect.as(s.reject(real.operator, r.id, { reason: "Nicht antragsberechtigt" }), null)
      )
    )
    switch (r.status) {
      case "awaitingOperatorReview":
        assert.strictEqual(outcome(result), "success")
        if (Exit.isSuccess(result)) {
          r.status = this.decision === "approve" ? "approved" : "rejected"
          r.organizationId = result.value
        }
        return
      case "awaitingEmailConfirmation":
      case "expired":
        // Unconfirmed registrations do not exist for the operator.
        assert.strictEqual(outcome(result), "RegistrationNotFound")
        return
      default:
        assert.strictEqual(outcome(result), "IllegalRegistrationTransition")
    }
  }
  toString = () => `${this.decision}(#${this.pick})`
}

class Sweep implements fc.AsyncCommand<Model, Real> {
  check = () => true
  async run(m: Model, real: Real) {
    const result = await exec(
      real,
      Registrations.use((s) => s.expireOverdue())
    )
    const due = m.registrations.filter((r) => r.status === "awaitingEmailConfirmation" && m.now >= r.deadline)
    assert.deepStrictEqual(Exit.isSuccess(result) && result.value, { expired: due.length })
    for (const r of due) r.status = "expired"
  }
  toString = () => "expireOverdue()"
}

class Advance implements fc.AsyncCommand<Model, Real> {
  constructor(readonly hours: number) {}
  check = () => true
  async run(m: Model, real: Real) {
    await real.runtime.runPromise(TestClock.adjust(this.hours * hour))
    m.now += this.hours * hour
  }
  toString = () => `advance(${this.hours} h)`
}

/** The invariants, checked against the real stores after every command. */
const checkInvariants = async (m: Model, real: Real) => {
  const observed = await real.runtime.runPromise(
    Effect.gen(function* () {
      const now = yield* DateTime.now
      const rows = []
      for (const r of m.registrations) {
        const stored = yield* RegistrationStore.use((s) => s.get(r.id as never))
        let live = 0
        for (const token of r.tokens) {
          const hash = yield* hashSecret(token)
          const link = yield* LinkTokenStore.use((s) => s.findByHash(hash))
          if (linkState(link, now) === "valid") live += 1
        }
        const organization = r.organizationId
          ? yield* OrganizationStore.use((s) => s.get(r.organizationId as never))
          : undefined
        const accounts = r.organizationId
          ? yield* AccountStore.use((s) => s.listByOrganization(r.organizationId as never))
          : []
        rows.push({ r, stored, live, organization, accounts })
      }
      const byName = []
      for (const a of applicants) byName.push(yield* OrganizationStore.use((s) => s.findByName(a.name)))
      return { rows, byName }
    })
  )
  for (const { r, stored, live, organization, accounts } of observed.rows) {
    assert.isDefined(stored)
    const status = stored!.status
    assert.strictEqual(status, r.status, `status of ${r.id}`)
    // States change only along the lifecycle.
    const before = real.seen.get(r.id)
    if (before !== undefined && before !== status)
      assert.isTrue(
        registrationTransitionTable.some((t) => t.from === before && t.to === status),
        `${before} → ${status} is not a step of the lifecycle`
      )
    real.seen.set(r.id, status)
    // At most one live link per registration, and one exactly while it can still be confirmed.
    assert.strictEqual(live, r.status === "awaitingEmailConfirmation" && m.now < r.deadline ? 1 : 0, "live links")
    if (r.status === "approved") {
      assert.isDefined(organization, "approval creates the organization")
      const mainAdmins = accounts.filter((a) => a.isMainAdmin && a.status === "active")
      assert.strictEqual(mainAdmins.length, 1, "exactly one active main admin")
      assert.strictEqual(accounts.length, 1)
    } else assert.strictEqual(stored!.organizationId, null)
  }
  // Exactly one organization per approved applicant, none for the others.
  applicants.forEach((_, i) => {
    const approved = m.registrations.filter((r) => r.applicant === i && r.status === "approved")
    assert.isTrue(approved.length <= 1)
    assert.strictEqual(observed.byName[i]?.id, approved[0]?.organizationId ?? undefined)
  })
}

const checked = (command: fc.AsyncCommand<Model, Real>): fc.AsyncCommand<Model, Real> => ({
  check: (m) => command.check(m),
  run: async (m, r) => {
    await command.run(m, r)
    await checkInvariants(m, r)
  },
  toString: () => command.toString()
})

// Mostly the first applicant, so that it collides with itself; mostly the newest registration, so that histories get
// far enough to be decided.
const applicant = fc.constantFrom(0, 0, 0, 1)
const pick = fc.constantFrom(0, 0, 0, 1, 2)
const commands = fc.commands(
  [
    applicant.map((a) => checked(new Submit(a))),
    applicant.map((a) => checked(new Submit(a))),
    pick.map((p) => checked(new Confirm(p, "newest"))),
    pick.map((p) => checked(new Confirm(p, "newest"))),
    pick.map((p) => checked(new Confirm(p, "older"))),
    applicant.map((a) => checked(new Resend(a))),
    pick.map((p) => checked(new Decide(p, "approve"))),
    pick.map((p) => checked(new Decide(p, "approve"))),
    pick.map((p) => checked(new Decide(p, "reject"))),
    fc.constant(checked(new Sweep())),
    // Around the 72-hour deadline: just before, at, and well past it.
    fc.constantFrom(1, 24, 47, 71, 72, 73).map((h) => checked(new Advance(h)))
  ],
  { maxCommands: 12, size: "max" }
)

describe("registration lifecycle (model-based)", () => {
  it("random histories keep the lifecycle, at most one live link, and one organization with one main admin per approval", async () => {
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        const runtime = ManagedRuntime.make(Layer.mergeAll(registrationWorld(), TestClock.layer()))
        try {
          const operator = await runtime.runPromise(Effect.andThen(publishTerms, makeOperator))
          await fc.asyncModelRun(
            () => ({
              model: { now: 0, registrations: [], mailWindows: new Map() },
              real: { runtime, operator, seen: new Map() }
            }),
            cmds
          )
        } finally {
          await runtime.dispose()
        }
      }),
      { numRuns: 1000 }
    )
  }, 60_000)
})
