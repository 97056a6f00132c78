import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Effect, Equal, Schema } from "effect"
import * as fc from "fast-check"
import { EligibilityAnswer } from "../../src/eligibility/EligibilityAnswer.ts"
import { AuditEvent } from "../../src/kernel/Audit.ts"
import { Money } from "../../src/kernel/Money.ts"
import { OutboxMessage } from "../../src/kernel/Outbox.ts"
import { trusted } from "../../src/kernel/Trusted.ts"
import { ContractDocumentInfo, ContractFolder } from "../../src/orders/ContractFolder.ts"
import { Order } from "../../src/orders/Order.ts"

/**
 * `trusted(C, fields)` is `new C(fields)` for valid fields: same prototype, same own keys in the same order,
 * equal values, the same JSON. Checked for every class core builds with it, on generated values whose keys
 * come in reverse order (the instance takes the class's order, as the constructor does).
 */
const sameAsConstructor = <Self extends object, Fields extends Schema.Struct.Fields>(
  Class: Schema.Codec<Self, unknown> &
    Schema.Constraint & {
      new (fields: Schema.Struct.Type<Fields>): Self
      readonly fields: Fields
      readonly prototype: Self
    },
  runs = 100
) =>
  Effect.gen(function* () {
    const json = Schema.encodeSync(Schema.toCodecJson(Class))
    const result = yield* Arbitrary.checkEffect(
      Arbitrary.schema(Class),
      (value) => {
        const fields = Object.fromEntries(Object.entries(value).reverse()) as Schema.Struct.Type<Fields>
        const built = trusted(Class, fields)
        const constructed = new Class(fields)
        return (
          Object.getPrototypeOf(built) === Object.getPrototypeOf(constructed) &&
          JSON.stringify(Reflect.ownKeys(built)) === JSON.stringify(Reflect.ownKeys(constructed)) &&
          Equal.equals(built, constructed) &&
          JSON.stringify(json(built)) === JSON.stringify(json(constructed))
        )
      },
      { runs }
    )
    assert.strictEqual(Arbitrary.formatCheckFailure(result), undefined)
  })

describe("trusted construction of Schema classes (valid values, no second walk)", () => {
  it.effect("an order built from trusted values is the order the constructor builds", () => sameAsConstructor(Order))
  it.effect("a contract folder built from trusted values is the folder the constructor builds", () =>
    sameAsConstructor(ContractFolder, 50)
  )
  it.effect("an eligibility answer built from trusted values is the answer the constructor builds", () =>
    sameAsConstructor(EligibilityAnswer)
  )
  it.effect("a document entry built from trusted values is the entry the constructor builds", () =>
    sameAsConstructor(ContractDocumentInfo)
  )
  it.effect("an audit event built from trusted values is the event the constructor builds", () =>
    sameAsConstructor(AuditEvent)
  )
  it.effect("an outbox message built from trusted values is the message the constructor builds", () =>
    sameAsConstructor(OutboxMessage)
  )
  it.effect("an amount built from trusted values is the amount the constructor builds", () => sameAsConstructor(Money))

  it("Money.cents is the constructor's amount for whole non-negative cents and refuses every other number", () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.double()), (amountCents) => {
        const valid = Number.isSafeInteger(amountCents) && amountCents >= 0
        if (valid) assert.isTrue(Equal.equals(Money.cents(amountCents), new Money({ amountCents, currency: "EUR" })))
        else assert.throws(() => Money.cents(amountCents))
      }),
      { numRuns: 500 }
    )
    for (const wrong of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])
      assert.throws(() => Money.cents(wrong))
  })

  it("the instance is of the class and holds only the class's fields, absent optional ones absent", () => {
    class Sample extends Schema.Class<Sample>("Sample")({
      name: Schema.String,
      note: Schema.optionalKey(Schema.String)
    }) {
      get greeting() {
        return `Hallo ${this.name}`
      }
    }
    const fields = { name: "Ada", extra: 1 } as unknown as { name: string }
    const built = trusted(Sample, fields)
    assert.instanceOf(built, Sample)
    assert.strictEqual(built.greeting, "Hallo Ada")
    assert.deepStrictEqual(Reflect.ownKeys(built), ["name"])
    assert.isTrue(Equal.equals(built, new Sample({ name: "Ada" })))
    assert.isFalse(Equal.equals(built, new Sample({ name: "Ada", note: "x" })))
  })
})
