import { assert, describe, it, layer } from "@effect/vitest"
import { sql, type Table } from "drizzle-orm"
import { Arbitrary, Effect, Result, Schema } from "effect"
import * as fc from "fast-check"
import {
  Account,
  AccountStore,
  Address,
  AddressStore,
  AuditEvent,
  AuditLog,
  ContractFolder,
  ContractFolderStore,
  DevMail,
  DevMailbox,
  InhouseDeclaration,
  InhouseDeclarationStore,
  LinkToken,
  LinkTokenStore,
  Offering,
  OfferingStore,
  Order,
  OrderStore,
  Organization,
  OrganizationStore,
  Outbox,
  OutboxMessage,
  Registration,
  RegistrationStore,
  Role,
  RoleStore,
  Session,
  SessionStore,
  TermsStore,
  TermsVersion,
  Threshold,
  ThresholdStore
} from "../src/internal/core.ts"
import { storable } from "../src/internal/text.ts"
import { LibsqlDatabase } from "../src/LibsqlDatabase.ts"
import * as schema from "../src/schema/index.ts"
import * as AccountLibsql from "../src/stores/AccountLibsql.ts"
import * as AuditLogLibsql from "../src/stores/AuditLogLibsql.ts"
import * as DevMailboxLibsql from "../src/stores/DevMailboxLibsql.ts"
import * as EligibilityLibsql from "../src/stores/EligibilityLibsql.ts"
import * as IdentityLibsql from "../src/stores/IdentityLibsql.ts"
import * as OfferingLibsql from "../src/stores/OfferingLibsql.ts"
import * as OrderLibsql from "../src/stores/OrderLibsql.ts"
import * as OrganizationLibsql from "../src/stores/OrganizationLibsql.ts"
import * as OutboxLibsql from "../src/stores/OutboxLibsql.ts"
import * as RegistrationLibsql from "../src/stores/RegistrationLibsql.ts"
import * as TermsLibsql from "../src/stores/TermsLibsql.ts"
import { freshDatabase } from "./support/databases.ts"

class Undo extends Schema.TaggedError<Undo>()("Undo", {}) {}

/**
 * Writes a value through its store and reads it back inside a transaction that is then rolled back, so
 * every generated value meets empty tables; foreign keys are deferred, as the parents are not there.
 */
const roundTrip = <A, E, R>(write: Effect.Effect<void, E, R>, readBack: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const db = yield* LibsqlDatabase
    let value: A | undefined
    const outcome = yield* db
      .transaction(
        Effect.gen(function* () {
          yield* db.write("defer foreign keys", (d) => d.run(sql`PRAGMA defer_foreign_keys = ON`))
          yield* write
          value = yield* readBack
          return yield* new Undo()
        })
      )
      .pipe(Effect.flip)
    return outcome instanceof Undo ? { stored: true as const, value } : { stored: false as const, error: outcome }
  })

/**
 * Every value of the schema reads back exactly as written, or, when a plain text column would not hold
 * it (NUL, unpaired surrogate), the write fails with a StorageError instead of storing something else.
 */
const property = <T, Row extends object, E, R>(
  schema: Schema.Codec<T, unknown> & Schema.Constraint,
  table: Table,
  toRow: (value: T) => Row,
  write: (value: T) => Effect.Effect<void, E, R>,
  read: (value: T) => Effect.Effect<T | undefined, E, R>,
  /** Narrows generated values to what the store accepts at all (e.g. the first version of an offering). */
  prepare: (value: T) => T = (value) => value
) =>
  Effect.gen(function* () {
    const json = Schema.encodeSync(Schema.toCodecJson(schema))
    const unstorable = (value: T) => Result.isFailure(Result.try(() => storable(table, toRow(value))))
    const result = yield* Arbitrary.checkEffect(
      Arbitrary.map(Arbitrary.schema(schema) as Arbitrary.Arbitrary<T>, prepare),
      (value) =>
        Effect.map(roundTrip(write(value), read(value)), (outcome) =>
          outcome.stored
            ? !unstorable(value) &&
              outcome.value !== undefined &&
              JSON.stringify(json(outcome.value)) === JSON.stringify(json(value))
            : unstorable(value) && (outcome.error as { _tag?: unknown })._tag === "StorageError"
        ),
      { runs: 100 }
    )
    assert.strictEqual(Arbitrary.formatCheckFailure(result), undefined)
  })

layer(freshDatabase("memory"))("stored values read back exactly as written (generated from the schemas)", (it) => {
  it.effect("organizations", () =>
    property(
      Organization,
      schema.organizations,
      OrganizationLibsql.toRow,
      (o) => OrganizationStore.use((s) => s.insert(o)),
      (o) => OrganizationStore.use((s) => s.get(o.id))
    )
  )
  it.effect("addresses", () =>
    property(
      Address,
      schema.addresses,
      OrganizationLibsql.addressToRow,
      (a) => AddressStore.use((s) => s.insert(a)),
      (a) => AddressStore.use((s) => s.get(a.id))
    )
  )
  it.effect("accounts", () =>
    property(
      Account,
      schema.accounts,
      AccountLibsql.toRow,
      (a) => AccountStore.use((s) => s.insert(a)),
      (a) => AccountStore.use((s) => s.get(a.id))
    )
  )
  it.effect("roles", () =>
    property(
      Role,
      schema.roles,
      AccountLibsql.roleToRow,
      (r) => RoleStore.use((s) => s.insert(r)),
      (r) => RoleStore.use((s) => s.get(r.id))
    )
  )
  it.effect("link tokens", () =>
    property(
      LinkToken,
      schema.linkTokens,
      IdentityLibsql.linkTokenToRow,
      (t) => LinkTokenStore.use((s) => s.insert(t)),
      (t) => LinkTokenStore.use((s) => s.findByHash(t.hash))
    )
  )
  it.effect("sessions", () =>
    property(
      Session,
      schema.sessions,
      IdentityLibsql.sessionToRow,
      (x) => SessionStore.use((s) => s.insert(x)),
      (x) => SessionStore.use((s) => s.get(x.id))
    )
  )
  it.effect("terms versions", () =>
    property(
      TermsVersion,
      schema.termsVersions,
      TermsLibsql.toRow,
      (t) => TermsStore.use((s) => s.insert(t)),
      (t) => TermsStore.use((s) => s.get(t.id))
    )
  )
  it.effect("outbox messages", () =>
    property(
      OutboxMessage,
      schema.outboxMessages,
      OutboxLibsql.toRow,
      (m) => Outbox.use((o) => o.add(m)),
      (m) => Outbox.use((o) => o.get(m.id))
    )
  )
  it.effect("audit events", () =>
    property(
      AuditEvent,
      schema.auditEvents,
      AuditLogLibsql.toRow,
      (e) => AuditLog.use((l) => l.append(e)),
      (e) =>
        AuditLog.use((l) => l.list(e.chain, { afterSequence: e.sequence - 1, limit: 1 })).pipe(
          Effect.map(([first]) => first)
        )
    )
  )
  it.effect("registrations", () =>
    property(
      Registration,
      schema.registrations,
      RegistrationLibsql.toRow,
      (r) => RegistrationStore.use((s) => s.insert(r)),
      (r) => RegistrationStore.use((s) => s.get(r.id))
    )
  )
  it.effect("offerings (their first version)", () =>
    property(
      Offering,
      schema.offeringVersions,
      OfferingLibsql.toRow,
      (o) => OfferingStore.use((s) => s.insertVersion(o)),
      (o) => OfferingStore.use((s) => s.getVersion(o.id, 1)),
      (o) => new Offering({ ...o, version: 1 })
    )
  )
  it.effect("in-house declarations", () =>
    property(
      InhouseDeclaration,
      schema.inhouseDeclarations,
      EligibilityLibsql.declarationToRow,
      (d) => InhouseDeclarationStore.use((s) => s.insert(d)),
      (d) => InhouseDeclarationStore.use((s) => s.get(d.id))
    )
  )
  it.effect("thresholds", () =>
    property(
      Threshold,
      schema.thresholds,
      (t) => EligibilityLibsql.thresholdToRow(t, 0),
      (t) => ThresholdStore.use((s) => s.replace([t])),
      () => ThresholdStore.use((s) => s.get()).pipe(Effect.map((table) => table?.[0]))
    )
  )
  it.effect("orders", () =>
    property(
      Order,
      schema.orders,
      OrderLibsql.toRow,
      (o) => OrderStore.use((s) => s.insert(o)),
      (o) => OrderStore.use((s) => s.get(o.id))
    )
  )
  it.effect("contract folders", () =>
    property(
      ContractFolder,
      schema.contractFolders,
      OrderLibsql.folderToRow,
      (f) => ContractFolderStore.use((s) => s.insert(f)),
      (f) => ContractFolderStore.use((s) => s.get(f.orderId))
    )
  )
  it.effect("dev mails", () =>
    property(
      DevMail,
      schema.devMails,
      DevMailboxLibsql.toRow,
      (m) => DevMailbox.use((s) => s.deliver(m)),
      (m) => DevMailbox.use((s) => s.list()).pipe(Effect.map((mails) => mails.find((x) => x.id === m.id)))
    )
  )
})

describe("unstorable text", () => {
  it("a plain text value with NUL or an unpaired surrogate is refused, JSON columns are not checked", () => {
    const row = (name: string, supplementary: unknown = {}) => ({ name, supplementary })
    assert.throws(() => storable(schema.organizations, row("Stadt\u0000Amt")), /column name/)
    assert.throws(() => storable(schema.organizations, row("Stadt \ud800")), /column name/)
    assert.throws(() => storable(schema.organizations, row("\udc00")), /column name/)
    assert.deepStrictEqual(
      storable(schema.organizations, row("Stadt 😀 ß", { note: "\u0000 \ud800" })),
      row("Stadt 😀 ß", { note: "\u0000 \ud800" })
    )
    // A JSON column (`jsonText`) is not scanned at all: its text is JSON.stringify's (see the next test).
    assert.deepStrictEqual(storable(schema.organizations, row("Stadt", "\u0000")), row("Stadt", "\u0000"))
  })

  it("JSON text always reads back as written: JSON.stringify escapes NUL and unpaired surrogates", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: "binary" }), (value, text) => {
        for (const json of [JSON.stringify(value), JSON.stringify({ value, text })]) {
          assert.isFalse(json.includes("\u0000"))
          assert.isTrue((json as string & { isWellFormed(): boolean }).isWellFormed())
        }
      }),
      { numRuns: 500 }
    )
  })
})
