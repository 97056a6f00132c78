import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect } from "effect"
import { TestClock } from "effect/testing"
import { AuditTrail } from "../../src/audit/AuditTrail.ts"
import { defaultDemoPassword, demoAccounts, seedDemoWorld } from "../../src/demo/DemoWorld.ts"
import { Authentication } from "../../src/identity/Authentication.ts"
import { layerCoreMemory } from "../../src/layerMemory.ts"

const layer = layerCoreMemory({ passwordHashing: { iterations: 1000 } })

const actorOf = (email: string, password = defaultDemoPassword) =>
  Authentication.use((auth) =>
    auth.login({ email, password }).pipe(
      Effect.flatMap(({ session }) => auth.authenticate(session.token)),
      Effect.map((a) => a.actor)
    )
  )

describe("audit trail", () => {
  it.effect("an admin reads the organization's trail page by page, and the whole chain verifies", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(DateTime.toEpochMillis(DateTime.makeUnsafe("2026-11-27T10:00:00Z")))
      yield* seedDemoWorld()
      const admin = yield* actorOf(demoAccounts.kommune)
      const trail = yield* AuditTrail
      const first = yield* trail.list(admin, { limit: 1 })
      assert.strictEqual(first.items.length, 1)
      assert.strictEqual(first.items[0]!.sequence, 1)
      const rest = yield* trail.list(admin, { cursor: first.nextCursor! })
      assert.strictEqual(rest.items[0]!.previousHash, first.items[0]!.hash)
      assert.isTrue(rest.items.every((e) => admin._tag === "Member" && e.chain === admin.organizationId))
      const verification = yield* trail.verify(admin)
      assert.deepStrictEqual(verification, { ok: true, events: 1 + rest.items.length })
      assert.strictEqual((yield* Effect.flip(trail.list(admin, { cursor: "abc" })))._tag, "InvalidInput")
    }).pipe(Effect.provide(layer))
  )

  it.effect("the operator reads no organization's audit trail (employees are refused too: adapter route suite)", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(DateTime.toEpochMillis(DateTime.makeUnsafe("2026-11-27T10:00:00Z")))
      yield* seedDemoWorld()
      const operator = yield* actorOf(demoAccounts.operator)
      assert.strictEqual((yield* Effect.flip(AuditTrail.use((t) => t.list(operator))))._tag, "PermissionDenied")
    }).pipe(Effect.provide(layer))
  )
})
