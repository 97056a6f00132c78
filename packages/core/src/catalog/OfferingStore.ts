import { Context, Effect, Layer, Schema } from "effect"
import type { StorageError } from "../kernel/Errors.ts"
import type { OfferingId, OrganizationId } from "../kernel/Ids.ts"
import { MemoryTable } from "../kernel/UnitOfWork.ts"
import type { Offering, ServiceType } from "./Offering.ts"

/**
 * A version that is not the next one: version 1 of an id that exists, or anything but latest + 1.
 * Two concurrent edits of one offering both read version n; the second to write gets this.
 */
export class OfferingVersionConflict extends Schema.TaggedError<OfferingVersionConflict>()("OfferingVersionConflict", {
  offeringId: Schema.String,
  version: Schema.Int
}) {}

/** Which offerings a list returns; each criterion left out does not filter. */
export interface OfferingFilter {
  readonly serviceType?: ServiceType | undefined
  readonly portfolioCategory?: string | undefined
  readonly providerId?: OrganizationId | undefined
  readonly efa?: boolean | undefined
  /** Only offerings whose latest version is active. */
  readonly activeOnly: boolean
}

export interface OfferingPage {
  readonly limit: number
  /** Continue after this offering id (exclusive). */
  readonly after?: OfferingId | undefined
}

/**
 * Offerings, every version kept: an order points at the version it was placed on. Versions are
 * append-only and gapless per offering (compare-and-set on the version number).
 */
export class OfferingStore extends Context.Service<
  OfferingStore,
  {
    readonly insertVersion: (o: Offering) => Effect.Effect<void, OfferingVersionConflict | StorageError>
    readonly getLatest: (id: OfferingId) => Effect.Effect<Offering | undefined, StorageError>
    readonly getVersion: (id: OfferingId, version: number) => Effect.Effect<Offering | undefined, StorageError>
    /** Latest versions matching the filter, ordered by id. */
    readonly list: (filter: OfferingFilter, page: OfferingPage) => Effect.Effect<ReadonlyArray<Offering>, StorageError>
  }
>()("@cloudportal/core/OfferingStore") {
  static readonly layerMemory = Layer.sync(OfferingStore)(() => {
    const versions = new MemoryTable<string, Offering>()
    const latest = new MemoryTable<OfferingId, { readonly id: OfferingId; readonly version: number }>()
    const key = (id: OfferingId, version: number) => `${id}#${version}`
    const matches = (o: Offering, f: OfferingFilter) =>
      (f.serviceType === undefined || o.serviceType === f.serviceType) &&
      (f.portfolioCategory === undefined || o.portfolioCategory === f.portfolioCategory) &&
      (f.providerId === undefined || o.providerId === f.providerId) &&
      (f.efa === undefined || o.efa === f.efa) &&
      (!f.activeOnly || o.active)
    return {
      insertVersion: (o) =>
        Effect.suspend(() =>
          o.version !== (latest.get(o.id)?.version ?? 0) + 1
            ? Effect.fail(new OfferingVersionConflict({ offeringId: o.id, version: o.version }))
            : Effect.andThen(versions.set(key(o.id, o.version), o), latest.set(o.id, { id: o.id, version: o.version }))
        ),
      getLatest: (id) =>
        Effect.sync(() => {
          const head = latest.get(id)
          return head && versions.get(key(id, head.version))
        }),
      getVersion: (id, version) => Effect.sync(() => versions.get(key(id, version))),
      list: (filter, page) =>
        Effect.sync(() => {
          const out: Array<Offering> = []
          for (const { id, version } of latest.values()) {
            if (page.after !== undefined && id <= page.after) continue
            const o = versions.get(key(id, version))
            if (o && matches(o, filter)) out.push(o)
          }
          return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, page.limit)
        })
    }
  })
}
