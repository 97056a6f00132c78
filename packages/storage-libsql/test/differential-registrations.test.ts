import { describe, it } from "@effect/vitest"
import { DateTime, Effect, Schema } from "effect"
import * as fc from "fast-check"
import { Registration, type RegistrationStatus, RegistrationStore, type StorageError } from "../src/internal/core.ts"
import { layer } from "../src/LibsqlStorage.ts"

/**
 * Differential test: random sequences of submissions and status changes go to core's memory store and to
 * the libSQL store; every write must get the same answer and the stores must end equal. The memory store
 * states the rules (one open registration per email and per normalized name, compare-and-set on the
 * status) in plain code; the database holds them with partial unique indexes and `UPDATE … WHERE status = ?`.
 */

const emails = ["anna@amt.de", "bert@amt.de", "cora@amt.de"] as const
const names = ["Stadt Musterstadt", " stadt  MUSTERSTADT", "Landkreis Beispiel", "Ｓｔａｄｔ Musterstadt"] as const
const statuses: ReadonlyArray<RegistrationStatus> = [
  "awaitingEmailConfirmation",
  "awaitingOperatorReview",
  "approved",
  "rejected",
  "expired"
]
const at = DateTime.makeUnsafe("2025-02-03T04:05:06.007Z")

type Op =
  | {
      readonly op: "submit"
      readonly id: number
      readonly email: number
      readonly name: number
      readonly status: RegistrationStatus
      readonly minute: number
    }
  | {
      readonly op: "move"
      readonly id: number
      readonly to: RegistrationStatus
      readonly expected: RegistrationStatus
      readonly email: number
      readonly name: number
    }

const index = (n: number) => fc.integer({ min: 0, max: n - 1 })
const status = fc.constantFrom(...statuses)
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant("submit" as const),
    id: index(6),
    email: index(emails.length),
    name: index(names.length),
    status,
    minute: index(3)
  }),
  fc.record({
    op: fc.constant("move" as const),
    id: index(6),
    to: status,
    expected: status,
    email: index(emails.length),
    name: index(names.length)
  })
)

const registration = (id: number, email: number, name: number, s: RegistrationStatus, minute: number) =>
  new Registration({
    id: `reg_${id}` as Registration["id"],
    status: s,
    organization: {
      name: names[name]!,
      legalForm: "Gebietskörperschaft",
      administrativeLevel: "municipal",
      federalState: "DE-NW",
      address: {
        street: "Markt 1" as never,
        postalCode: "50667" as never,
        city: "Köln" as never,
        phone: "0221 1" as never
      }
    },
    person: { firstName: "Anna", lastName: "Muster", email: emails[email]! as Registration["person"]["email"] },
    passwordHash: "$pbkdf2$x",
    acceptedTermsId: "agb_1" as Registration["acceptedTermsId"],
    submittedAt: DateTime.add(at, { minutes: minute }),
    confirmationDeadline: DateTime.add(at, { hours: 72, minutes: minute }),
    confirmedAt: null,
    decidedAt: null,
    decidedBy: null,
    rejectionReason: null,
    organizationId: null,
    accountId: null,
    expiredAt: null,
    updatedAt: at
  })

// Which of the two claims a write runs into first is the store's business when it runs into both (the memory
// store looks row by row, the database index by index); that it is refused for a claim is what must agree.
const claim = (tag: string) =>
  tag === "EmailAlreadyRegistered" || tag === "OrganizationAlreadyRegistered" ? "OpenRegistrationConflict" : tag

/** Applies one write; what it answered: "ok" or the refusal's tag. */
const apply = (op: Op): Effect.Effect<string, StorageError, RegistrationStore> =>
  RegistrationStore.use((s) => {
    const outcome = (effect: Effect.Effect<void, { readonly _tag: string }>) =>
      effect.pipe(
        Effect.as("ok"),
        Effect.catch((e) => Effect.succeed(claim(e._tag)))
      )
    if (op.op === "submit") return outcome(s.insert(registration(op.id, op.email, op.name, op.status, op.minute)))
    return Effect.flatMap(s.get(`reg_${op.id}` as Registration["id"]), (stored) =>
      outcome(
        s.update(
          stored
            ? new Registration({ ...stored, status: op.to, updatedAt: DateTime.add(at, { hours: 1 }) })
            : registration(op.id, op.email, op.name, op.to, 0),
          op.expected
        )
      )
    )
  })

const json = Schema.encodeSync(Schema.toCodecJson(Registration))

/** Everything the store answers about its rows. */
const contents = RegistrationStore.use((s) =>
  Effect.gen(function* () {
    return {
      rows: yield* Effect.forEach([0, 1, 2, 3, 4, 5], (id) =>
        Effect.map(s.get(`reg_${id}` as Registration["id"]), (r) => r && json(r))
      ),
      byEmail: yield* Effect.forEach(emails, (email) =>
        Effect.map(s.findOpenByEmail(email as Registration["person"]["email"]), (r) => r?.id)
      ),
      byName: yield* Effect.forEach(names, (name) => Effect.map(s.findOpenByOrganizationName(name), (r) => r?.id)),
      byStatus: yield* Effect.forEach(statuses, (st) =>
        Effect.map(s.listByStatus(st, { limit: 100 }), (rs) => rs.map((r) => r.id))
      ),
      overdue: (yield* s.listOverdue(DateTime.add(at, { days: 10 }), 100)).map((r) => r.id)
    }
  })
)

const run = (ops: ReadonlyArray<Op>) =>
  Effect.gen(function* () {
    const answers = yield* Effect.forEach(ops, apply)
    return { answers, contents: yield* contents }
  })

describe("the libSQL registration store against the memory store", () => {
  it("every sequence of submissions and status changes gets the same answers and leaves the same state", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 25 }), async (ops) => {
        const expected = await Effect.runPromise(run(ops).pipe(Effect.provide(RegistrationStore.layerMemory)))
        const actual = await Effect.runPromise(run(ops).pipe(Effect.provide(layer({ url: ":memory:" }))))
        if (JSON.stringify(actual) !== JSON.stringify(expected))
          throw new Error(`expected ${JSON.stringify(expected)}\nactual   ${JSON.stringify(actual)}`)
      }),
      { numRuns: 40 }
    )
  })
})
