/**
 * Seeds a cloudportal database file for the HTTP and scale benchmarks, through core's use cases and the
 * libSQL storage layer directly (never over HTTP), before the example server is started on it:
 *
 * - the demo world of API.md through the use cases (`seedDemoWorld`): operator, govdigital, two providers,
 *   the Kommune with its in-house chain, the catalog;
 * - `--members` extra active accounts in the Kommune, inserted through `AccountStore` (one argon2id hash,
 *   made by the `PasswordHasher` port, shared by all), so logins can rotate under the per-address limit;
 * - one order placed through `Ordering.place` by the Kommune's admin (DV, in-house ground), then
 *   `--orders` − 1 copies of its row (new id and placing time, made by the adapter's own `toRow` mapper),
 *   bulk-inserted into the storage layer's `orders` table (see `bulkInsertOrders`);
 * - `--organizations` extra municipalities, each jointly controlling the Kommune's IT service provider,
 *   through `OrganizationStore` and `InhouseDeclarationStore`, so the in-house graph has that many more edges.
 *
 *   node --import tsx src/cloudportal/seed.ts --db /tmp/x.db --orders 10000 --members 400 --out seed.json
 */
import { writeFileSync } from "node:fs"
import { parseArgs } from "node:util"
import {
  Account,
  type AccountId,
  AccountStore,
  Authentication,
  Catalog,
  type DeclarationId,
  DevCaptcha,
  DocumentRenderer,
  decisionDeadline,
  Email,
  InhouseDeclaration,
  InhouseDeclarationStore,
  newId,
  type OrderId,
  Ordering,
  OrderStore,
  Organization,
  type OrganizationId,
  OrganizationStore,
  PasswordHasher,
  SecureRandom,
  UnitOfWork,
  useCases
} from "@cloudportal/core"
import { demoAccounts, seedDemoWorld } from "@cloudportal/core/demo"
import { layerArgon2 } from "@cloudportal/password-argon2"
import { LibsqlDatabase, layer as libsql, OrderLibsql, schema } from "@cloudportal/storage-libsql"
import type { Client } from "@libsql/client"
import { getTableColumns } from "drizzle-orm"
import { DateTime, Duration, Effect, Layer, ManagedRuntime, Schema } from "effect"

export interface Seeded {
  readonly password: string
  readonly kommuneAdmin: string
  readonly providerAdmin: string
  readonly kommuneId: string
  readonly providerId: string
  /** Extra Kommune members for rotating logins: `memberEmail.replace("{i}", i)` for i < members. */
  readonly memberEmail: string
  readonly members: number
  /** The cart every order was placed with, as `POST /orders` and `/orders/eligibility` take it. */
  readonly cart: { readonly offeringId: string; readonly pricePlanId: string; readonly quantity: number }
  /** Orders of the Kommune, all open DV orders of the provider; ids in `orderIdsFile`. */
  readonly orders: number
  readonly orderIdsFile: string
  readonly organizations: number
  readonly inhouseEdges: number
  /** The PHC parameters of the stored password hashes, e.g. `argon2id$v=19$m=19456,t=2,p=1`. */
  readonly hashParameters: string
  readonly seconds: {
    readonly world: number
    readonly members: number
    readonly orders: number
    readonly organizations: number
  }
}

const { values: args } = parseArgs({
  options: {
    db: { type: "string" },
    orders: { type: "string", default: "10000" },
    members: { type: "string", default: "400" },
    organizations: { type: "string", default: "0" },
    password: { type: "string", default: "Benchmark-Passwort für beide Seiten 2026" },
    out: { type: "string" }
  }
})
if (!args.db || !args.out) throw new Error("--db and --out are required")
const orderCount = Number(args.orders)
const memberCount = Number(args.members)
const organizationCount = Number(args.organizations)
const password = args.password
const out = args.out
const memberEmail = "mitglied{i}@kommune.bench.cloudportal.test"

const platform = Layer.mergeAll(layerArgon2(), DevCaptcha.layer, DocumentRenderer.layerPlainText).pipe(
  Layer.provideMerge(SecureRandom.layerWebCrypto)
)
const runtime = ManagedRuntime.make(
  useCases.pipe(Layer.provideMerge(libsql({ url: `file:${args.db}` })), Layer.provideMerge(platform))
)

type Services = typeof runtime extends ManagedRuntime.ManagedRuntime<infer R, infer _E> ? R : never

const timed = async <A, E>(effect: Effect.Effect<A, E, Services>): Promise<readonly [A, number]> => {
  const t0 = performance.now()
  const value = await runtime.runPromise(effect)
  return [value, Math.round(performance.now() - t0) / 1000] as const
}

const signIn = (email: string) =>
  Effect.gen(function* () {
    const auth = yield* Authentication
    const loggedIn = yield* auth.login({ email, password })
    return (yield* auth.authenticate(loggedIn.session.token)).actor
  })

// 1. The demo world, through the use cases.
const [, worldSeconds] = await timed(seedDemoWorld({ password }))

// 2. Extra members, straight into the account store.
const [{ kommuneId, providerId, hashParameters }, membersSeconds] = await timed(
  Effect.gen(function* () {
    const accounts = yield* AccountStore
    const admin = yield* accounts.findByEmail(Schema.decodeUnknownSync(Email)(demoAccounts.kommune))
    const provider = yield* accounts.findByEmail(Schema.decodeUnknownSync(Email)(demoAccounts.providerA))
    if (!admin?.organizationId || !provider?.organizationId) throw new Error("demo world incomplete")
    const hash = yield* PasswordHasher.use((h) => h.hash(password))
    const now = yield* DateTime.now
    for (let from = 0; from < memberCount; from += 500)
      yield* UnitOfWork.use((u) =>
        u.transaction(
          Effect.forEach(
            Array.from({ length: Math.min(500, memberCount - from) }, (_, k) => from + k),
            (i) =>
              Effect.gen(function* () {
                yield* accounts.insert(
                  new Account({
                    id: yield* newId<AccountId>("acc"),
                    kind: "member",
                    organizationId: admin.organizationId,
                    email: Schema.decodeUnknownSync(Email)(memberEmail.replace("{i}", String(i))),
                    firstName: "Mitglied",
                    lastName: String(i),
                    status: "active",
                    isMainAdmin: false,
                    roleIds: [],
                    passwordHash: hash,
                    passwordResetRequired: false,
                    createdAt: now,
                    updatedAt: now
                  })
                )
              }),
            { discard: true }
          )
        )
      )
    return {
      kommuneId: admin.organizationId,
      providerId: provider.organizationId,
      hashParameters: hash.split("$").slice(1, 4).join("$")
    }
  })
)

// 3. One order through the use case, then its row copied in bulk.
const [{ cart, orderIds }, ordersSeconds] = await timed(
  Effect.gen(function* () {
    const kommune = yield* signIn(demoAccounts.kommune)
    const offerings = yield* Catalog.use((c) => c.list(kommune, {}))
    const offering = offerings.items.find((o) => o.name.de === "Container-Plattform" && o.providerId === providerId)
    if (!offering) throw new Error("demo offering „Container-Plattform“ missing")
    const cart = { offeringId: offering.id, pricePlanId: offering.pricePlans[0]!.id, quantity: 1 }
    const placed = yield* Ordering.use((o) => o.place(kommune, { ...cart, configuration: {}, contractModel: "DV" }))
    const template = yield* OrderStore.use((s) => s.get(placed.id as OrderId))
    if (!template) throw new Error("placed order not found")
    const row = OrderLibsql.toRow(template)
    const now = yield* DateTime.now
    const nowMillis = DateTime.toEpochMillis(now)
    // Placed within the last 20 days: every deadline is at least 10 days ahead, so no sweep or reminder fires.
    const span = Duration.toMillis(Duration.days(20))
    const deadlines = new Map<number, number>()
    const deadlineOf = (placedAt: number) => {
      const day = Math.floor(placedAt / 86_400_000)
      let d = deadlines.get(day)
      if (d === undefined) {
        d = DateTime.toEpochMillis(decisionDeadline(DateTime.makeUnsafe(day * 86_400_000 + 43_200_000)))
        deadlines.set(day, d)
      }
      return d
    }
    const ids: Array<string> = [placed.id]
    const { client } = yield* LibsqlDatabase
    yield* Effect.promise(() =>
      bulkInsertOrders(client, row, orderCount, (i) => {
        const placedAt = nowMillis - 60_000 - Math.floor((i / orderCount) * span)
        const id = `ord_bench${String(i).padStart(8, "0")}`
        ids.push(id)
        return { id, placedAt, deadline: deadlineOf(placedAt) }
      })
    )
    return { cart, orderIds: ids }
  })
)

/**
 * Copies of one row of the storage layer's `orders` table (its drizzle definition names the columns),
 * 500 rows a statement, 20,000 a transaction. The table's indexes are dropped first and recreated from
 * their own stored SQL afterwards: one sorted build instead of nine index updates per row.
 */
async function bulkInsertOrders(
  client: Client,
  template: ReturnType<typeof OrderLibsql.toRow>,
  count: number,
  vary: (i: number) => { readonly id: string; readonly placedAt: number; readonly deadline: number }
): Promise<void> {
  const columns = Object.entries(getTableColumns(schema.orders)) as Array<[keyof typeof template, { name: string }]>
  const indexes = await client.execute(
    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'orders' AND sql IS NOT NULL"
  )
  for (const index of indexes.rows) await client.execute(`DROP INDEX "${String(index.name)}"`)
  const perStatement = 500
  const statementFor = (rows: number) =>
    `INSERT INTO orders (${columns.map(([, c]) => `"${c.name}"`).join(", ")}) VALUES ${Array.from(
      { length: rows },
      () => `(${columns.map(() => "?").join(", ")})`
    ).join(", ")}`
  const full = statementFor(perStatement)
  const fixed = columns.map(([key]) => {
    const value = template[key]
    return typeof value === "boolean" ? (value ? 1 : 0) : (value as string | number | null)
  })
  const keyIndex = (key: string) => columns.findIndex(([k]) => k === key)
  const [idAt, placedAtAt, deadlineAt] = [keyIndex("id"), keyIndex("placedAt"), keyIndex("deadline")]
  for (let from = 1; from < count; from += 20_000) {
    const tx = await client.transaction("write")
    for (let start = from; start < Math.min(from + 20_000, count); start += perStatement) {
      const rows = Math.min(perStatement, count - start, from + 20_000 - start)
      const args: Array<string | number | null> = []
      for (let i = start; i < start + rows; i++) {
        const v = vary(i)
        const values = [...fixed]
        values[idAt] = v.id
        values[placedAtAt] = v.placedAt
        values[deadlineAt] = v.deadline
        args.push(...values)
      }
      await tx.execute({ sql: rows === perStatement ? full : statementFor(rows), args })
    }
    await tx.commit()
  }
  for (const index of indexes.rows) await client.execute(String(index.sql))
}

// 4. More organizations and in-house edges: municipalities jointly controlling the Kommune's provider.
const [, organizationsSeconds] = await timed(
  Effect.gen(function* () {
    const store = yield* OrganizationStore
    const declarations = yield* InhouseDeclarationStore
    const now = yield* DateTime.now
    const admin = yield* AccountStore.use((a) => a.findByEmail(Schema.decodeUnknownSync(Email)(demoAccounts.kommune)))
    for (let from = 0; from < organizationCount; from += 1000)
      yield* UnitOfWork.use((u) =>
        u.transaction(
          Effect.forEach(
            Array.from({ length: Math.min(1000, organizationCount - from) }, (_, k) => from + k),
            (i) =>
              Effect.gen(function* () {
                const id = `org_bench${String(i).padStart(6, "0")}` as OrganizationId
                yield* store.insert(
                  new Organization({
                    id,
                    name: `Benchmark-Gemeinde ${i}`,
                    legalForm: "Gebietskörperschaft",
                    administrativeLevel: "municipal",
                    federalState: "DE-BY",
                    capabilities: ["customer"],
                    supplementary: { website: null, contactEmail: null, note: null },
                    masterDataReviewRequired: false,
                    createdAt: now,
                    updatedAt: now
                  })
                )
                yield* declarations.insert(
                  new InhouseDeclaration({
                    id: `inh_bench${String(i).padStart(6, "0")}` as DeclarationId,
                    controller: id,
                    controlled: providerId as OrganizationId,
                    joint: true,
                    evidence: "Benchmark: Trägerkommune",
                    validFrom: now,
                    validUntil: null,
                    declaredBy: { organizationId: id, accountId: admin!.id },
                    declaredAt: now,
                    ended: null
                  })
                )
              }),
            { discard: true }
          )
        )
      )
  })
)

const [edges] = await timed(InhouseDeclarationStore.use((s) => s.listAll()).pipe(Effect.map((all) => all.length)))
await runtime.dispose()

const orderIdsFile = `${out}.orders.txt`
writeFileSync(orderIdsFile, orderIds.join("\n"))
const seeded: Seeded = {
  password,
  kommuneAdmin: demoAccounts.kommune,
  providerAdmin: demoAccounts.providerA,
  kommuneId,
  providerId,
  memberEmail,
  members: memberCount,
  cart,
  orders: orderIds.length,
  orderIdsFile,
  organizations: organizationCount,
  inhouseEdges: edges,
  hashParameters,
  seconds: { world: worldSeconds, members: membersSeconds, orders: ordersSeconds, organizations: organizationsSeconds }
}
writeFileSync(out, JSON.stringify(seeded, null, 2))
