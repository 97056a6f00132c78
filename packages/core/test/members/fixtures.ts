import { Context, DateTime, Effect, Layer, Schema } from "effect"
import { LinkTokenStore } from "../../src/identity/LinkToken.ts"
import { PasswordHasher } from "../../src/identity/PasswordHasher.ts"
import { SessionStore } from "../../src/identity/Session.ts"
import type { Member, Operator } from "../../src/kernel/Actor.ts"
import { AuditLog } from "../../src/kernel/Audit.ts"
import { Email } from "../../src/kernel/Email.ts"
import type { AccountId, AddressId, OrganizationId, RoleId } from "../../src/kernel/Ids.ts"
import { Outbox } from "../../src/kernel/Outbox.ts"
import type { Permission } from "../../src/kernel/Permission.ts"
import { RateLimiter } from "../../src/kernel/RateLimiter.ts"
import { newId, SecureRandom } from "../../src/kernel/SecureRandom.ts"
import { unitOfWorkMemory } from "../../src/kernel/UnitOfWork.ts"
import { Account, Role } from "../../src/members/Account.ts"
import { AccountStore, RoleStore } from "../../src/members/AccountStore.ts"
import { Members } from "../../src/members/Members.ts"
import { actorOf } from "../../src/members/Permissions.ts"
import { makeOrganizationAdminRole } from "../../src/members/RoleRules.ts"
import { Roles } from "../../src/members/Roles.ts"
import { Addresses } from "../../src/organization/Addresses.ts"
import { InhouseDeclarationCount } from "../../src/organization/InhouseDeclarationCount.ts"
import { Address, Organization } from "../../src/organization/Organization.ts"
import { OrganizationProfile } from "../../src/organization/OrganizationProfile.ts"
import { AddressStore, OrganizationStore } from "../../src/organization/OrganizationStore.ts"

/**
 * A portal in memory with the four use cases of this area. Organizations and accounts are made directly
 * through the stores (as the approval of a registration would), so these tests do not depend on `registration/`.
 */

/** The organizations with an in-house declaration in force, per test portal; tests add to it. */
export class Declared extends Context.Service<Declared, Set<string>>()("test/Declared") {}

const declared = Layer.sync(Declared)(() => new Set<string>())
const inhouse = Layer.unwrap(
  Effect.map(Declared, (set) => InhouseDeclarationCount.layerFrom((id) => (set.has(id) ? 1 : 0)))
)

const ports = Layer.mergeAll(
  unitOfWorkMemory,
  AuditLog.layerMemory,
  Outbox.layerMemory,
  OrganizationStore.layerMemory,
  AddressStore.layerMemory,
  AccountStore.layerMemory,
  RoleStore.layerMemory,
  LinkTokenStore.layerMemory,
  SessionStore.layerMemory,
  inhouse,
  RateLimiter.layerMemory,
  SecureRandom.layerWebCrypto
).pipe(
  Layer.provideMerge(declared),
  // One PBKDF2 round: these tests are about accounts, not about the cost of hashing.
  (base) => Layer.provideMerge(PasswordHasher.layerWebCrypto({ iterations: 1 }), base)
)

export const TestLayer = Layer.mergeAll(Members.layer, Roles.layer, Addresses.layer, OrganizationProfile.layer).pipe(
  Layer.provideMerge(ports)
)

export const email = (raw: string) => Schema.decodeSync(Email)(raw)

export interface World {
  readonly organization: Organization
  readonly adminRole: Role
  readonly defaultAddress: Address
  readonly mainAdmin: Account
}

/** An approved organization as registration leaves it: built-in role, default address, active main admin. */
export const makeWorld = (fields: Partial<Omit<Organization, "id">> = {}) =>
  Effect.gen(function* () {
    const now = yield* DateTime.now
    const id = yield* newId<OrganizationId>("org")
    const organization = new Organization({
      id,
      name: `Stadt Musterhausen ${id}`,
      legalForm: "Gebietskörperschaft",
      administrativeLevel: "municipal",
      federalState: "DE-BY",
      capabilities: ["customer"],
      supplementary: { website: null, contactEmail: null, note: null },
      masterDataReviewRequired: false,
      createdAt: now,
      updatedAt: now,
      ...fields
    })
    const adminRole = makeOrganizationAdminRole(yield* newId<RoleId>("role"), id)
    const defaultAddress = new Address({
      id: yield* newId<AddressId>("adr"),
      organizationId: id,
      kind: "location",
      street: "Rathausplatz 1",
      postalCode: "80331",
      city: "München",
      phone: "+49 89 233-0",
      leitwegId: null,
      isDefault: true
    })
    yield* OrganizationStore.use((s) => s.insert(organization))
    yield* RoleStore.use((s) => s.insert(adminRole))
    yield* AddressStore.use((s) => s.insert(defaultAddress))
    const mainAdmin = yield* makeAccount(organization, { isMainAdmin: true, roleIds: [adminRole.id] })
    return { organization, adminRole, defaultAddress, mainAdmin } satisfies World
  })

/** An account of the organization, written straight to the store. */
export const makeAccount = (organization: Organization, fields: Partial<Omit<Account, "id" | "organizationId">> = {}) =>
  Effect.gen(function* () {
    const now = yield* DateTime.now
    const id = yield* newId<AccountId>("acc")
    const account = new Account({
      id,
      kind: "member",
      organizationId: organization.id,
      email: email(`${id}@musterhausen.test`),
      firstName: "Erika",
      lastName: "Mustermann",
      status: "active",
      isMainAdmin: false,
      roleIds: [],
      passwordHash: null,
      passwordResetRequired: false,
      createdAt: now,
      updatedAt: now,
      ...fields
    })
    yield* AccountStore.use((s) => s.insert(account))
    return account
  })

/** A custom role of the organization, written straight to the store. */
export const makeRole = (organization: Organization, permissions: ReadonlyArray<Permission>, name?: string) =>
  Effect.gen(function* () {
    const id = yield* newId<RoleId>("role")
    const role = new Role({
      id,
      organizationId: organization.id,
      name: name ?? `Rolle ${id}`,
      permissions,
      builtIn: false
    })
    yield* RoleStore.use((s) => s.insert(role))
    return role
  })

/** The actor an account acts as now, as the HTTP adapter would derive it from its session. */
export const actorFor = (account: Account) =>
  Effect.gen(function* () {
    const current = (yield* AccountStore.use((s) => s.get(account.id)))!
    const roles = yield* RoleStore.use((s) => s.listByOrganization(current.organizationId!))
    return actorOf(current, roles) as Member
  })

export const makeOperator = Effect.gen(function* () {
  const now = yield* DateTime.now
  const id = yield* newId<AccountId>("acc")
  yield* AccountStore.use((s) =>
    s.insert(
      new Account({
        id,
        kind: "operator",
        organizationId: null,
        email: email(`${id}@betrieb.test`),
        firstName: "Olaf",
        lastName: "Operator",
        status: "active",
        isMainAdmin: false,
        roleIds: [],
        passwordHash: null,
        passwordResetRequired: false,
        createdAt: now,
        updatedAt: now
      })
    )
  )
  return { _tag: "Operator", accountId: id } satisfies Operator
})

export const reload = (account: Account) => AccountStore.use((s) => s.get(account.id)).pipe(Effect.map((a) => a!))

/** Far enough ahead that every queued message is due. */
const farFuture = DateTime.makeUnsafe("2999-01-01T00:00:00Z")

/** Everything a use case could have written for an organization: for "changes nothing" assertions. */
export const everything = (organizationId: OrganizationId) =>
  Effect.gen(function* () {
    const accounts = yield* AccountStore.use((s) => s.listByOrganization(organizationId))
    const sessions = yield* Effect.forEach(accounts, (a) =>
      SessionStore.use((s) => s.listLiveForAccount(a.id)).pipe(Effect.map((ss) => ss.map((x) => x.id)))
    )
    return {
      organization: yield* OrganizationStore.use((s) => s.get(organizationId)),
      addresses: yield* AddressStore.use((s) => s.listByOrganization(organizationId)),
      accounts,
      roles: yield* RoleStore.use((s) => s.listByOrganization(organizationId)),
      sessions,
      audit: yield* AuditLog.use((l) => l.head(organizationId)),
      outbox: (yield* Outbox.use((o) => o.due(farFuture, 100_000))).map((m) => m.id)
    }
  })

/** The audit events of an organization's chain. */
export const auditOf = (organizationId: OrganizationId) =>
  AuditLog.use((l) => l.list(organizationId, { afterSequence: 0, limit: 100_000 }))

/** The queued notifications. */
export const outbox = Outbox.use((o) => o.due(farFuture, 100_000)).pipe(
  Effect.map((ms) => ms.map((m) => m.notification))
)
