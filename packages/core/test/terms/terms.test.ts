import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import type { Actor } from "../../src/kernel/Actor.ts"
import { AuditLog } from "../../src/kernel/Audit.ts"
import type { AccountId } from "../../src/kernel/Ids.ts"
import { SecureRandom } from "../../src/kernel/SecureRandom.ts"
import { unitOfWorkMemory } from "../../src/kernel/UnitOfWork.ts"
import { Terms, TermsStore, termsInForce } from "../../src/terms/Terms.ts"

const operator: Actor = { _tag: "Operator", accountId: "acc_op" as AccountId }
const layer = Terms.layer.pipe(
  Layer.provideMerge(
    Layer.mergeAll(TermsStore.layerMemory, unitOfWorkMemory, AuditLog.layerMemory, SecureRandom.layerSeeded(3))
  )
)

describe("CSP-AGB versions", () => {
  it.effect("the version in force is the latest whose effective date has come", () =>
    Effect.gen(function* () {
      const terms = yield* Terms
      yield* TestClock.setTime(DateTime.toEpochMillis(DateTime.makeUnsafe("2026-01-01T00:00:00Z")))
      assert.strictEqual((yield* Effect.flip(terms.current()))._tag, "NoTermsInForce")
      const v1 = yield* terms.publish(operator, {
        version: "1.0",
        effectiveFrom: "2025-01-01T00:00:00Z",
        url: "https://x.test/agb-1"
      })
      yield* terms.publish(operator, { version: "2.0", effectiveFrom: "2026-06-01T00:00:00Z", text: "AGB 2.0" })
      assert.strictEqual((yield* terms.current()).id, v1.id)
      yield* TestClock.setTime(DateTime.toEpochMillis(DateTime.makeUnsafe("2026-06-01T00:00:00Z")))
      assert.strictEqual((yield* terms.current()).version, "2.0")
      assert.strictEqual(termsInForce(yield* terms.list(), DateTime.makeUnsafe("2024-12-31T23:59:59Z")), undefined)
    }).pipe(Effect.provide(layer))
  )

  it.effect("only the operator publishes CSP-AGB versions, and bad input names every field and changes nothing", () =>
    Effect.gen(function* () {
      const terms = yield* Terms
      const member: Actor = {
        _tag: "Member",
        accountId: "acc_m" as AccountId,
        organizationId: "org_x" as never,
        isAdmin: true,
        isMainAdmin: true,
        permissions: new Set()
      }
      const denied = yield* Effect.flip(
        terms.publish(member, { version: "1", effectiveFrom: "2025-01-01T00:00:00Z", text: "x" })
      )
      assert.strictEqual(denied._tag, "PermissionDenied")
      const bad = yield* Effect.flip(
        terms.publish(operator, { version: "", effectiveFrom: "gestern", url: "http://x" })
      )
      assert.strictEqual(bad._tag, "InvalidInput")
      if (bad._tag === "InvalidInput")
        assert.deepStrictEqual(bad.issues.map((i) => i.path).sort(), ["effectiveFrom", "url", "version"])
      assert.strictEqual((yield* terms.list()).length, 0)
      assert.strictEqual(yield* AuditLog.use((l) => l.head("portal")), undefined)
    }).pipe(Effect.provide(layer))
  )

  it.effect("a CSP-AGB version label is published once", () =>
    Effect.gen(function* () {
      const terms = yield* Terms
      yield* terms.publish(operator, { version: "1.0", effectiveFrom: "2025-01-01T00:00:00Z", text: "a" })
      const again = yield* Effect.flip(
        terms.publish(operator, { version: "1.0", effectiveFrom: "2025-02-01T00:00:00Z", text: "b" })
      )
      assert.strictEqual(again._tag, "TermsVersionExists")
    }).pipe(Effect.provide(layer))
  )
})
