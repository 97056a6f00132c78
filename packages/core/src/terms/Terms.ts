import { Context, DateTime, Effect, Layer, Schema } from "effect"
import type { StorageError } from "../kernel/Errors.ts"
import { TermsId } from "../kernel/Ids.ts"
import { MemoryTable } from "../kernel/UnitOfWork.ts"

/** One version of the CSP-AGB. Registration records the accepted one; an order freezes the one in force. */
export class TermsVersion extends Schema.Class<TermsVersion>("@cloudportal/core/TermsVersion")({
  id: TermsId,
  version: Schema.String,
  effectiveFrom: Schema.DateTimeUtc,
  url: Schema.NullOr(Schema.String),
  text: Schema.NullOr(Schema.String)
}) {}

/** The version in force at `at`: the latest whose effective date has come. */
export const termsInForce = (versions: ReadonlyArray<TermsVersion>, at: DateTime.Utc): TermsVersion | undefined => {
  let best: TermsVersion | undefined
  for (const v of versions)
    if (
      !DateTime.isGreaterThan(v.effectiveFrom, at) &&
      (!best || DateTime.isGreaterThan(v.effectiveFrom, best.effectiveFrom))
    )
      best = v
  return best
}

export class TermsStore extends Context.Service<
  TermsStore,
  {
    readonly insert: (t: TermsVersion) => Effect.Effect<void, StorageError>
    readonly get: (id: TermsId) => Effect.Effect<TermsVersion | undefined, StorageError>
    readonly list: () => Effect.Effect<ReadonlyArray<TermsVersion>, StorageError>
  }
>()("@cloudportal/core/TermsStore") {
  static readonly layerMemory = Layer.sync(TermsStore)(() => {
    const rows = new MemoryTable<TermsId, TermsVersion>()
    return {
      insert: (t) => rows.set(t.id, t),
      get: (id) => Effect.sync(() => rows.get(id)),
      list: () => Effect.sync(() => [...rows.values()])
    }
  })
}

/** No CSP-AGB version is in force yet: the operator must publish one before anyone can register or order. */
export class NoTermsInForce extends Schema.TaggedError<NoTermsInForce>()("NoTermsInForce", {}) {}

/** The CSP-AGB version in force now. */
export const currentTerms = Effect.gen(function* () {
  const versions = yield* TermsStore.use((s) => s.list())
  const current = termsInForce(versions, yield* DateTime.now)
  return current ?? (yield* new NoTermsInForce())
})
