import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import * as fc from "fast-check"
import type { AddressId, OrganizationId } from "../../src/kernel/Ids.ts"
import { orderedText, page } from "../../src/kernel/Paging.ts"
import {
  type AddressWrites,
  decideAddressCreate,
  decideAddressDelete,
  decideAddressEdit,
  decideDefaultAddress
} from "../../src/organization/AddressBook.ts"
import type { Address } from "../../src/organization/Organization.ts"

const org = "org_book" as OrganizationId

const input = { kind: "location" as const, street: "Ring 1", postalCode: "10115", city: "Berlin" }

/** Applies a decision's writes to a book the way a unit of work would, in order. */
const apply = (book: ReadonlyArray<Address>, writes: AddressWrites): ReadonlyArray<Address> => {
  let next = [...book]
  for (const u of writes.updates) next = next.map((a) => (a.id === u.id ? u : a))
  if (writes.insert) next.push(writes.insert)
  // The store refuses a second default at every single write; so does this check.
  assert.isAtMost(next.filter((a) => a.isDefault).length, 1)
  return next
}

type Op =
  | { readonly _tag: "create"; readonly isDefault: boolean }
  | { readonly _tag: "makeDefault" | "delete" | "editDefaultTrue" | "editDefaultFalse"; readonly index: number }

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ _tag: fc.constant("create" as const), isDefault: fc.boolean() }),
  fc.record({
    _tag: fc.constantFrom(
      "makeDefault" as const,
      "delete" as const,
      "editDefaultTrue" as const,
      "editDefaultFalse" as const
    ),
    index: fc.nat()
  })
)

describe("address book (pure)", () => {
  it("exactly one address is the default, whatever is created, edited, made default or deleted", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        let book: ReadonlyArray<Address> = []
        let serial = 0
        for (const o of ops) {
          if (o._tag === "create") {
            const r = decideAddressCreate(book, `adr_${serial++}` as AddressId, org, {
              ...input,
              isDefault: o.isDefault
            })
            if (Result.isSuccess(r)) book = apply(book, r.success)
          } else if (book.length > 0) {
            const target = book[o.index % book.length]!
            if (o._tag === "makeDefault") book = apply(book, decideDefaultAddress(book, target))
            else if (o._tag === "delete") {
              if (Result.isSuccess(decideAddressDelete(target))) book = book.filter((a) => a.id !== target.id)
              else assert.isTrue(target.isDefault)
            } else {
              const r = decideAddressEdit(book, target, { isDefault: o._tag === "editDefaultTrue" })
              if (Result.isSuccess(r)) book = apply(book, r.success)
              else assert.isTrue(target.isDefault && o._tag === "editDefaultFalse")
            }
          }
          if (book.length > 0) assert.strictEqual(book.filter((a) => a.isDefault).length, 1)
        }
      })
    )
  })
})

describe("paging (pure)", () => {
  it("paging through a list hands out every item exactly once, in order, whatever the page size", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ maxLength: 6, unit: "grapheme" })),
        fc.integer({ min: 1, max: 7 }),
        (names, limit) => {
          const key = (n: string) => `${orderedText(n)}|`
          const seen: Array<string> = []
          let cursor: string | undefined
          for (let guard = 0; guard <= names.length + 1; guard++) {
            const p = page(names, key, cursor === undefined ? { limit } : { limit, cursor })
            seen.push(...p.items)
            if (p.nextCursor === null) break
            cursor = p.nextCursor
          }
          assert.deepStrictEqual(
            seen,
            [...names].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
          )
        }
      )
    )
  })
})
