import { assert, describe, layer } from "@effect/vitest"
import { drizzle } from "drizzle-orm/libsql"
import { DateTime, Effect, Layer } from "effect"
import {
  InhouseDeclaration,
  InhouseDeclarationStore,
  Offering,
  OfferingStore,
  Order,
  OrderStore,
  Registration,
  RegistrationStore,
  SecureRandom,
  UnitOfWork
} from "../src/internal/core.ts"
import { constraintViolation, LibsqlDatabase } from "../src/LibsqlDatabase.ts"
import * as schema from "../src/schema/index.ts"
import * as RegistrationLibsql from "../src/stores/RegistrationLibsql.ts"
import { newId, sampleOrder, sampleRegistration } from "./support/core.ts"
import { freshDatabase, targets } from "./support/databases.ts"

/** Runs a statement on the bare client, past every store and every check of the adapter. */
const bare = <A>(query: (db: ReturnType<typeof drizzle>) => PromiseLike<A>) =>
  Effect.gen(function* () {
    const { client } = yield* LibsqlDatabase
    return yield* Effect.tryPromise({ try: () => query(drizzle({ client })), catch: (cause) => cause })
  })

const refusedBy = (cause: unknown, column: string) => {
  const violation = constraintViolation(cause)
  assert.strictEqual(violation?.kind, "unique", String(cause))
  assert.include(violation?.message, column)
}

const newIds = Effect.gen(function* () {
  return {
    customer: yield* newId<Order["customerId"]>("org"),
    provider: yield* newId<Order["providerId"]>("org"),
    intermediary: yield* newId<Order["customerId"]>("org"),
    offering: yield* newId<Order["offering"]["id"]>("off"),
    account: yield* newId<Order["orderedBy"]["accountId"]>("acc")
  }
})

const at = DateTime.makeUnsafe("2025-06-03T10:00:00Z")
const text = (de: string) => ({ de, en: de })

const anOffering = Effect.gen(function* () {
  return new Offering({
    id: yield* newId<Offering["id"]>("off"),
    version: 1,
    providerId: yield* newId<Offering["providerId"]>("org"),
    name: text("Objektspeicher"),
    description: text("S3-kompatibel"),
    portfolioCategory: "Speicher",
    serviceType: "IaaS",
    pricePlans: [{ _tag: "Free", id: "frei" as never, name: text("kostenfrei") }],
    properties: [],
    provisioningTime: text("sofort"),
    maturity: { level: 1, description: text("Pilot") },
    conditions: { version: "1", text: "keine" },
    supportedContractModels: ["DV"],
    customerCircles: { DV: null, UV: null },
    intermediaryId: null,
    efa: false,
    active: true,
    createdAt: at
  })
})

const aDeclaration = Effect.gen(function* () {
  const declarant = yield* newId<InhouseDeclaration["controller"]>("org")
  return new InhouseDeclaration({
    id: yield* newId<InhouseDeclaration["id"]>("inh"),
    controller: declarant,
    controlled: yield* newId<InhouseDeclaration["controlled"]>("org"),
    joint: false,
    evidence: "Satzung § 2",
    validFrom: at,
    validUntil: null,
    declaredBy: { organizationId: declarant, accountId: "acc_declarant" as never },
    declaredAt: at,
    ended: null
  })
})

for (const target of targets)
  describe(`libSQL ${target}: the rules of the remaining ports hold in the database`, () => {
    layer(Layer.merge(freshDatabase(target), SecureRandom.layerWebCrypto))((it) => {
      it.effect("the database itself refuses a second open registration for one email; a closed one frees it", () =>
        Effect.gen(function* () {
          const first = yield* sampleRegistration()
          yield* RegistrationStore.use((s) => s.insert(first))
          const twin = yield* sampleRegistration({ person: first.person })
          const cause = yield* Effect.flip(
            bare((db) => db.insert(schema.registrations).values(RegistrationLibsql.toRow(twin)))
          )
          refusedBy(cause, "registrations.email")
          assert.strictEqual(
            (yield* Effect.flip(RegistrationStore.use((s) => s.insert(twin))))._tag,
            "EmailAlreadyRegistered"
          )
          // An approved registration no longer claims its email.
          yield* RegistrationStore.use((s) =>
            s.update(new Registration({ ...first, status: "approved", decidedAt: at }), "awaitingEmailConfirmation")
          )
          yield* RegistrationStore.use((s) => s.insert(twin))
        })
      )

      it.effect("the database itself refuses a second open registration for one normalized organization name", () =>
        Effect.gen(function* () {
          const first = yield* sampleRegistration()
          yield* RegistrationStore.use((s) => s.insert(first))
          const other = yield* sampleRegistration()
          const twin = new Registration({
            ...other,
            organization: { ...other.organization, name: `  ${first.organization.name.toUpperCase()} ` }
          })
          const cause = yield* Effect.flip(
            bare((db) => db.insert(schema.registrations).values(RegistrationLibsql.toRow(twin)))
          )
          refusedBy(cause, "registrations.normalized_organization_name")
          assert.strictEqual(
            (yield* Effect.flip(RegistrationStore.use((s) => s.insert(twin))))._tag,
            "OrganizationAlreadyRegistered"
          )
        })
      )

      it.effect("of 50 concurrent registrations with one email exactly one is stored", () =>
        Effect.gen(function* () {
          const first = yield* sampleRegistration()
          const all = [
            first,
            ...(yield* Effect.all(Array.from({ length: 49 }, () => sampleRegistration({ person: first.person }))))
          ]
          const outcomes = yield* Effect.forEach(
            all,
            (r) =>
              RegistrationStore.use((s) => s.insert(r)).pipe(
                Effect.as("stored"),
                Effect.catchTag("EmailAlreadyRegistered", (e) => Effect.succeed(e._tag))
              ),
            { concurrency: "unbounded" }
          )
          assert.strictEqual(outcomes.filter((o) => o === "stored").length, 1)
          assert.strictEqual(outcomes.filter((o) => o === "EmailAlreadyRegistered").length, 49)
        })
      )

      it.effect("of 50 concurrent decisions on one order status exactly one commits (compare-and-set)", () =>
        Effect.gen(function* () {
          const order = yield* sampleOrder(yield* newIds)
          yield* OrderStore.use((s) => s.insert(order))
          const decided = (to: Order["status"]) =>
            new Order({
              ...order,
              status: to,
              history: [
                {
                  from: "open",
                  to,
                  action: to === "rejectedByProviderDV" ? "reject" : "startReview",
                  party: "provider",
                  actor: { kind: "Member", accountId: "acc_x" },
                  reason: "parallel",
                  at
                } as Order["history"][number]
              ]
            })
          const outcomes = yield* Effect.forEach(
            Array.from({ length: 50 }, (_, i) => decided(i % 2 ? "inReviewByProviderDV" : "rejectedByProviderDV")),
            (next) =>
              UnitOfWork.use((u) => u.transaction(OrderStore.use((s) => s.updateStatus(next, "open")))).pipe(
                Effect.as("committed"),
                Effect.catchTag("StaleOrderStatus", (e) => Effect.succeed(e._tag))
              ),
            { concurrency: "unbounded" }
          )
          assert.strictEqual(outcomes.filter((o) => o === "committed").length, 1)
          assert.strictEqual(outcomes.filter((o) => o === "StaleOrderStatus").length, 49)
          assert.strictEqual((yield* OrderStore.use((s) => s.get(order.id)))?.history.length, 1)
        })
      )

      it.effect("of 20 concurrent edits of one offering version exactly one becomes the next version", () =>
        Effect.gen(function* () {
          const v1 = yield* anOffering
          yield* OfferingStore.use((s) => s.insertVersion(v1))
          const outcomes = yield* Effect.forEach(
            Array.from({ length: 20 }, (_, i) => new Offering({ ...v1, version: 2, portfolioCategory: `Edit ${i}` })),
            (v2) =>
              OfferingStore.use((s) => s.insertVersion(v2)).pipe(
                Effect.as("written"),
                Effect.catchTag("OfferingVersionConflict", (e) => Effect.succeed(e._tag))
              ),
            { concurrency: "unbounded" }
          )
          assert.strictEqual(outcomes.filter((o) => o === "written").length, 1)
          const latest = yield* OfferingStore.use((s) => s.getLatest(v1.id))
          assert.strictEqual(latest?.version, 2)
          assert.strictEqual(latest?.portfolioCategory, `Edit ${outcomes.indexOf("written")}`)
        })
      )

      it.effect("of 20 concurrent endings of one declaration exactly one succeeds", () =>
        Effect.gen(function* () {
          const d = yield* aDeclaration
          yield* InhouseDeclarationStore.use((s) => s.insert(d))
          const ended = yield* Effect.forEach(
            Array.from({ length: 20 }),
            () =>
              InhouseDeclarationStore.use((s) =>
                s.end(d.id, { at, accountId: "acc_ender" as InhouseDeclaration["declaredBy"]["accountId"] }, at)
              ),
            { concurrency: "unbounded" }
          )
          assert.strictEqual(ended.filter(Boolean).length, 1)
        })
      )
    })
  })
