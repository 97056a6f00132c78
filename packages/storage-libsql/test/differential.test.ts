import { describe, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import * as fc from "fast-check"
import {
  Account,
  AccountStore,
  Address,
  AddressStore,
  Organization,
  OrganizationStore,
  Role,
  RoleStore,
  type StorageError
} from "../src/internal/core.ts"
import { layer } from "../src/LibsqlStorage.ts"
import { fixtureInstant, organizationFixture } from "./support/fixtures.ts"

/**
 * Differential test: random sequences of writes go to core's memory stores and to the libSQL stores;
 * every write must get the same answer (done, or the same refusal) and the stores must end equal. The
 * memory stores state the rules in plain code; the database holds them with indexes.
 */

const organizationIds = ["org_a", "org_b", "org_c"] as const
const emails = ["anna@amt.de", "bert@amt.de", "cora@amt.de"] as const
const roleNames = ["Einkauf", " einkauf ", "EINKAUF", "Prüfung", "Pru\u0308fung"] as const
const organizationNames = [
  "Stadt Musterstadt",
  "stadt  musterstadt",
  "Landkreis Beispiel",
  "STADT MUSTERSTADT "
] as const
const at = fixtureInstant

type Op =
  | {
      readonly op: "account"
      readonly id: number
      readonly org: number
      readonly email: number
      readonly main: boolean
      readonly status: Account["status"]
    }
  | { readonly op: "address"; readonly id: number; readonly org: number; readonly isDefault: boolean }
  | { readonly op: "deleteAddress"; readonly id: number }
  | { readonly op: "role"; readonly id: number; readonly org: number; readonly name: number }
  | { readonly op: "deleteRole"; readonly id: number }
  | { readonly op: "organization"; readonly id: number; readonly name: number }

const index = (n: number) => fc.integer({ min: 0, max: n - 1 })
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant("account" as const),
    id: index(5),
    org: index(3),
    email: index(3),
    main: fc.boolean(),
    status: fc.constantFrom("invited", "active", "deactivated", "deleted") as fc.Arbitrary<Account["status"]>
  }),
  fc.record({ op: fc.constant("address" as const), id: index(4), org: index(3), isDefault: fc.boolean() }),
  fc.record({ op: fc.constant("deleteAddress" as const), id: index(4) }),
  fc.record({ op: fc.constant("role" as const), id: index(4), org: index(3), name: index(roleNames.length) }),
  fc.record({ op: fc.constant("deleteRole" as const), id: index(4) }),
  fc.record({ op: fc.constant("organization" as const), id: index(3), name: index(organizationNames.length) })
)

const organization = organizationFixture

/** Applies one write; what it answered: "ok" or the refusal's tag. Writes with a known id update. */
type Stores = AccountStore | AddressStore | RoleStore | OrganizationStore

const apply = (op: Op): Effect.Effect<string, StorageError, Stores> => {
  const outcome = <E extends { readonly _tag: string }>(effect: Effect.Effect<void, E>) =>
    effect.pipe(
      Effect.as("ok"),
      Effect.catch((e: E) => Effect.succeed(e._tag))
    )
  switch (op.op) {
    case "account": {
      const a = new Account({
        id: `acc_${op.id}` as Account["id"],
        kind: "member",
        organizationId: organizationIds[op.org]! as Account["organizationId"],
        email: emails[op.email]! as Account["email"],
        firstName: "Anna",
        lastName: "Muster",
        status: op.status,
        isMainAdmin: op.main,
        roleIds: [],
        passwordHash: null,
        passwordResetRequired: false,
        createdAt: at,
        updatedAt: at
      })
      return AccountStore.use((s) => Effect.flatMap(s.get(a.id), (old) => outcome(old ? s.update(a) : s.insert(a))))
    }
    case "address": {
      const a = new Address({
        id: `adr_${op.id}` as Address["id"],
        organizationId: organizationIds[op.org]! as Address["organizationId"],
        kind: "location",
        street: "Marktplatz 1",
        postalCode: "50667",
        city: "Köln",
        phone: null,
        leitwegId: null,
        isDefault: op.isDefault
      })
      return AddressStore.use((s) => Effect.flatMap(s.get(a.id), (old) => outcome(old ? s.update(a) : s.insert(a))))
    }
    case "deleteAddress":
      return AddressStore.use((s) => outcome(s.delete(`adr_${op.id}` as Address["id"])))
    case "role": {
      const r = new Role({
        id: `rol_${op.id}` as Role["id"],
        organizationId: organizationIds[op.org]! as Role["organizationId"],
        name: roleNames[op.name]!,
        permissions: ["members.invite"],
        builtIn: false
      })
      return RoleStore.use((s) => Effect.flatMap(s.get(r.id), (old) => outcome(old ? s.update(r) : s.insert(r))))
    }
    case "deleteRole":
      return RoleStore.use((s) => outcome(s.delete(`rol_${op.id}` as Role["id"])))
    case "organization": {
      const o = organization(`org_new_${op.id}`, organizationNames[op.name]!)
      return OrganizationStore.use((s) =>
        Effect.flatMap(s.get(o.id), (old) => outcome(old ? s.update(o) : s.insert(o)))
      )
    }
  }
}

const accountJson = Schema.encodeSync(Schema.toCodecJson(Account))
const addressJson = Schema.encodeSync(Schema.toCodecJson(Address))
const roleJson = Schema.encodeSync(Schema.toCodecJson(Role))
const organizationJson = Schema.encodeSync(Schema.toCodecJson(Organization))

/** Everything the stores hold, in their listing order. */
const contents = Effect.gen(function* () {
  const all = [...organizationIds, "org_new_0", "org_new_1", "org_new_2"] as ReadonlyArray<string> as ReadonlyArray<
    Organization["id"]
  >
  return {
    organizations: yield* Effect.forEach(all, (id) =>
      OrganizationStore.use((s) => Effect.map(s.get(id), (o) => o && organizationJson(o)))
    ),
    accounts: yield* Effect.forEach(organizationIds, (id) =>
      AccountStore.use((s) =>
        Effect.map(s.listByOrganization(id as Organization["id"]), (as) => as.map((a) => accountJson(a)))
      )
    ),
    byEmail: yield* Effect.forEach(emails, (email) =>
      AccountStore.use((s) => Effect.map(s.findByEmail(email as Account["email"]), (a) => a?.id))
    ),
    addresses: yield* Effect.forEach(organizationIds, (id) =>
      AddressStore.use((s) =>
        Effect.map(s.listByOrganization(id as Organization["id"]), (as) => as.map((a) => addressJson(a)))
      )
    ),
    roles: yield* Effect.forEach(organizationIds, (id) =>
      RoleStore.use((s) =>
        Effect.map(s.listByOrganization(id as Organization["id"]), (rs) => rs.map((r) => roleJson(r)))
      )
    )
  }
})

const run = (ops: ReadonlyArray<Op>) =>
  Effect.gen(function* () {
    for (const [i, id] of organizationIds.entries())
      yield* OrganizationStore.use((s) => s.insert(organization(id, `Seed ${i}`)))
    const answers = yield* Effect.forEach(ops, apply)
    return { answers, contents: yield* contents }
  })

const memory = Layer.mergeAll(
  OrganizationStore.layerMemory,
  AddressStore.layerMemory,
  AccountStore.layerMemory,
  RoleStore.layerMemory
)

describe("the libSQL stores against the memory stores", () => {
  it("every sequence of account, address, role and organization writes gets the same answers and leaves the same state", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 30 }), async (ops) => {
        const expected = await Effect.runPromise(run(ops).pipe(Effect.provide(memory)))
        const actual = await Effect.runPromise(run(ops).pipe(Effect.provide(layer({ url: ":memory:" }))))
        return JSON.stringify(actual) === JSON.stringify(expected)
      }),
      { numRuns: 120 }
    )
  })
})
