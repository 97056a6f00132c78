import { Context, Effect, Layer, Schema } from "effect"
import type { StorageError } from "../kernel/Errors.ts"
import type { AddressId, OrganizationId } from "../kernel/Ids.ts"
import { MemoryTable } from "../kernel/UnitOfWork.ts"
import { type Address, normalizeOrganizationName, type Organization } from "./Organization.ts"

/** An organization of that name is already registered: its admin gives out accounts (DOMAIN §2). */
export class OrganizationAlreadyRegistered extends Schema.TaggedError<OrganizationAlreadyRegistered>()(
  "OrganizationAlreadyRegistered",
  { name: Schema.String }
) {}

/** Organization names are unique after normalization; the store holds that under concurrency too. */
export class OrganizationStore extends Context.Service<
  OrganizationStore,
  {
    readonly insert: (o: Organization) => Effect.Effect<void, OrganizationAlreadyRegistered | StorageError>
    readonly update: (o: Organization) => Effect.Effect<void, OrganizationAlreadyRegistered | StorageError>
    readonly get: (id: OrganizationId) => Effect.Effect<Organization | undefined, StorageError>
    readonly findByName: (name: string) => Effect.Effect<Organization | undefined, StorageError>
  }
>()("@cloudportal/core/OrganizationStore") {
  static readonly layerMemory = Layer.sync(OrganizationStore)(() => {
    const rows = new MemoryTable<OrganizationId, Organization>()
    const findByName = (name: string) =>
      rows.find((o) => normalizeOrganizationName(o.name) === normalizeOrganizationName(name))
    const save = (o: Organization) =>
      Effect.suspend(() => {
        const other = findByName(o.name)
        return other && other.id !== o.id
          ? Effect.fail(new OrganizationAlreadyRegistered({ name: o.name }))
          : rows.set(o.id, o)
      })
    return {
      insert: save,
      update: save,
      get: (id) => Effect.sync(() => rows.get(id)),
      findByName: (name) => Effect.sync(() => findByName(name))
    }
  })
}

/** Exactly one default address per organization; the store refuses a second one. */
export class DefaultAddressConflict extends Schema.TaggedError<DefaultAddressConflict>()("DefaultAddressConflict", {
  organizationId: Schema.String
}) {}

export class AddressStore extends Context.Service<
  AddressStore,
  {
    readonly insert: (a: Address) => Effect.Effect<void, DefaultAddressConflict | StorageError>
    readonly update: (a: Address) => Effect.Effect<void, DefaultAddressConflict | StorageError>
    readonly delete: (id: AddressId) => Effect.Effect<void, StorageError>
    readonly get: (id: AddressId) => Effect.Effect<Address | undefined, StorageError>
    readonly listByOrganization: (id: OrganizationId) => Effect.Effect<ReadonlyArray<Address>, StorageError>
  }
>()("@cloudportal/core/AddressStore") {
  static readonly layerMemory = Layer.sync(AddressStore)(() => {
    const rows = new MemoryTable<AddressId, Address>()
    const save = (a: Address) =>
      Effect.suspend(() =>
        a.isDefault && rows.find((o) => o.organizationId === a.organizationId && o.isDefault && o.id !== a.id)
          ? Effect.fail(new DefaultAddressConflict({ organizationId: a.organizationId }))
          : rows.set(a.id, a)
      )
    return {
      insert: save,
      update: save,
      delete: (id) => rows.delete(id),
      get: (id) => Effect.sync(() => rows.get(id)),
      listByOrganization: (id) => Effect.sync(() => rows.filter((a) => a.organizationId === id))
    }
  })
}
