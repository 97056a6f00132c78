import { Context, type DateTime, Effect, Layer } from "effect"
import type { StorageError } from "../kernel/Errors.ts"
import type { OrganizationId } from "../kernel/Ids.ts"

/**
 * How many in-house declarations („Inhousefähigkeit", DOMAIN §5, §7) an organization has in force at a
 * moment. The master-data completeness needs no more than that, so it asks this narrow port instead of
 * depending on the eligibility store; the eligibility package provides it from its declarations.
 */
export class InhouseDeclarationCount extends Context.Service<
  InhouseDeclarationCount,
  {
    /** Declarations made by the organization that are valid at `at`. */
    readonly inForce: (organizationId: OrganizationId, at: DateTime.Utc) => Effect.Effect<number, StorageError>
  }
>()("@cloudportal/core/InhouseDeclarationCount") {
  /** Answers from a function over plain data: for tests and for embeddings that keep declarations elsewhere. */
  static readonly layerFrom = (inForce: (organizationId: OrganizationId, at: DateTime.Utc) => number) =>
    Layer.succeed(InhouseDeclarationCount)({ inForce: (id, at) => Effect.sync(() => inForce(id, at)) })

  /** A portal without any in-house declarations yet: every customer is asked to make one. */
  static readonly layerMemory = InhouseDeclarationCount.layerFrom(() => 0)
}
