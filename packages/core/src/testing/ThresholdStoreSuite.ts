import { assert, describe, layer } from "@effect/vitest"
import { DateTime, Effect, type Layer, Schema } from "effect"
import { defaultThresholds, Threshold } from "../eligibility/Threshold.ts"
import { ThresholdStore } from "../eligibility/ThresholdStore.ts"
import { Money } from "../kernel/Money.ts"
import { UnitOfWork } from "../kernel/UnitOfWork.ts"

const ThresholdJson = Schema.toCodecJson(Threshold)
/** Tables as plain JSON, so comparisons see every field and nothing of how a store caches values. */
const json = (table: ReadonlyArray<Threshold> | undefined) => table?.map((t) => Schema.encodeSync(ThresholdJson)(t))

const sample: ReadonlyArray<Threshold> = [
  ...defaultThresholds,
  new Threshold({
    jurisdiction: { _tag: "Land", federalState: "DE-HE", administrativeLevel: "other" },
    netAmount: Money.cents(12_345_67),
    validFrom: DateTime.makeUnsafe("2026-01-01T00:00:00.250Z"),
    validUntil: DateTime.makeUnsafe("2027-06-30T21:59:59.999Z"),
    source: "Erlass „Wertgrenzen“ vom 1. Dezember 2025"
  })
]

/**
 * The contract of every `ThresholdStore`: the table is one value that is replaced as a whole and reads back
 * unchanged, row order included. The tests only ever read back what they wrote themselves just before,
 * so they do not depend on each other's order.
 */
export const thresholdStoreSuite = <E>(name: string, store: Layer.Layer<ThresholdStore | UnitOfWork, E>) =>
  describe(`ThresholdStore conformance: ${name}`, () => {
    layer(store)((it) => {
      const replace = (table: ReadonlyArray<Threshold>) => ThresholdStore.use((s) => s.replace(table))
      const get = ThresholdStore.use((s) => s.get())

      it.effect("a table reads back unchanged, every row and field of it, in order", () =>
        Effect.gen(function* () {
          yield* replace(sample)
          assert.deepStrictEqual(json(yield* get), json(sample))
          const reversed = [...sample].reverse()
          yield* replace(reversed)
          assert.deepStrictEqual(json(yield* get), json(reversed))
        })
      )

      it.effect("a replacement replaces the whole table, an empty one included", () =>
        Effect.gen(function* () {
          yield* replace(sample)
          yield* replace(sample.slice(0, 1))
          assert.deepStrictEqual(json(yield* get), json(sample.slice(0, 1)))
          yield* replace([])
          assert.deepStrictEqual(json(yield* get), [])
        })
      )

      it.effect("a failed unit of work leaves the previous table in place", () =>
        Effect.gen(function* () {
          yield* replace(sample)
          const uow = yield* UnitOfWork
          yield* Effect.flip(uow.transaction(Effect.andThen(replace([]), Effect.fail("boom" as const))))
          assert.deepStrictEqual(json(yield* get), json(sample))
        })
      )
    })
  })
