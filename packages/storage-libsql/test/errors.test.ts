import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { createClient } from "@libsql/client"
import { Arbitrary, DateTime, Duration, Effect, Layer } from "effect"
import {
  AccountStore,
  AddressStore,
  AuditLog,
  ContractFolder,
  ContractFolderStore,
  DevMail,
  DevMailbox,
  InhouseDeclaration,
  InhouseDeclarationStore,
  LinkTokenStore,
  Offering,
  OfferingStore,
  Order,
  OrderStore,
  OrganizationStore,
  Outbox,
  OutboxMessage,
  RateLimiter,
  Registration,
  RegistrationStore,
  RoleStore,
  SecureRandom,
  SessionStore,
  TermsStore,
  Threshold,
  ThresholdStore,
  UnitOfWork
} from "../src/internal/core.ts"
import { constraintViolation, kindOf, LibsqlDatabase, layerDatabase, makeDatabase } from "../src/LibsqlDatabase.ts"
import { layerStores } from "../src/LibsqlStorage.ts"
import { migrate } from "../src/Migrator.ts"
import { AuditEvent, sampleWorld } from "./support/core.ts"
import { tempDir } from "./support/databases.ts"

describe("database kinds", () => {
  it("the URL decides which operations the adapter serializes", () => {
    assert.strictEqual(kindOf(":memory:"), "memory")
    assert.strictEqual(kindOf("file::memory:?cache=shared"), "memory")
    assert.strictEqual(kindOf("file:data/cloudportal.db"), "file")
    assert.strictEqual(kindOf("file:///var/lib/cloudportal.db"), "file")
    assert.strictEqual(kindOf("http://127.0.0.1:8080"), "remote")
    assert.strictEqual(kindOf("libsql://cloudportal-acme.turso.io"), "remote")
    assert.strictEqual(kindOf("wss://cloudportal-acme.turso.io"), "remote")
  })
})

describe("constraint violations", () => {
  it("are found through drizzle's wrapping, with their kind", () => {
    const libsql = Object.assign(new Error("SQLITE_CONSTRAINT: UNIQUE constraint failed: accounts.email"), {
      code: "SQLITE_CONSTRAINT",
      extendedCode: "SQLITE_CONSTRAINT_UNIQUE"
    })
    const drizzle = Object.assign(new Error("Failed query: insert into accounts"), { cause: libsql })
    assert.deepStrictEqual(constraintViolation(drizzle), {
      kind: "unique",
      message: "SQLITE_CONSTRAINT: UNIQUE constraint failed: accounts.email"
    })
    assert.strictEqual(
      constraintViolation(new Error("SQLITE_CONSTRAINT: SQLite error: FOREIGN KEY constraint failed"))?.kind,
      "foreignKey"
    )
    assert.strictEqual(constraintViolation(new Error("SQLITE_BUSY: database is locked")), undefined)
    assert.strictEqual(constraintViolation("not an error"), undefined)
  })
})

/** Every store on a client that is closed: each call must fail with a StorageError, nothing else. */
const closedStores = Layer.unwrap(
  Effect.gen(function* () {
    const client = createClient({ url: `file:${join(yield* tempDir, "closed.db")}` })
    yield* migrate(client)
    client.close()
    return layerStores.pipe(Layer.provideMerge(Layer.succeed(LibsqlDatabase)(makeDatabase(client, "file"))))
  })
)

describe("driver errors never leak", () => {
  it.effect("every store method fails with a StorageError naming its operation when the database is gone", () =>
    Effect.gen(function* () {
      const w = yield* sampleWorld
      const at = DateTime.makeUnsafe("2025-01-01T00:00:00Z")
      const message = new OutboxMessage({
        id: "msg_closed" as OutboxMessage["id"],
        notification: {
          _tag: "PasswordChanged",
          recipient: w.account.email,
          recipientName: "A",
          locale: "de",
          changedAt: at
        },
        createdAt: at,
        status: "pending",
        attempts: 0,
        nextAttemptAt: at,
        lastError: null
      })
      const event = new AuditEvent({
        id: "evt_closed" as AuditEvent["id"],
        chain: "chain",
        sequence: 1,
        actor: { kind: "System", accountId: null },
        action: "closed",
        subject: { type: "test", id: "x" },
        before: null,
        after: null,
        at,
        previousHash: "0",
        hash: "1"
      })
      // Any values will do: the database is gone before the first byte is written.
      const one = <T>(schema: Parameters<typeof Arbitrary.schema>[0]) =>
        Effect.map(
          Arbitrary.sampleEffect(Arbitrary.schema(schema) as Arbitrary.Arbitrary<T>, { count: 1 }),
          (xs) => xs[0]!
        )
      const registration = yield* one<Registration>(Registration)
      const offering = yield* one<Offering>(Offering)
      const declaration = yield* one<InhouseDeclaration>(InhouseDeclaration)
      const threshold = yield* one<Threshold>(Threshold)
      const order = yield* one<Order>(Order)
      const folder = yield* one<ContractFolder>(ContractFolder)
      const mail = yield* one<DevMail>(DevMail)
      const calls: ReadonlyArray<readonly [string, Effect.Effect<unknown, unknown, never>]> = yield* Effect.gen(
        function* () {
          const organizations = yield* OrganizationStore
          const addresses = yield* AddressStore
          const accounts = yield* AccountStore
          const roles = yield* RoleStore
          const links = yield* LinkTokenStore
          const sessions = yield* SessionStore
          const terms = yield* TermsStore
          const audit = yield* AuditLog
          const outbox = yield* Outbox
          const uow = yield* UnitOfWork
          const registrations = yield* RegistrationStore
          const offerings = yield* OfferingStore
          const declarations = yield* InhouseDeclarationStore
          const thresholds = yield* ThresholdStore
          const orders = yield* OrderStore
          const folders = yield* ContractFolderStore
          const limiter = yield* RateLimiter
          const mailbox = yield* DevMailbox
          // Methods that write in a transaction of their own fail where the transaction begins.
          const own = "transaction.begin"
          return [
            ["RegistrationStore.insert", registrations.insert(registration)],
            [own, registrations.update(registration, "awaitingEmailConfirmation")],
            ["RegistrationStore.get", registrations.get(registration.id)],
            ["RegistrationStore.findOpenByEmail", registrations.findOpenByEmail(registration.person.email)],
            ["RegistrationStore.findOpenByOrganizationName", registrations.findOpenByOrganizationName("x")],
            ["RegistrationStore.listByStatus", registrations.listByStatus("approved", { limit: 1 })],
            ["RegistrationStore.listOverdue", registrations.listOverdue(at, 1)],
            [own, offerings.insertVersion(offering)],
            ["OfferingStore.getLatest", offerings.getLatest(offering.id)],
            ["OfferingStore.getVersion", offerings.getVersion(offering.id, 1)],
            ["OfferingStore.list", offerings.list({ activeOnly: true }, { limit: 1 })],
            ["InhouseDeclarationStore.insert", declarations.insert(declaration)],
            ["InhouseDeclarationStore.end", declarations.end(declaration.id, { at, accountId: w.account.id }, at)],
            ["InhouseDeclarationStore.get", declarations.get(declaration.id)],
            ["InhouseDeclarationStore.listByDeclarant", declarations.listByDeclarant(w.organization.id)],
            ["InhouseDeclarationStore.listAll", declarations.listAll()],
            ["InhouseDeclarationStore.revision", declarations.revision()],
            ["ThresholdStore.get", thresholds.get()],
            [own, thresholds.replace([threshold])],
            ["OrderStore.insert", orders.insert(order)],
            ["OrderStore.get", orders.get(order.id)],
            [own, orders.updateStatus(order, "open")],
            ["OrderStore.markReminderSent", orders.markReminderSent(order.id, at)],
            [
              "OrderStore.list",
              orders.list({ scope: { _tag: "Provider", organizationId: order.providerId }, limit: 1 })
            ],
            ["OrderStore.findOverdue", orders.findOverdue(at, 1)],
            ["OrderStore.findReminderDue", orders.findReminderDue(at, at, 1)],
            [
              "OrderStore.sumCountedValues",
              orders.sumCountedValues({ customerId: order.customerId, offeringId: order.offering.id, since: at })
            ],
            ["ContractFolderStore.insert", folders.insert(folder)],
            ["ContractFolderStore.get", folders.get(folder.orderId)],
            ["RateLimiter.consume", limiter.consume("k", { limit: 1, window: Duration.minutes(1) })],
            ["DevMailbox.deliver", mailbox.deliver(mail)],
            ["DevMailbox.list", mailbox.list()],
            ["OrganizationStore.insert", organizations.insert(w.organization)],
            ["OrganizationStore.update", organizations.update(w.organization)],
            ["OrganizationStore.get", organizations.get(w.organization.id)],
            ["OrganizationStore.findByName", organizations.findByName(w.organization.name)],
            ["AddressStore.insert", addresses.insert(w.address)],
            ["AddressStore.update", addresses.update(w.address)],
            ["AddressStore.delete", addresses.delete(w.address.id)],
            ["AddressStore.get", addresses.get(w.address.id)],
            ["AddressStore.listByOrganization", addresses.listByOrganization(w.organization.id)],
            ["AccountStore.insert", accounts.insert(w.account)],
            ["AccountStore.update", accounts.update(w.account)],
            ["AccountStore.get", accounts.get(w.account.id)],
            ["AccountStore.findByEmail", accounts.findByEmail(w.account.email)],
            ["AccountStore.listByOrganization", accounts.listByOrganization(w.organization.id)],
            ["RoleStore.insert", roles.insert(w.role)],
            ["RoleStore.update", roles.update(w.role)],
            ["RoleStore.delete", roles.delete(w.role.id)],
            ["RoleStore.get", roles.get(w.role.id)],
            ["RoleStore.listByOrganization", roles.listByOrganization(w.organization.id)],
            ["LinkTokenStore.insert", links.insert(w.link)],
            ["LinkTokenStore.findByHash", links.findByHash(w.link.hash)],
            ["LinkTokenStore.consume", links.consume(w.link.hash, at)],
            ["LinkTokenStore.revokeAll", links.revokeAll("passwordReset", w.account.id, at)],
            ["SessionStore.insert", sessions.insert(w.session)],
            ["SessionStore.get", sessions.get(w.session.id)],
            ["SessionStore.touch", sessions.touch(w.session.id, at)],
            ["SessionStore.revoke", sessions.revoke(w.session.id, at)],
            ["SessionStore.revokeAllForAccount", sessions.revokeAllForAccount(w.account.id, at)],
            ["SessionStore.listLiveForAccount", sessions.listLiveForAccount(w.account.id)],
            ["TermsStore.insert", terms.insert(w.terms)],
            ["TermsStore.get", terms.get(w.terms.id)],
            ["TermsStore.list", terms.list()],
            ["AuditLog.head", audit.head("chain")],
            ["AuditLog.append", audit.append(event)],
            ["AuditLog.appendNext", audit.appendNext("chain", () => Effect.succeed(event))],
            ["AuditLog.list", audit.list("chain", { afterSequence: 0, limit: 1 })],
            ["Outbox.add", outbox.add(message)],
            ["Outbox.addAll", outbox.addAll([message])],
            ["Outbox.update", outbox.update(message)],
            ["Outbox.due", outbox.due(at, 1)],
            ["Outbox.get", outbox.get("msg_x" as never)],
            ["transaction.begin", uow.transaction(Effect.void)]
          ] as const
        }
      )
      for (const [operation, call] of calls) {
        // A defect or a raw driver error would fail the test here; only a typed failure is flipped.
        const error = (yield* Effect.flip(call)) as { _tag?: string; operation?: string }
        assert.deepStrictEqual({ tag: error._tag, operation: error.operation }, { tag: "StorageError", operation })
      }
    }).pipe(Effect.provide(Layer.merge(closedStores, SecureRandom.layerWebCrypto)))
  )

  it.effect("a database that cannot be opened fails the layer with a StorageError", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Effect.provide(
          Effect.asVoid(LibsqlDatabase.use(() => Effect.void)),
          layerDatabase({ url: "file:/nonexistent/dir/x.db" })
        )
      )
      assert.strictEqual(error._tag, "StorageError")
      assert.strictEqual(error.operation, "connect")
    })
  )
})
