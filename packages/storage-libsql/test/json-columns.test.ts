import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Effect, Schema } from "effect"
import { ContractFolder, Notification, Order } from "../src/internal/core.ts"
import { plainSchemas } from "../src/internal/json.ts"
// The stores declare their columns when loaded, and the storage layer loads every store: after this import
// every plain column's schema is in `plainSchemas`.
import "../src/LibsqlStorage.ts"

/**
 * A plain JSON column writes `JSON.stringify(value)` instead of the text of the schema's JSON codec. That is
 * only right where the two are the same JSON: no number JSON cannot hold, no value whose codec form differs
 * from what `JSON.stringify` makes of it (an `Option`, bytes, a transformed field). Generated values of each
 * plain column's schema, compared as parsed JSON (key order aside), and read back through the codec.
 */
describe("plain JSON columns", () => {
  it("the columns placing an order writes are plain, except the configuration (its numbers may be NaN)", () => {
    for (const schema of [
      Order.fields.eligibility,
      Order.fields.pricePlan,
      ContractFolder.fields.documents,
      ContractFolder.fields.product,
      ContractFolder.fields.price,
      ContractFolder.fields.terms,
      Notification
    ])
      assert.isTrue(plainSchemas.has(schema))
    assert.isFalse(plainSchemas.has(Order.fields.configuration))
  })

  it.effect("JSON.stringify writes every plain column's values as the schema's JSON codec does", () =>
    Effect.gen(function* () {
      for (const schema of plainSchemas) {
        const codec = Schema.toCodecJson(schema as Schema.Codec<unknown, unknown>)
        const encode = Schema.encodeSync(codec)
        const decode = Schema.decodeUnknownSync(codec)
        const result = yield* Arbitrary.checkEffect(
          Arbitrary.schema(schema as Schema.Codec<unknown, unknown> & Schema.Constraint),
          (value) => {
            const written = JSON.stringify(value)
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
