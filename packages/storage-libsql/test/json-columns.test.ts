import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Effect, Schema } from "effect"
import { ContractFolder, Notification, Order } from "../src/internal/core.ts"
import { plainColumns } from "../src/internal/json.ts"
// The stores declare their columns when loaded, and the storage layer loads every store: after this import
// every plain column is in `plainColumns`.
import "../src/LibsqlStorage.ts"

/**
 * A plain JSON column writes `JSON.stringify(value)` instead of the text of the schema's JSON codec. That is
 * only right where the two are the same JSON: no number JSON cannot hold (a column declared `"finite"` sends
 * values with one through the codec), no value whose codec form differs from what `JSON.stringify` makes of it
 * (an `Option`, bytes, a transformed field). Generated values of each plain column's schema, written by the
 * column, compared with the codec's text as parsed JSON (key order aside), and read back through the codec.
 */
describe("plain JSON columns", () => {
  it("the columns placing an order writes are plain, the configurations unless a number is NaN or infinite", () => {
    for (const schema of [
      Order.fields.eligibility,
      Order.fields.pricePlan,
      Order.fields.configuration,
      ContractFolder.fields.documents,
      ContractFolder.fields.product,
      ContractFolder.fields.price,
      ContractFolder.fields.terms,
      ContractFolder.fields.configuration,
      Notification
    ])
      assert.isTrue(plainColumns.has(schema))
  })

  it("a configuration holding NaN or an infinite number is written through the codec, any other by JSON.stringify", () => {
    const column = plainColumns.get(Order.fields.configuration)!
    const codec = Schema.encodeSync(Schema.toCodecJson(Order.fields.configuration))
    const nonFinite = { a: Number.NaN, b: Number.NEGATIVE_INFINITY, c: 1 }
    assert.strictEqual(column.write(nonFinite), JSON.stringify(codec(nonFinite)))
    assert.strictEqual(column.write({ a: 1.5, b: "x", c: true }), '{"a":1.5,"b":"x","c":true}')
    // JSON writes NaN as null: text with that word is looked at again, and a null that was no number stays.
    assert.strictEqual(column.write({ a: "null", b: 2 }), '{"a":"null","b":2}')
    const nanBesideNull = { a: "null", b: Number.NaN }
    assert.strictEqual(column.write(nanBesideNull), JSON.stringify(codec(nanBesideNull)))
  })

  it.effect("every plain column writes its values as the schema's JSON codec does", () =>
    Effect.gen(function* () {
      for (const [schema, column] of plainColumns) {
        const codec = Schema.toCodecJson(schema as Schema.Codec<unknown, unknown>)
        const encode = Schema.encodeSync(codec)
        const decode = Schema.decodeUnknownSync(codec)
        const result = yield* Arbitrary.checkEffect(
          Arbitrary.schema(schema as Schema.Codec<unknown, unknown> & Schema.Constraint),
          (value) => {
            const written = column.write(value)
            assert.deepStrictEqual(JSON.parse(written), JSON.parse(JSON.stringify(encode(value))))
            assert.deepStrictEqual(JSON.stringify(encode(decode(JSON.parse(written)))), JSON.stringify(encode(value)))
            return true
          },
          { runs: 200 }
        )
        assert.strictEqual(Arbitrary.formatCheckFailure(result), undefined)
      }
    })
  )
})
