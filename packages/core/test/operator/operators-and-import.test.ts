import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Authentication } from "../../src/identity/Authentication.ts"
import type { Actor } from "../../src/kernel/Actor.ts"
import { AuditLog, verifyChain } from "../../src/kernel/Audit.ts"
import { layerCoreMemory } from "../../src/layerMemory.ts"
import { AccountStore } from "../../src/members/AccountStore.ts"
import { MigrationImport } from "../../src/migration/Import.ts"
import { Operators } from "../../src/operator/Operators.ts"
import { OrganizationStore } from "../../src/organization/OrganizationStore.ts"

const layer = layerCoreMemory({ passwordHashing: { iterations: 1000 } })
const password = "ein sehr langes Betreiber-Passwort 2026"

const operator = Effect.gen(function* () {
  const account = yield* Operators.use((o) =>
    o.ensure({ email: "Betrieb@DVC.test", firstName: "Bea", lastName: "Betrieb", password })
  )
  return { _tag: "Operator", accountId: account.id } satisfies Actor
})

const kommune = (overrides: Record<string, unknown> = {}) => ({
  name: "Gemeinde Altdorf",
  legalForm: "Körperschaft des öffentlichen Rechts",
  administrativeLevel: "municipal",
  federalState: "DE-BY",
  addresses: [
    {
      kind: "location",
      street: "Rathausplatz 1",
      postalCode: "90518",
      city: "Altdorf",
      phone: "09187 8070",
      isDefault: true
    }
  ],
  accounts: [
    { email: "hauptadmin@altdorf.test", firstName: "Hanna", lastName: "Haupt", isMainAdmin: true },
    { email: "it@altdorf.test", firstName: "Ida", lastName: "Tech", isMainAdmin: false, organizationAdmin: true }
  ],
  ...overrides
})

describe("operators", () => {
  it.effect("the first operator comes from configuration, once; a restart changes nothing", () =>
    Effect.gen(function* () {
      const first = yield* operator
      const again = yield* Operators.use((o) =>
        o.ensure({ email: "betrieb@dvc.test", firstName: "X", lastName: "Y", password: `${password} anders` })
      )
      assert.strictEqual(again.id, first.accountId)
      assert.strictEqual(again.firstName, "Bea")
      const signedIn = yield* Authentication.use((a) => a.login({ email: "betrieb@dvc.test", password }))
      assert.strictEqual(signedIn.account.id, first.accountId)
    }).pipe(Effect.provide(layer))
  )

  it.effect("an operator email cannot be one a member already holds", () =>
    Effect.gen(function* () {
      const actor = yield* operator
      yield* MigrationImport.use((m) => m.run(actor, { organizations: [kommune()] }, { dryRun: false }))
      const taken = yield* Effect.flip(
        Operators.use((o) => o.ensure({ email: "it@altdorf.test", firstName: "I", lastName: "T", password }))
      )
      assert.strictEqual(taken._tag, "EmailAlreadyRegistered")
    }).pipe(Effect.provide(layer))
  )
})

describe("migration import", () => {
  it.effect(
    "imported accounts must set a password through „Passwort vergessen“ and organizations review their master data",
    () =>
      Effect.gen(function* () {
        const actor = yield* operator
        const report = yield* MigrationImport.use((m) =>
          m.run(actor, { organizations: [kommune()] }, { dryRun: false })
        )
        assert.deepStrictEqual(report, { dryRun: false, organizations: 1, addresses: 1, accounts: 2, problems: [] })
        const org = yield* OrganizationStore.use((s) => s.findByName("gemeinde  altdorf"))
        assert.isTrue(org?.masterDataReviewRequired)
        const accounts = yield* AccountStore.use((s) => s.listByOrganization(org!.id))
        assert.deepStrictEqual(
          accounts.map((a) => [a.email, a.isMainAdmin, a.passwordHash, a.passwordResetRequired, a.roleIds.length]),
          [
            ["hauptadmin@altdorf.test", true, null, true, 1],
            ["it@altdorf.test", false, null, true, 1]
          ]
        )
        const events = yield* AuditLog.use((l) => l.list(org!.id, { afterSequence: 0, limit: 10 }))
        assert.deepStrictEqual(
          events.map((e) => e.action),
          ["organization.imported"]
        )
        assert.deepStrictEqual(yield* verifyChain(events), { ok: true })
      }).pipe(Effect.provide(layer))
  )

  it.effect("a dry run reports every problem and writes nothing", () =>
    Effect.gen(function* () {
      const actor = yield* operator
      const input = {
        organizations: [
          kommune({ federalState: null, addresses: [] }),
          kommune({
            accounts: [
              {
                email: "hauptadmin@altdorf.test",
                firstName: "A",
                lastName: "B",
                isMainAdmin: true,
                status: "deactivated"
              },
              { email: "zweite@altdorf.test", firstName: "C", lastName: "D", isMainAdmin: true }
            ]
          })
        ]
      }
      const report = yield* MigrationImport.use((m) => m.run(actor, input, { dryRun: true }))
      assert.deepStrictEqual(report.problems.map((p) => p.path).sort(), [
        "organizations.0.addresses",
        "organizations.0.federalState",
        "organizations.1.accounts",
        "organizations.1.accounts.0.email",
        "organizations.1.accounts.0.status",
        "organizations.1.name"
      ])
      assert.strictEqual(yield* OrganizationStore.use((s) => s.findByName("Gemeinde Altdorf")), undefined)
      const real = yield* Effect.flip(MigrationImport.use((m) => m.run(actor, input, { dryRun: false })))
      assert.strictEqual(real._tag, "InvalidInput")
      assert.strictEqual(yield* OrganizationStore.use((s) => s.findByName("Gemeinde Altdorf")), undefined)
    }).pipe(Effect.provide(layer))
  )

  it.effect("an import never overwrites what the portal already holds", () =>
    Effect.gen(function* () {
      const actor = yield* operator
      yield* MigrationImport.use((m) => m.run(actor, { organizations: [kommune()] }, { dryRun: false }))
      const report = yield* MigrationImport.use((m) => m.run(actor, { organizations: [kommune()] }, { dryRun: true }))
      assert.deepStrictEqual(
        report.problems.map((p) => p.path),
        ["organizations.0.name", "organizations.0.accounts.0.email", "organizations.0.accounts.1.email"]
      )
    }).pipe(Effect.provide(layer))
  )

  it.effect("only the operator imports", () =>
    Effect.gen(function* () {
      yield* operator
      const member: Actor = {
        _tag: "Member",
        accountId: "acc_x" as never,
        organizationId: "org_x" as never,
        isAdmin: true,
        isMainAdmin: true,
        permissions: new Set()
      }
      const denied = yield* Effect.flip(
        MigrationImport.use((m) => m.run(member, { organizations: [] }, { dryRun: true }))
      )
      assert.strictEqual(denied._tag, "PermissionDenied")
    }).pipe(Effect.provide(layer))
  )
})
