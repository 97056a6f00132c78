import { Effect, Layer } from "effect"
import { Catalog } from "../../src/catalog/Catalog.ts"
import { OfferingStore } from "../../src/catalog/OfferingStore.ts"
import { InhouseDeclarationStore } from "../../src/eligibility/InhouseDeclarationStore.ts"
import { InhouseDeclarations } from "../../src/eligibility/InhouseDeclarations.ts"
import { InhouseGraphs } from "../../src/eligibility/InhouseGraph.ts"
import { ThresholdStore } from "../../src/eligibility/ThresholdStore.ts"
import { Thresholds } from "../../src/eligibility/Thresholds.ts"
import type { Member, Operator } from "../../src/kernel/Actor.ts"
import { AuditLog } from "../../src/kernel/Audit.ts"
import type { Email } from "../../src/kernel/Email.ts"
import type { AccountId, RoleId } from "../../src/kernel/Ids.ts"
import type { Permission } from "../../src/kernel/Permission.ts"
import { newId, SecureRandom } from "../../src/kernel/SecureRandom.ts"
import { unitOfWorkMemory } from "../../src/kernel/UnitOfWork.ts"
import { Account, Role } from "../../src/members/Account.ts"
import { AccountStore, RoleStore } from "../../src/members/AccountStore.ts"
import { actorOf } from "../../src/members/Permissions.ts"
import type { Organization } from "../../src/organization/Organization.ts"
import { OrganizationStore } from "../../src/organization/OrganizationStore.ts"
import { at } from "./fixtures.ts"

/** Every store in memory and every use case of the catalog and eligibility, as one fresh world per test. */
export const worldLayer = () => {
  const stores = Layer.mergeAll(
    unitOfWorkMemory,
    AuditLog.layerMemory,
    SecureRandom.layerWebCrypto,
    OrganizationStore.layerMemory,
    AccountStore.layerMemory,
    RoleStore.layerMemory,
    OfferingStore.layerMemory,
    InhouseDeclarationStore.layerMemory,
    ThresholdStore.layerMemory
  )
  return Layer.mergeAll(
    Catalog.layer,
    InhouseDeclarations.layer,
    InhouseDeclarations.layerCount,
    InhouseGraphs.layer,
    Thresholds.layer
  ).pipe(Layer.provideMerge(stores))
}

export const addOrganization = (o: Organization) => OrganizationStore.use((s) => s.insert(o)).pipe(Effect.as(o))

/** An active member of the organization whose role gives exactly `permissions`. */
export const addMember = Effect.fnUntraced(function* (
  organization: Organization,
  permissions: ReadonlyArray<Permission>
) {
  const role = new Role({
    id: yield* newId<RoleId>("rol"),
    organizationId: organization.id,
    name: `Rolle ${yield* newId("r")}`,
    permissions,
    builtIn: false
  })
  yield* RoleStore.use((s) => s.insert(role))
  const id = yield* newId<AccountId>("acc")
  const account = new Account({
    id,
    kind: "member",
    organizationId: organization.id,
    email: `${id}@test.example` as Email,
    firstName: "Erika",
    lastName: "Mustermann",
    status: "active",
    isMainAdmin: false,
    roleIds: [role.id],
    passwordHash: null,
    passwordResetRequired: false,
    createdAt: at("2024-01-01T00:00:00Z"),
    updatedAt: at("2024-01-01T00:00:00Z")
  })
  yield* AccountStore.use((s) => s.insert(account))
  return actorOf(account, [role]) as Member
})

export const addOperator = Effect.gen(function* () {
  const id = yield* newId<AccountId>("acc")
  yield* AccountStore.use((s) =>
    s.insert(
      new Account({
        id,
        kind: "operator",
        organizationId: null,
        email: `${id}@betrieb.example` as Email,
        firstName: "Otto",
        lastName: "Betrieb",
        status: "active",
        isMainAdmin: false,
        roleIds: [],
        passwordHash: null,
        passwordResetRequired: false,
        createdAt: at("2024-01-01T00:00:00Z"),
        updatedAt: at("2024-01-01T00:00:00Z")
      })
    )
  )
  return { _tag: "Operator", accountId: id } satisfies Operator
})
