import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Effect, Schema } from "effect"
import {
  Account,
  Address,
  AuditEvent,
  ContractFolder,
  DevMail,
  InhouseDeclaration,
  LinkToken,
  Offering,
  Order,
  Organization,
  OutboxMessage,
  Registration,
  Role,
  Session,
  TermsVersion,
  Threshold
} from "../src/internal/core.ts"
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
import { orderStatuses } from "./support/core.ts"

/**
 * The pure mappers alone, many more values than the database round trips run: `toDomain(toRow(x))` is `x`,
 * compared in the schema's JSON encoding so every field counts, branded ids (any non-empty string) included.
 */
const roundTrips = <T, Row>(
  schema: Schema.Codec<T, unknown> & Schema.Constraint,
  toRow: (value: T) => Row,
  toDomain: (row: Row) => T,
  runs = 100
) =>
  Effect.gen(function* () {
    const json = Schema.encodeSync(Schema.toCodecJson(schema))
    const same = (a: T, b: T) => JSON.stringify(json(a)) === JSON.stringify(json(b))
    const result = yield* Arbitrary.checkEffect(
      Arbitrary.schema(schema) as Arbitrary.Arbitrary<T>,
      (value) => same(toDomain(toRow(value)), value),
      { runs }
    )
    assert.strictEqual(Arbitrary.formatCheckFailure(result), undefined)
  })

describe("row mappers", () => {
  it.effect("orders round-trip through their row in every one of the twelve statuses", () =>
    Effect.gen(function* () {
      const json = Schema.encodeSync(Schema.toCodecJson(Order))
      const result = yield* Arbitrary.checkEffect(
        Arbitrary.schema(Order),
        (order) =>
          orderStatuses.every((status) => {
            const inStatus = new Order({ ...order, status })
            const back = OrderLibsql.toDomain(OrderLibsql.toRow(inStatus))
            return back.status === status && JSON.stringify(json(back)) === JSON.stringify(json(inStatus))
          }),
        { runs: 30 }
      )
      assert.strictEqual(Arbitrary.formatCheckFailure(result), undefined)
    })
  )

  it.effect("orders round-trip through their row, every branded id included", () =>
    roundTrips(Order, OrderLibsql.toRow, OrderLibsql.toDomain, 300)
  )
  it.effect("contract folders", () => roundTrips(ContractFolder, OrderLibsql.folderToRow, OrderLibsql.folderToDomain))
  it.effect("registrations", () => roundTrips(Registration, RegistrationLibsql.toRow, RegistrationLibsql.toDomain))
  it.effect("offering versions", () => roundTrips(Offering, OfferingLibsql.toRow, OfferingLibsql.toDomain))
  it.effect("in-house declarations", () =>
    roundTrips(InhouseDeclaration, EligibilityLibsql.declarationToRow, EligibilityLibsql.declarationToDomain)
  )
  it.effect("thresholds", () =>
    roundTrips(Threshold, (t) => EligibilityLibsql.thresholdToRow(t, 7), EligibilityLibsql.thresholdToDomain)
  )
  it.effect("dev mails", () => roundTrips(DevMail, DevMailboxLibsql.toRow, DevMailboxLibsql.toDomain))
  it.effect("organizations", () => roundTrips(Organization, OrganizationLibsql.toRow, OrganizationLibsql.toDomain))
  it.effect("addresses", () => roundTrips(Address, OrganizationLibsql.addressToRow, OrganizationLibsql.addressToDomain))
  it.effect("accounts", () => roundTrips(Account, AccountLibsql.toRow, AccountLibsql.toDomain))
  it.effect("roles", () => roundTrips(Role, AccountLibsql.roleToRow, AccountLibsql.roleToDomain))
  it.effect("link tokens", () => roundTrips(LinkToken, IdentityLibsql.linkTokenToRow, IdentityLibsql.linkTokenToDomain))
  it.effect("sessions", () => roundTrips(Session, IdentityLibsql.sessionToRow, IdentityLibsql.sessionToDomain))
  it.effect("terms versions", () => roundTrips(TermsVersion, TermsLibsql.toRow, TermsLibsql.toDomain))
  it.effect("outbox messages", () => roundTrips(OutboxMessage, OutboxLibsql.toRow, OutboxLibsql.toDomain))
  it.effect("audit events", () => roundTrips(AuditEvent, AuditLogLibsql.toRow, AuditLogLibsql.toDomain))
})
