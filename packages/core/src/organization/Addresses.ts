import { Context, Effect, Layer } from "effect"
import type { Actor } from "../kernel/Actor.ts"
import { type AuditLog, record } from "../kernel/Audit.ts"
import {
  decodeInput,
  type InvalidInput,
  type PermissionDenied,
  type StorageError,
  type Unauthenticated
} from "../kernel/Errors.ts"
import { AddressId } from "../kernel/Ids.ts"
import { type Page, PageRequest, page } from "../kernel/Paging.ts"
import { newId, type SecureRandom } from "../kernel/SecureRandom.ts"
import { UnitOfWork } from "../kernel/UnitOfWork.ts"
import type { AccountStore, RoleStore } from "../members/AccountStore.ts"
import { loadMember, loadMemberWith } from "../members/Viewer.ts"
import {
  AddressInput,
  AddressNotFound,
  AddressPatch,
  type AddressWrites,
  addressSnapshot,
  type DefaultAddressNotDeletable,
  type DefaultAddressRequired,
  decideAddressCreate,
  decideAddressDelete,
  decideAddressEdit,
  decideDefaultAddress,
  sameAddress
} from "./AddressBook.ts"
import type { Address } from "./Organization.ts"
import { AddressStore, type DefaultAddressConflict } from "./OrganizationStore.ts"

type Refused = PermissionDenied | Unauthenticated | StorageError

/**
 * „Adressen" of the signed-in member's organization (DOMAIN §5). Everyone in the organization sees them;
 * changing them needs `organization.addresses.manage`. Another organization's address does not exist for
 * the caller (`AddressNotFound`).
 */
export class Addresses extends Context.Service<
  Addresses,
  {
    /** The default address first, then by id; `{ limit?, cursor? }`. */
    readonly list: (actor: Actor, request?: unknown) => Effect.Effect<Page<Address>, InvalidInput | Refused>
    readonly create: (
      actor: Actor,
      input: unknown
    ) => Effect.Effect<Address, InvalidInput | DefaultAddressConflict | Refused>
    readonly edit: (
      actor: Actor,
      addressId: unknown,
      input: unknown
    ) => Effect.Effect<
      Address,
      InvalidInput | AddressNotFound | DefaultAddressRequired | DefaultAddressConflict | Refused
    >
    readonly delete: (
      actor: Actor,
      addressId: unknown
    ) => Effect.Effect<void, InvalidInput | AddressNotFound | DefaultAddressNotDeletable | Refused>
    readonly makeDefault: (
      actor: Actor,
      addressId: unknown
    ) => Effect.Effect<Address, InvalidInput | AddressNotFound | DefaultAddressConflict | Refused>
  }
>()("@cloudportal/core/Addresses") {
  static readonly layer = Layer.effect(
    Addresses,
    Effect.gen(function* () {
      const context = yield* Effect.context<
        AddressStore | AccountStore | RoleStore | UnitOfWork | AuditLog | SecureRandom
      >()
      const addresses = yield* AddressStore
      const uow = yield* UnitOfWork
      const manage = loadMemberWith("organization.addresses.manage")

      const owned = Effect.fnUntraced(function* (organizationId: string, id: AddressId) {
        const address = yield* addresses.get(id)
        if (!address || address.organizationId !== organizationId) return yield* new AddressNotFound({ addressId: id })
        return address
      })

      const apply = Effect.fnUntraced(function* (
        actor: Actor,
        action: string,
        before: ReadonlyArray<Address>,
        writes: AddressWrites
      ) {
        for (const next of writes.updates) {
          const previous = before.find((a) => a.id === next.id)
          if (previous && sameAddress(previous, next)) continue
          yield* addresses.update(next)
          yield* record({
            chain: next.organizationId,
            actor,
            action: next.id === writes.result.id ? action : "address.defaultMoved",
            subject: { type: "address", id: next.id },
            before: previous ? addressSnapshot(previous) : null,
            after: addressSnapshot(next)
          })
        }
        if (writes.insert) {
          yield* addresses.insert(writes.insert)
          yield* record({
            chain: writes.insert.organizationId,
            actor,
            action,
            subject: { type: "address", id: writes.insert.id },
            before: null,
            after: addressSnapshot(writes.insert)
          })
        }
        return writes.result
      })

      const list = Effect.fn("Addresses.list")(function* (actor: Actor, request?: unknown) {
        const paging = yield* decodeInput(PageRequest)(request ?? {})
        const { actor: member } = yield* loadMember(actor)
        const book = yield* addresses.listByOrganization(member.organizationId)
        return page(book, (a) => `${a.isDefault ? "0" : "1"}${a.id}`, paging)
      }, Effect.provideContext(context))

      const create = Effect.fn("Addresses.create")(function* (actor: Actor, input: unknown) {
        const data = yield* decodeInput(AddressInput)(input)
        const id = yield* newId<AddressId>("adr")
        return yield* uow.transaction(
          Effect.gen(function* () {
            const { actor: member } = yield* manage(actor)
            const book = yield* addresses.listByOrganization(member.organizationId)
            const writes = yield* Effect.fromResult(decideAddressCreate(book, id, member.organizationId, data))
            return yield* apply(member, "address.created", book, writes)
          })
        )
      }, Effect.provideContext(context))

      const edit = Effect.fn("Addresses.edit")(function* (actor: Actor, addressId: unknown, input: unknown) {
        const id = yield* decodeInput(AddressId)(addressId)
        const patch = yield* decodeInput(AddressPatch)(input)
        return yield* uow.transaction(
          Effect.gen(function* () {
            const { actor: member } = yield* manage(actor)
            const current = yield* owned(member.organizationId, id)
            const book = yield* addresses.listByOrganization(member.organizationId)
            const writes = yield* Effect.fromResult(decideAddressEdit(book, current, patch))
            return yield* apply(member, "address.updated", book, writes)
          })
        )
      }, Effect.provideContext(context))

      const remove = Effect.fn("Addresses.delete")(function* (actor: Actor, addressId: unknown) {
        const id = yield* decodeInput(AddressId)(addressId)
        yield* uow.transaction(
          Effect.gen(function* () {
            const { actor: member } = yield* manage(actor)
            const current = yield* owned(member.organizationId, id)
            yield* Effect.fromResult(decideAddressDelete(current))
            yield* addresses.delete(current.id)
            yield* record({
              chain: current.organizationId,
              actor: member,
              action: "address.deleted",
              subject: { type: "address", id: current.id },
              before: addressSnapshot(current),
              after: null
            })
          })
        )
      }, Effect.provideContext(context))

      const makeDefault = Effect.fn("Addresses.makeDefault")(function* (actor: Actor, addressId: unknown) {
        const id = yield* decodeInput(AddressId)(addressId)
        return yield* uow.transaction(
          Effect.gen(function* () {
            const { actor: member } = yield* manage(actor)
            const current = yield* owned(member.organizationId, id)
            const book = yield* addresses.listByOrganization(member.organizationId)
            return yield* apply(member, "address.madeDefault", book, decideDefaultAddress(book, current))
          })
        )
      }, Effect.provideContext(context))

      return Addresses.of({ list, create, edit, delete: remove, makeDefault })
    })
  )
}
