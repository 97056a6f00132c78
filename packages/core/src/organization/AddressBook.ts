import { Result, Schema } from "effect"
import { FieldIssue, InvalidInput } from "../kernel/Errors.ts"
import type { AddressId, OrganizationId } from "../kernel/Ids.ts"
import { LeitwegId } from "../kernel/LeitwegId.ts"
import { City, Phone, PostalCode, Street } from "../kernel/PostalAddress.ts"
import { Address, AddressKind } from "./Organization.ts"

/**
 * „Adressen" (DOMAIN §5): locations and billing addresses of one organization, exactly one of them the
 * „Standardadresse". Every decision returns the writes to make, in an order the store accepts (the old
 * default gives up its flag before the new one takes it), so that a unit of work can apply them as they come.
 */

// ---------------------------------------------------------------------------------------------------------
// Errors

/** No such address in the viewer's organization. */
export class AddressNotFound extends Schema.TaggedError<AddressNotFound>()("AddressNotFound", {
  addressId: Schema.String
}) {}

/** The „Standardadresse" cannot be deleted; make another address the default first. */
export class DefaultAddressNotDeletable extends Schema.TaggedError<DefaultAddressNotDeletable>()(
  "DefaultAddressNotDeletable",
  { addressId: Schema.String }
) {}

/** The default flag moves only by making another address the default; it cannot simply be taken away. */
export class DefaultAddressRequired extends Schema.TaggedError<DefaultAddressRequired>()("DefaultAddressRequired", {
  addressId: Schema.String
}) {}

// ---------------------------------------------------------------------------------------------------------
// Input

export const addressKindLabels: Record<AddressKind, { readonly de: string; readonly en: string }> = {
  location: { de: "Standort", en: "Location" },
  billing: { de: "Rechnungsadresse", en: "Billing address" }
}

/** POST /organization/addresses: `{ kind, street, postalCode, city, phone?, leitwegId?, isDefault? }`. */
export const AddressInput = Schema.Struct({
  kind: AddressKind,
  street: Street,
  postalCode: PostalCode,
  city: City,
  phone: Schema.optionalKey(Schema.NullOr(Phone)),
  leitwegId: Schema.optionalKey(Schema.NullOr(LeitwegId)),
  isDefault: Schema.optionalKey(Schema.Boolean)
})
export type AddressInput = typeof AddressInput.Type

/** PATCH /organization/addresses/:id: each key present replaces the stored value; null clears phone or Leitweg-ID. */
export const AddressPatch = Schema.Struct({
  kind: Schema.optionalKey(AddressKind),
  street: Schema.optionalKey(Street),
  postalCode: Schema.optionalKey(PostalCode),
  city: Schema.optionalKey(City),
  phone: Schema.optionalKey(Schema.NullOr(Phone)),
  leitwegId: Schema.optionalKey(Schema.NullOr(LeitwegId)),
  isDefault: Schema.optionalKey(Schema.Boolean)
})
export type AddressPatch = typeof AddressPatch.Type

/** Rules across fields, checked on the address as it would be stored. */
export const addressIssues = (a: Pick<Address, "kind" | "leitwegId">): ReadonlyArray<FieldIssue> =>
  a.kind !== "billing" && a.leitwegId !== null
    ? [
        new FieldIssue({
          path: "leitwegId",
          message: "Eine Leitweg-ID gibt es nur an Rechnungsadressen / only billing addresses carry a Leitweg-ID"
        })
      ]
    : []

// ---------------------------------------------------------------------------------------------------------
// Decisions

/** The writes a decision needs, in order: updates of existing addresses, then the new one if any. */
export interface AddressWrites {
  readonly updates: ReadonlyArray<Address>
  readonly insert: Address | null
  /** The address the request was about, as it will be stored. */
  readonly result: Address
}

const demoteOthers = (book: ReadonlyArray<Address>, keep: AddressId): ReadonlyArray<Address> =>
  book.filter((a) => a.isDefault && a.id !== keep).map((a) => new Address({ ...a, isDefault: false }))

const checked = (a: Address): Result.Result<Address, InvalidInput> => {
  const issues = addressIssues(a)
  return issues.length > 0 ? Result.fail(new InvalidInput({ issues })) : Result.succeed(a)
}

/**
 * A new address. The organization's first address becomes the default whatever was asked; asking for
 * the default moves the flag from the old one in the same writes.
 */
export const decideAddressCreate = (
  book: ReadonlyArray<Address>,
  id: AddressId,
  organizationId: OrganizationId,
  input: AddressInput
): Result.Result<AddressWrites, InvalidInput> => {
  const isDefault = input.isDefault === true || !book.some((a) => a.isDefault)
  return Result.map(
    checked(
      new Address({
        id,
        organizationId,
        kind: input.kind,
        street: input.street,
        postalCode: input.postalCode,
        city: input.city,
        phone: input.phone ?? null,
        leitwegId: input.leitwegId ?? null,
        isDefault
      })
    ),
    (created) => ({ updates: isDefault ? demoteOthers(book, id) : [], insert: created, result: created })
  )
}

/** A changed address. `isDefault: true` makes it the default; `false` on the default is refused. */
export const decideAddressEdit = (
  book: ReadonlyArray<Address>,
  current: Address,
  patch: AddressPatch
): Result.Result<AddressWrites, InvalidInput | DefaultAddressRequired> => {
  if (patch.isDefault === false && current.isDefault)
    return Result.fail(new DefaultAddressRequired({ addressId: current.id }))
  const isDefault = current.isDefault || patch.isDefault === true
  return Result.map(
    checked(
      new Address({
        ...current,
        kind: patch.kind ?? current.kind,
        street: patch.street ?? current.street,
        postalCode: patch.postalCode ?? current.postalCode,
        city: patch.city ?? current.city,
        phone: patch.phone !== undefined ? patch.phone : current.phone,
        leitwegId: patch.leitwegId !== undefined ? patch.leitwegId : current.leitwegId,
        isDefault
      })
    ),
    (edited) => ({
      updates: [...(isDefault && !current.isDefault ? demoteOthers(book, current.id) : []), edited],
      insert: null,
      result: edited
    })
  )
}

/** Makes an address the default; the old default gives up its flag. Already the default: nothing to write. */
export const decideDefaultAddress = (book: ReadonlyArray<Address>, target: Address): AddressWrites => {
  if (target.isDefault) return { updates: [], insert: null, result: target }
  const promoted = new Address({ ...target, isDefault: true })
  return { updates: [...demoteOthers(book, target.id), promoted], insert: null, result: promoted }
}

/** Any address but the default may go. */
export const decideAddressDelete = (target: Address): Result.Result<void, DefaultAddressNotDeletable> =>
  target.isDefault ? Result.fail(new DefaultAddressNotDeletable({ addressId: target.id })) : Result.void

/** Whether an edit changes anything (no change, no write, no audit event). */
export const sameAddress = (a: Address, b: Address): boolean =>
  a.kind === b.kind &&
  a.street === b.street &&
  a.postalCode === b.postalCode &&
  a.city === b.city &&
  a.phone === b.phone &&
  a.leitwegId === b.leitwegId &&
  a.isDefault === b.isDefault

/** The audit form of an address. */
export const addressSnapshot = (a: Address) => ({
  id: a.id,
  kind: a.kind,
  street: a.street,
  postalCode: a.postalCode,
  city: a.city,
  phone: a.phone,
  leitwegId: a.leitwegId,
  isDefault: a.isDefault
})
