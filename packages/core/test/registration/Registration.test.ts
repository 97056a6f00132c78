import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect, Result, Schema } from "effect"
import { LinkExpiredOrUsed } from "../../src/identity/LinkToken.ts"
import { type Actor, type Operator, system } from "../../src/kernel/Actor.ts"
import { InvalidInput, issuesOf, PermissionDenied } from "../../src/kernel/Errors.ts"
import type { AccountId, OrganizationId } from "../../src/kernel/Ids.ts"
import { SecureRandom } from "../../src/kernel/SecureRandom.ts"
import {
  allowedCommands,
  effectiveRegistrationStatus,
  federalStateIssueOf,
  IllegalRegistrationTransition,
  type RegistrationCommand,
  RegistrationInput,
  registrationStatuses,
  registrationTransitionTable,
  registrationTransitionTableMarkdown,
  transition
} from "../../src/registration/Registration.ts"
import { sampleRegistration } from "../../src/testing/RegistrationStoreSuite.ts"

const operator: Operator = { _tag: "Operator", accountId: "acc_operator" as AccountId }
const member: Actor = {
  _tag: "Member",
  accountId: "acc_member" as AccountId,
  organizationId: "org_x" as OrganizationId,
  isAdmin: true,
  isMainAdmin: true,
  permissions: new Set()
}

const commands: ReadonlyArray<RegistrationCommand> = [
  { _tag: "confirm" },
  { _tag: "renewLink", confirmationDeadline: DateTime.makeUnsafe("2025-01-25T08:00:00Z") },
  { _tag: "expire" },
  { _tag: "approve", organizationId: "org_new" as OrganizationId, accountId: "acc_new" as AccountId },
  { _tag: "reject", reason: "Keine öffentliche Stelle" }
]

const sample = (fields: Parameters<typeof sampleRegistration>[0] = {}) =>
  sampleRegistration(fields).pipe(Effect.provide(SecureRandom.layerSeeded(42)))

// The sample is newRegistration 2025-01-20T08:00:00.125Z with a 72 h deadline.
const beforeDeadline = DateTime.makeUnsafe("2025-01-21T08:00:00Z")
const afterDeadline = DateTime.makeUnsafe("2025-01-23T08:00:00.125Z")

/** The one actor a rule's party calls for, and for the deadline the moment it has come. */
const rightActorAndTime = (command: RegistrationCommand["_tag"]): [Actor, DateTime.Utc] =>
  command === "approve" || command === "reject"
    ? [operator, beforeDeadline]
    : command === "expire"
      ? [system, afterDeadline]
      : [system, beforeDeadline]

describe("registration lifecycle (pure)", () => {
  it.effect("states change only along the lifecycle: every status × every command, only the table's steps apply", () =>
    Effect.gen(function* () {
      for (const status of registrationStatuses) {
        const r = yield* sample({ status })
        for (const command of commands) {
          const [actor, now] = rightActorAndTime(command._tag)
          const result = transition(r, command, actor, now)
          const rule = registrationTransitionTable.find((t) => t.from === status && t.command === command._tag)
          if (rule) {
            assert.isTrue(Result.isSuccess(result), `${status} ${command._tag}`)
            if (Result.isSuccess(result)) assert.strictEqual(result.success.status, rule.to)
          } else {
            assert.isTrue(Result.isFailure(result), `${status} ${command._tag}`)
            if (Result.isFailure(result)) assert.instanceOf(result.failure, IllegalRegistrationTransition)
          }
        }
      }
    })
  )

  it("the lifecycle is awaitingEmailConfirmation → awaitingOperatorReview → approved | rejected, and → expired", () => {
    const edges = new Set(registrationTransitionTable.map((r) => `${r.from}→${r.to}`))
    assert.deepStrictEqual(
      [...edges].sort(),
      [
        "awaitingEmailConfirmation→awaitingEmailConfirmation",
        "awaitingEmailConfirmation→awaitingOperatorReview",
        "awaitingEmailConfirmation→expired",
        "awaitingOperatorReview→approved",
        "awaitingOperatorReview→rejected"
      ].sort()
    )
    assert.include(
      registrationTransitionTableMarkdown(),
      '„Wartet auf Prüfung durch den Betreiber" (`awaitingOperatorReview`)'
    )
  })

  it.effect("only the operator approves or rejects", () =>
    Effect.gen(function* () {
      const r = yield* sample({ status: "awaitingOperatorReview" })
      for (const actor of [member, system]) {
        for (const command of commands.filter((c) => c._tag === "approve" || c._tag === "reject")) {
          const result = transition(r, command, actor, beforeDeadline)
          assert.isTrue(Result.isFailure(result) && result.failure instanceof PermissionDenied)
        }
        assert.deepStrictEqual(allowedCommands(r, actor, beforeDeadline), [])
      }
      assert.deepStrictEqual(
        allowedCommands(r, operator, beforeDeadline).map((c) => c.command),
        ["approve", "reject"]
      )
    })
  )

  it.effect("a rejection needs a reason", () =>
    Effect.gen(function* () {
      const r = yield* sample({ status: "awaitingOperatorReview" })
      const result = transition(r, { _tag: "reject", reason: " \n " }, operator, beforeDeadline)
      assert.isTrue(Result.isFailure(result))
      if (Result.isFailure(result)) {
        assert.instanceOf(result.failure, InvalidInput)
        assert.strictEqual((result.failure as InvalidInput).issues[0]?.path, "reason")
      }
      const ok = transition(r, { _tag: "reject", reason: " Zuständig ist das Land " }, operator, beforeDeadline)
      assert.strictEqual(Result.isSuccess(ok) && ok.success.rejectionReason, "Zuständig ist das Land")
    })
  )

  it.effect("approval records who decided, when, and what was created", () =>
    Effect.gen(function* () {
      const r = yield* sample({ status: "awaitingOperatorReview" })
      const result = transition(r, commands[3]!, operator, beforeDeadline)
      assert.isTrue(Result.isSuccess(result))
      if (Result.isSuccess(result)) {
        assert.strictEqual(result.success.decidedBy, operator.accountId)
        assert.deepStrictEqual(result.success.decidedAt, beforeDeadline)
        assert.strictEqual(result.success.organizationId, "org_new")
        assert.strictEqual(result.success.accountId, "acc_new")
      }
    })
  )

  it.effect("an unconfirmed registration expires at its deadline, not before", () =>
    Effect.gen(function* () {
      const r = yield* sample()
      const justBefore = DateTime.subtractDuration(r.confirmationDeadline, "1 millis")
      assert.strictEqual(effectiveRegistrationStatus(r, justBefore), "awaitingEmailConfirmation")
      assert.strictEqual(effectiveRegistrationStatus(r, r.confirmationDeadline), "expired")
      const early = transition(r, { _tag: "expire" }, system, justBefore)
      assert.isTrue(Result.isFailure(early) && early.failure instanceof IllegalRegistrationTransition)
      const due = transition(r, { _tag: "expire" }, system, r.confirmationDeadline)
      assert.strictEqual(Result.isSuccess(due) && due.success.status, "expired")
      // At the deadline the link is dead and no new one can be had.
      const late = transition(r, { _tag: "confirm" }, system, r.confirmationDeadline)
      assert.isTrue(Result.isFailure(late) && late.failure instanceof LinkExpiredOrUsed)
      const renew = transition(r, commands[1]!, system, r.confirmationDeadline)
      assert.isTrue(Result.isFailure(renew) && renew.failure instanceof IllegalRegistrationTransition)
      assert.deepStrictEqual(
        allowedCommands(r, system, r.confirmationDeadline).map((c) => c.command),
        ["expire"]
      )
    })
  )

  it.effect("a new link moves the deadline", () =>
    Effect.gen(function* () {
      const r = yield* sample()
      const renewed = transition(r, commands[1]!, system, beforeDeadline)
      assert.isTrue(Result.isSuccess(renewed))
      if (Result.isSuccess(renewed)) {
        assert.strictEqual(renewed.success.status, "awaitingEmailConfirmation")
        assert.deepStrictEqual(renewed.success.confirmationDeadline, DateTime.makeUnsafe("2025-01-25T08:00:00Z"))
      }
    })
  )
})

describe("registration form (Schema)", () => {
  const form = {
    organization: {
      name: " Landratsamt Oberallgäu ",
      legalForm: "Körperschaft des öffentlichen Rechts",
      administrativeLevel: "municipal",
      federalState: "DE-BY",
      address: { street: " Oberallgäuer Platz 2 ", postalCode: "87527", city: "Sonthofen", phone: "08321 612-0" }
    },
    person: { firstName: "Max", lastName: "Mustermann", email: " Max.Mustermann@LRA-OA.example " },
    password: "Ein langes Passwort ohne Zwang ✓",
    captcha: { challengeId: "cap_1", answer: "abc" },
    acceptedTermsId: "agb_2025_01"
  }
  const decode = Schema.decodeUnknownResult(RegistrationInput)
  const pathsOf = (input: unknown) => {
    const r = decode(input, { errors: "all" })
    return Result.isFailure(r) ? issuesOf(r.failure.issue).map((i) => i.path) : []
  }

  it("a complete form decodes, trimmed and with a normalized email", () => {
    const r = decode(form)
    assert.isTrue(Result.isSuccess(r))
    if (Result.isSuccess(r)) {
      assert.strictEqual(r.success.organization.name, "Landratsamt Oberallgäu")
      assert.strictEqual(r.success.organization.address.street, "Oberallgäuer Platz 2")
      assert.strictEqual(r.success.person.email, "max.mustermann@lra-oa.example")
    }
  })

  it("the Land is required unless the organization is federal, reported on organization.federalState", () => {
    const withLevel = (administrativeLevel: string, federalState: unknown) => ({
      ...form,
      organization: { ...form.organization, administrativeLevel, federalState }
    })
    for (const level of ["state", "municipal", "other"]) {
      assert.deepStrictEqual(pathsOf(withLevel(level, null)), ["organization.federalState"])
      assert.deepStrictEqual(pathsOf(withLevel(level, "DE-BY")), [])
    }
    assert.deepStrictEqual(pathsOf(withLevel("federal", null)), [])
    assert.deepStrictEqual(pathsOf(withLevel("federal", "DE-BY")), ["organization.federalState"])
    assert.deepStrictEqual(pathsOf(withLevel("municipal", "DE-XX")), ["organization.federalState"])
  })

  it("the Land rule is reported even when other organization fields are broken too", () => {
    const { federalState: _, ...withoutLand } = form.organization
    const broken = { ...form, organization: { ...withoutLand, name: "" } }
    // The Schema alone stops at the broken name; the view adds the Land rule.
    assert.deepStrictEqual(pathsOf(broken), ["organization.name"])
    assert.strictEqual(federalStateIssueOf(broken)?.path, "organization.federalState")
    assert.strictEqual(federalStateIssueOf(form), undefined)
  })
})
