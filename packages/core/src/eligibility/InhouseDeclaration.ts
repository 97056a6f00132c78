import { DateTime, Schema } from "effect"
import { AccountId, DeclarationId, OrganizationId } from "../kernel/Ids.ts"
import type { ControlEdge } from "./InhouseGraph.ts"

/**
 * „Inhousefähigkeit": one control edge as an organization asserts it, with its evidence (§ 108 GWB).
 * The declarant must be one of the two parties. The customer checks and proves its relationship itself
 * (CSP usage terms 2.3), so the declaration records who asserted it, when and on what evidence; orders that
 * relied on it name it, and it is never deleted: ending it only closes its validity period.
 */
export class InhouseDeclaration extends Schema.Class<InhouseDeclaration>("@cloudportal/core/InhouseDeclaration")({
  id: DeclarationId,
  controller: OrganizationId,
  controlled: OrganizationId,
  /** Control exercised jointly with other public bodies (§ 108 (4) GWB) rather than alone. */
  joint: Schema.Boolean,
  evidence: Schema.String,
  /** Inclusive. */
  validFrom: Schema.DateTimeUtc,
  /** Exclusive; null = until further notice. */
  validUntil: Schema.NullOr(Schema.DateTimeUtc),
  declaredBy: Schema.Struct({ organizationId: OrganizationId, accountId: AccountId }),
  declaredAt: Schema.DateTimeUtc,
  ended: Schema.NullOr(Schema.Struct({ at: Schema.DateTimeUtc, accountId: AccountId }))
}) {}

export const toControlEdge = (d: InhouseDeclaration): ControlEdge => ({
  declarationId: d.id,
  controller: d.controller,
  controlled: d.controlled,
  joint: d.joint,
  validFrom: d.validFrom,
  validUntil: d.validUntil
})

/** Whether the declaration counts at `at`: validFrom ≤ at < validUntil. */
export const isValidAt = (d: Pick<InhouseDeclaration, "validFrom" | "validUntil">, at: DateTime.Utc): boolean =>
  DateTime.isLessThanOrEqualTo(d.validFrom, at) && (d.validUntil === null || DateTime.isLessThan(at, d.validUntil))

/** Whether two validity periods share an instant. */
export const periodsOverlap = (
  a: Pick<InhouseDeclaration, "validFrom" | "validUntil">,
  b: Pick<InhouseDeclaration, "validFrom" | "validUntil">
): boolean =>
  (a.validUntil === null || DateTime.isLessThan(b.validFrom, a.validUntil)) &&
  (b.validUntil === null || DateTime.isLessThan(a.validFrom, b.validUntil))

export const maxEvidenceLength = 10_000

/**
 * The body of a declaration (API.md): exactly one of `controls` (the declarant controls that organization)
 * or `controlledBy` (that organization controls the declarant).
 */
export const DeclareInhouseInput = Schema.Struct({
  controls: Schema.optional(OrganizationId),
  controlledBy: Schema.optional(OrganizationId),
  joint: Schema.Boolean,
  evidence: Schema.Trim.pipe(
    Schema.check(
      Schema.isMinLength(1, { message: "Nachweis erforderlich / evidence is required" }),
      Schema.isMaxCodePoints(maxEvidenceLength, {
        message: `Nachweis höchstens ${maxEvidenceLength} Zeichen / evidence at most ${maxEvidenceLength} characters`
      })
    )
  ),
  validFrom: Schema.DateTimeUtcFromString,
  validUntil: Schema.optional(Schema.NullOr(Schema.DateTimeUtcFromString))
}).check(Schema.makeFilter((input) => declareRuleIssues(input)))
export type DeclareInhouseInput = typeof DeclareInhouseInput.Type
export type DeclareInhouseInputEncoded = typeof DeclareInhouseInput.Encoded

const exactlyOneMessage =
  "Genau eines von „controls“ und „controlledBy“ angeben / give exactly one of controls and controlledBy"

/** The cross-field rules of a declaration body, as field issues. */
const declareRuleIssues = (input: DeclareInhouseInput): Array<{ path: Array<string>; issue: string }> => {
  const issues: Array<{ path: Array<string>; issue: string }> = []
  if ((input.controls === undefined) === (input.controlledBy === undefined))
    issues.push({ path: [input.controls === undefined ? "controls" : "controlledBy"], issue: exactlyOneMessage })
  if (input.validUntil != null && !DateTime.isLessThan(input.validFrom, input.validUntil))
    issues.push({
      path: ["validUntil"],
      issue: "„Gültig bis“ muss nach „Gültig ab“ liegen / validUntil must be after validFrom"
    })
  return issues
}

/**
 * The exactly-one rule checked on the raw body, so that it is reported together with field errors (a
 * struct's own check runs only once all its fields decode).
 */
export const rawTargetIssues = (input: unknown): ReadonlyArray<{ path: string; message: string }> => {
  if (typeof input !== "object" || input === null) return []
  const has = (key: string) => key in input && (input as Record<string, unknown>)[key] !== undefined
  return has("controls") === has("controlledBy")
    ? [{ path: has("controls") ? "controlledBy" : "controls", message: exactlyOneMessage }]
    : []
}
