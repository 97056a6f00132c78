import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect } from "effect"
import { TestClock } from "effect/testing"
import { defaultDemoPassword, demoAccounts, seedDemoWorld } from "../../src/demo/DemoWorld.ts"
import { Authentication } from "../../src/identity/Authentication.ts"
import { layerCoreMemory } from "../../src/layerMemory.ts"
import { Members } from "../../src/members/Members.ts"
import { MigrationImport } from "../../src/migration/Import.ts"

const layer = layerCoreMemory({ passwordHashing: { iterations: 1000 } })

const world = Effect.gen(function* () {
  yield* TestClock.setTime(DateTime.toEpochMillis(DateTime.makeUnsafe("2026-11-27T10:00:00Z")))
  yield* seedDemoWorld()
  const auth = yield* Authentication
  const actorOf = (email: string) =>
    auth.login({ email, password: defaultDemoPassword }).pipe(
      Effect.flatMap(({ session }) => auth.authenticate(session.token)),
      Effect.map((a) => a.actor)
    )
  return { auth, actorOf }
})

describe("single sign-on", () => {
  it.effect("a verified email signs in the existing active account, with a session like a password login", () =>
    Effect.gen(function* () {
      const { auth } = yield* world
      const signedIn = yield* auth.signInWithVerifiedEmail("Admin@Kommune.Demo.Cloudportal.Test")
      assert.strictEqual(signedIn.account.email, demoAccounts.kommune)
      const again = yield* auth.authenticate(signedIn.session.token)
      assert.strictEqual(again.actor._tag, "Member")
    }).pipe(Effect.provide(layer))
  )

  it.effect("single sign-on never creates an account and never signs in a deactivated or migrated one", () =>
    Effect.gen(function* () {
      const { auth, actorOf } = yield* world
      assert.strictEqual(
        (yield* Effect.flip(auth.signInWithVerifiedEmail("neu@kommune.test")))._tag,
        "InvalidCredentials"
      )
      assert.strictEqual((yield* Effect.flip(auth.signInWithVerifiedEmail("kein email")))._tag, "InvalidCredentials")

      const operator = yield* actorOf(demoAccounts.operator)
      yield* MigrationImport.use((m) =>
        m.run(
          operator,
          {
            organizations: [
              {
                name: "Amt Altsystem",
                legalForm: "Amt",
                administrativeLevel: "municipal",
                federalState: "DE-SH",
                addresses: [{ kind: "location", street: "Weg 1", postalCode: "24103", city: "Kiel", isDefault: true }],
                accounts: [
                  { email: "chefin@amt.test", firstName: "C", lastName: "A", isMainAdmin: true },
                  {
                    email: "kollege@amt.test",
                    firstName: "K",
                    lastName: "A",
                    isMainAdmin: false,
                    status: "deactivated"
                  }
                ]
              }
            ]
          },
          { dryRun: false }
        )
      )
      assert.strictEqual(
        (yield* Effect.flip(auth.signInWithVerifiedEmail("chefin@amt.test")))._tag,
        "PasswordResetRequired"
      )

      const kommune = yield* actorOf(demoAccounts.kommune)
      const invited = yield* Members.use((m) =>
        m.invite(kommune, { email: "mitarbeiter@kommune.test", firstName: "Max", lastName: "Mit" })
      )
      assert.strictEqual(
        (yield* Effect.flip(auth.signInWithVerifiedEmail("mitarbeiter@kommune.test")))._tag,
        "InvalidCredentials"
      )
      assert.strictEqual(invited.status, "invited")
    }).pipe(Effect.provide(layer))
  )
})
