import type { Schema } from "effect"

/** A Schema class: its fields' schemas, and instances built from them. */
interface SchemaClass<Self, Fields extends Schema.Struct.Fields> {
  new (...args: ReadonlyArray<never>): Self
  readonly fields: Fields
  readonly prototype: Self
}

/**
 * An instance of a Schema class built from values whose checks have already run (decoders, stores, the rules),
 * as `new C(fields)` builds it, without walking the values again.
 *
 * The constructor validates its input by walking every field, nested structs and arrays included, and does so
 * with `disableChecks` too (Effect 4.1 has no public constructor for trusted values): for placing an order —
 * the order, its eligibility answer and its contract folder, each holding the others' values — about a tenth
 * of the use case's CPU time. The instance is what the constructor makes of valid input: the class's
 * prototype, and the fields as own enumerable properties in the order the class declares them (optional fields
 * only when present). `test/kernel/trusted.test.ts` holds the two equal for every class built this way.
 *
 * Only for values that are valid by construction; input from outside goes through the constructor or a decoder.
 */
export const trusted = <Self extends object, Fields extends Schema.Struct.Fields>(
  Class: SchemaClass<Self, Fields>,
  fields: Schema.Struct.Type<Fields>
): Self => {
  const instance = Object.create(Class.prototype) as Record<string, unknown>
  const values = fields as Record<string, unknown>
  for (const key of keysOf(Class.fields)) if (Object.hasOwn(values, key)) instance[key] = values[key]
  return instance as Self
}

/** The declared field names of each class, listed once. */
const fieldKeys = new WeakMap<Schema.Struct.Fields, ReadonlyArray<string>>()
const keysOf = (fields: Schema.Struct.Fields): ReadonlyArray<string> => {
  let keys = fieldKeys.get(fields)
  if (keys === undefined) {
    keys = Object.keys(fields)
    fieldKeys.set(fields, keys)
  }
  return keys
}
