import { Context, Effect, Layer } from "effect"
import type { StorageError } from "../kernel/Errors.ts"
import { MemoryTable } from "../kernel/UnitOfWork.ts"
import type { Threshold } from "./Threshold.ts"

/**
 * The procurement thresholds table. The operator replaces it as a whole, so the table is one value:
 * `get` answers undefined until the first replacement (then the shipped defaults apply).
 */
export class ThresholdStore extends Context.Service<
  ThresholdStore,
  {
    readonly get: () => Effect.Effect<ReadonlyArray<Threshold> | undefined, StorageError>
    readonly replace: (table: ReadonlyArray<Threshold>) => Effect.Effect<void, StorageError>
  }
>()("@cloudportal/core/ThresholdStore") {
  static readonly layerMemory = Layer.sync(ThresholdStore)(() => {
    const table = new MemoryTable<"table", ReadonlyArray<Threshold>>()
    return {
      get: () => Effect.sync(() => table.get("table")),
      replace: (thresholds) => table.set("table", [...thresholds])
    }
  })
}
