import { Context, DateTime, Effect, Layer, Schema } from "effect"
import type { StorageError } from "../kernel/Errors.ts"
import type { DeclarationId, OrganizationId } from "../kernel/Ids.ts"
import { MemoryTable } from "../kernel/UnitOfWork.ts"
import { InhouseDeclaration } from "./InhouseDeclaration.ts"

/** A declaration id that already exists: declarations are written once and never replaced. */
export class DeclarationIdTaken extends Schema.TaggedError<DeclarationIdTaken>()("DeclarationIdTaken", {
  id: Schema.String
}) {}

/**
 * In-house declarations. Declarations are append-only: `end` is the one change, a compare-and-set that
 * succeeds once. `revision` is a token that changes with every committed write and is never reused (a
 * rolled-back write must not leave a token a later write could repeat); the graph cache keys on it. It may
 * change for other reasons too (the libSQL adapter shares one token among all reference data): a change
 * without a write costs the cache a rebuild, never a stale graph.
 */
export class InhouseDeclarationStore extends Context.Service<
  InhouseDeclarationStore,
  {
    readonly insert: (d: InhouseDeclaration) => Effect.Effect<void, DeclarationIdTaken | StorageError>
    /**
     * Ends a declaration that is not ended yet: records `ended` and sets `validUntil`. False when it does
     * not exist or was ended already (by a concurrent request, say).
     */
    readonly end: (
      id: DeclarationId,
      ended: InhouseDeclaration["ended"] & {},
      validUntil: InhouseDeclaration["validUntil"] & {}
    ) => Effect.Effect<boolean, StorageError>
    readonly get: (id: DeclarationId) => Effect.Effect<InhouseDeclaration | undefined, StorageError>
    /** The declarations an organization made, ended ones included, oldest first (declaredAt, then id). */
    readonly listByDeclarant: (
      organizationId: OrganizationId
    ) => Effect.Effect<ReadonlyArray<InhouseDeclaration>, StorageError>
    /** Every declaration, ended ones included: the in-house graph is built from these. */
    readonly listAll: () => Effect.Effect<ReadonlyArray<InhouseDeclaration>, StorageError>
    readonly revision: () => Effect.Effect<string, StorageError>
  }
>()("@cloudportal/core/InhouseDeclarationStore") {
  static readonly layerMemory = Layer.sync(InhouseDeclarationStore)(() => {
    const rows = new MemoryTable<DeclarationId, InhouseDeclaration>()
    const revision = new MemoryTable<"revision", string>()
    // Counts every write ever attempted, so a token undone by a rollback is never handed out again.
    let writes = 0
    const bump = Effect.suspend(() => revision.set("revision", String(++writes)))
    const byDeclaredAt = (a: InhouseDeclaration, b: InhouseDeclaration) =>
      DateTime.toEpochMillis(a.declaredAt) - DateTime.toEpochMillis(b.declaredAt) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
    return {
      insert: (d) =>
        Effect.suspend(() =>
          rows.get(d.id) ? Effect.fail(new DeclarationIdTaken({ id: d.id })) : Effect.andThen(rows.set(d.id, d), bump)
        ),
      end: (id, ended, validUntil) =>
        Effect.suspend(() => {
          const d = rows.get(id)
          if (!d || d.ended) return Effect.succeed(false)
          return rows
            .set(id, new InhouseDeclaration({ ...d, ended, validUntil }))
            .pipe(Effect.andThen(bump), Effect.as(true))
        }),
      get: (id) => Effect.sync(() => rows.get(id)),
      listByDeclarant: (organizationId) =>
        Effect.sync(() => rows.filter((d) => d.declaredBy.organizationId === organizationId).sort(byDeclaredAt)),
      listAll: () => Effect.sync(() => [...rows.values()]),
      revision: () => Effect.sync(() => revision.get("revision") ?? "0")
    }
  })
}
