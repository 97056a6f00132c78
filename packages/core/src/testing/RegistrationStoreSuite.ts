import { assert, describe, layer } from "@effect/vitest"
import { DateTime, Effect, Layer, Schema } from "effect"
import type { Email } from "../kernel/Email.ts"
import type { AccountId, OrganizationId, RegistrationId, TermsId } from "../kernel/Ids.ts"
import { newId, SecureRandom } from "../kernel/SecureRandom.ts"
import { EmailAlreadyRegistered } from "../members/AccountStore.ts"
import { OrganizationAlreadyRegistered } from "../organization/OrganizationStore.ts"
import { Registration, type RegistrationStatus } from "../registration/Registration.ts"
import { RegistrationStore, StaleRegistrationStatus } from "../registration/RegistrationStore.ts"

const RegistrationJson = Schema.toCodecJson(Registration)
const json = (r: Registration | undefined) => (r === undefined ? undefined : Schema.encodeSync(RegistrationJson)(r))

const submittedAt = DateTime.makeUnsafe("2025-01-20T08:00:00.125Z")
const at = (minutes: number) => DateTime.addDuration(submittedAt, `${minutes} minutes`)

/** A fresh unconfirmed registration whose organization name and email no other test uses. */
export const sampleRegistration = (fields: Partial<Registration> = {}) =>
  Effect.gen(function* () {
    const id = yield* newId<RegistrationId>("reg")
    return new Registration({
      id,
      status: "awaitingEmailConfirmation",
      organization: {
        name: `Zweckverband Kommunale Datenverarbeitung ${id}`,
        legalForm: "Zweckverband",
        administrativeLevel: "municipal",
        federalState: "DE-NI",
        address: { street: "Am Rathaus 3", postalCode: "30159", city: "Hannover", phone: "+49 511 12345-0" }
      },
      person: { firstName: "Jürgen", lastName: "Öztürk-Maß", email: `${id}@zv-kdv.example` as Email },
      passwordHash: "$pbkdf2-sha256$i=1000$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
      acceptedTermsId: "agb_2025_01" as TermsId,
      submittedAt,
      confirmationDeadline: DateTime.addDuration(submittedAt, "72 hours"),
      confirmedAt: null,
      decidedAt: null,
      decidedBy: null,
      rejectionReason: null,
      organizationId: null,
      accountId: null,
      expiredAt: null,
      updatedAt: submittedAt,
      ...fields
    })
  })

/** The same registration further along its lifecycle, as the use cases write it. */
const moved = (r: Registration, status: RegistrationStatus, when: DateTime.Utc) =>
  Effect.gen(function* () {
    switch (status) {
      case "awaitingOperatorReview":
        return new Registration({ ...r, status, confirmedAt: when, updatedAt: when })
      case "approved":
        return new Registration({
          ...r,
          status,
          decidedAt: when,
          decidedBy: yield* newId<AccountId>("acc"),
          organizationId: yield* newId<OrganizationId>("org"),
          accountId: yield* newId<AccountId>("acc"),
          updatedAt: when
        })
      case "rejected":
        return new Registration({
          ...r,
          status,
          decidedAt: when,
          decidedBy: yield* newId<AccountId>("acc"),
          rejectionReason: "Keine öffentliche Stelle / not a public body",
          updatedAt: when
        })
      case "expired":
        return new Registration({ ...r, status, expiredAt: when, updatedAt: when })
      case "awaitingEmailConfirmation":
        return new Registration({ ...r, confirmationDeadline: DateTime.addDuration(when, "72 hours"), updatedAt: when })
    }
  })

/**
 * The contract of every `RegistrationStore`: registrations read back unchanged; at most one open registration
 * (`awaitingEmailConfirmation` or `awaitingOperatorReview`) per normalized email and per normalized organization
 * name, on insert and update alike (a database holds this with partial unique indexes); `update` is a
 * compare-and-set on the status; lists are ordered and page without repeating or skipping.
 * Other tests may share the store, so every assertion looks at the test's own rows only.
 */
export const registrationStoreSuite = <E>(name: string, registrations: Layer.Layer<RegistrationStore, E>) =>
  describe(`RegistrationStore conformance: ${name}`, () => {
    layer(Layer.merge(registrations, SecureRandom.layerWebCrypto))((it) => {
      it.effect("a registration reads back unchanged in every status", () =>
        Effect.gen(function* () {
          const s = yield* RegistrationStore
          const federal = yield* sampleRegistration()
          const withFederal = new Registration({
            ...federal,
            organization: { ...federal.organization, administrativeLevel: "federal", federalState: null }
          })
          yield* s.insert(withFederal)
          assert.deepStrictEqual(json(yield* s.get(withFederal.id)), json(withFederal))
          for (const status of ["approved", "rejected", "expired"] as const) {
            const r = yield* moved(yield* sampleRegistration(), status, at(5))
            yield* s.insert(r)
            assert.deepStrictEqual(json(yield* s.get(r.id)), json(r))
          }
        })
      )

      it.effect("an unknown registration id finds nothing", () =>
        Effect.gen(function* () {
          const s = yield* RegistrationStore
          assert.strictEqual(yield* s.get(yield* newId<RegistrationId>("reg")), undefined)
        })
      )

      it.effect("open registrations are found by email and by normalized organization name; closed ones are not", () =>
        Effect.gen(function* () {
          const s = yield* RegistrationStore
          const waiting = yield* sampleRegistration()
          const reviewed = yield* moved(yield* sampleRegistration(), "awaitingOperatorReview", at(1))
          yield* s.insert(waiting)
          yield* s.insert(reviewed)
          assert.strictEqual((yield* s.findOpenByEmail(waiting.person.email))?.id, waiting.id)
          assert.strictEqual((yield* s.findOpenByEmail(reviewed.person.email))?.id, reviewed.id)
          const variant = `  ＺＷＥＣＫverband   kommunale DATENVERARBEITUNG ${waiting.id.toUpperCase()} `
          assert.strictEqual((yield* s.findOpenByOrganizationName(variant))?.id, waiting.id)
          assert.strictEqual((yield* s.findOpenByOrganizationName(reviewed.organization.name))?.id, reviewed.id)
          for (const status of ["approved", "rejected", "expired"] as const) {
            const closed = yield* moved(yield* sampleRegistration(), status, at(2))
            yield* s.insert(closed)
            assert.strictEqual(yield* s.findOpenByEmail(closed.person.email), undefined)
            assert.strictEqual(yield* s.findOpenByOrganizationName(closed.organization.name), undefined)
          }
        })
      )

      it.effect("a second open registration for the same email is refused, and the first stays", () =>
        Effect.gen(function* () {
          const s = yield* RegistrationStore
          const first = yield* sampleRegistration()
          const second = yield* sampleRegistration({ person: { ...first.person } })
          yield* s.insert(first)
          const refused = yield* Effect.flip(s.insert(second))
          assert.instanceOf(refused, EmailAlreadyRegistered)
          assert.strictEqual(yield* s.get(second.id), undefined)
          assert.deepStrictEqual(json(yield* s.get(first.id)), json(first))
        })
      )

      it.effect("a second open registration for the same normalized organization name is refused", () =>
        Effect.gen(function* () {
          const s = yield* RegistrationStore
          const first = yield* sampleRegistration()
          const second = yield* sampleRegistration()
          const sameName = new Registration({
            ...second,
            organization: { ...second.organization, name: ` ${first.organization.name.toUpperCase()}  ` }
          })
          yield* s.insert(first)
          const refused = yield* Effect.flip(s.insert(sameName))
          assert.instanceOf(refused, OrganizationAlreadyRegistered)
          assert.strictEqual(yield* s.get(sameName.id), undefined)
        })
      )

      it.effect("a closed registration frees its email and organization name", () =>
        Effect.gen(function* () {
          const s = yield* RegistrationStore
          for (const status of ["approved", "rejected", "expired"] as const) {
            const first = yield* sampleRegistration()
            yield* s.insert(first)
            yield* s
              .update(yield* moved(first, status, at(3)), "awaitingEmailConfirmation")
              .pipe(Effect.catchTag("StaleRegistrationStatus", Effect.die))
            const again = yield* sampleRegistration({ person: first.person })
            const retry = new Registration({ ...again, organization: first.organization })
            yield* s.insert(retry)
            assert.strictEqual((yield* s.findOpenByEmail(first.person.email))?.id, retry.id)
          }
        })
      )

      it.effect("an update applies only while the status is still the expected one", () =>
        Effect.gen(function* () {
          const s = yield* RegistrationStore
          const r = yield* sampleRegistration()
          yield* s.insert(r)
          const confirmed = yield* moved(r, "awaitingOperatorReview", at(10))
          yield* s.update(confirmed, "awaitingEmailConfirmation")
          assert.deepStrictEqual(json(yield* s.get(r.id)), json(confirmed))
          // A second writer that read the old status loses.
          const stale = yield* Effect.flip(s.update(yield* moved(r, "expired", at(11)), "awaitingEmailConfirmation"))
          assert.instanceOf(stale, StaleRegistrationStatus)
          assert.strictEqual((stale as StaleRegistrationStatus).actualStatus, "awaitingOperatorReview")
          assert.deepStrictEqual(json(yield* s.get(r.id)), json(confirmed))
        })
      )

      it.effect("a status list is ordered by submission and pages without repeats or gaps", () =>
        Effect.gen(function* () {
          const s = yield* RegistrationStore
          // Two share a submission time: the id breaks the tie.
          const mine: Array<Registration> = []
          for (const minutes of [30, 10, 20, 20, 40]) {
            const r = yield* moved(yield* sampleRegistration({ submittedAt: at(minutes) }), "rejected", at(60))
            yield* s.insert(r)
            mine.push(r)
          }
          const ids = new Set(mine.map((r) => r.id))
          const expected = [...mine]
            .sort(
              (a, b) =>
                DateTime.toEpochMillis(a.submittedAt) - DateTime.toEpochMillis(b.submittedAt) || (a.id < b.id ? -1 : 1)
            )
            .map((r) => r.id)
          const seen: Array<string> = []
          let after: { submittedAt: DateTime.Utc; id: RegistrationId } | undefined
          for (let pages = 0; pages < 10_000; pages++) {
            const page = yield* s.listByStatus("rejected", { limit: 2, after })
            assert.isTrue(page.length <= 2)
            for (const r of page) assert.strictEqual(r.status, "rejected")
            seen.push(...page.filter((r) => ids.has(r.id)).map((r) => r.id))
            const last = page.at(-1)
            if (!last) break
            after = { submittedAt: last.submittedAt, id: last.id }
          }
          assert.deepStrictEqual(seen, expected)
        })
      )

      it.effect("the overdue list holds unconfirmed registrations whose deadline has come, oldest deadline first", () =>
        Effect.gen(function* () {
          const s = yield* RegistrationStore
          const now = at(72 * 60)
          const due = yield* sampleRegistration({ confirmationDeadline: DateTime.subtractDuration(now, "1 hour") })
          const dueExactly = yield* sampleRegistration({ confirmationDeadline: now })
          const notYet = yield* sampleRegistration({ confirmationDeadline: DateTime.addDuration(now, "1 millis") })
          const confirmed = yield* moved(
            yield* sampleRegistration({ confirmationDeadline: DateTime.subtractDuration(now, "2 hours") }),
            "awaitingOperatorReview",
            at(5)
          )
          for (const r of [dueExactly, notYet, confirmed, due]) yield* s.insert(r)
          const listed = (yield* s.listOverdue(now, 10_000)).map((r) => r.id)
          const mine = listed.filter((id) => [due.id, dueExactly.id, notYet.id, confirmed.id].includes(id))
          assert.deepStrictEqual(mine, [due.id, dueExactly.id])
          assert.isTrue((yield* s.listOverdue(now, 1)).length <= 1)
        })
      )
    })
  })
