/**
 * The rules the whole-system model checks the portal against, written down again from DOMAIN.md (§6, §7, §9)
 * rather than imported from core: a model that reuses the implementation's tables would agree with any bug in
 * them.
 */

export const permissions = [
  "organization.profile.edit",
  "organization.addresses.manage",
  "members.invite",
  "members.manage",
  "roles.manage",
  "orders.viewOrganization",
  "catalog.manage",
  "orders.decideAsProvider",
  "orders.decideAsIntermediary"
] as const
export type Permission = (typeof permissions)[number]

export type ContractModel = "DV" | "UV"
export type OrderAction = "startReview" | "confirm" | "reject" | "markOrdered"
export type Party = "provider" | "intermediary"

export interface Step {
  readonly model: ContractModel
  readonly from: string
  readonly action: OrderAction
  readonly party: Party
  readonly to: string
}

const step = (model: ContractModel, from: string, action: OrderAction, party: Party, to: string): Step => ({
  model,
  from,
  action,
  party,
  to
})

/** DOMAIN §9, "Transitions (nothing else is allowed)", the acting party's steps. */
export const steps: ReadonlyArray<Step> = [
  step("DV", "open", "startReview", "provider", "inReviewByProviderDV"),
  step("DV", "inReviewByProviderDV", "confirm", "provider", "confirmedByProviderDV"),
  step("DV", "confirmedByProviderDV", "markOrdered", "provider", "ordered"),
  step("DV", "open", "reject", "provider", "rejectedByProviderDV"),
  step("DV", "inReviewByProviderDV", "reject", "provider", "rejectedByProviderDV"),
  step("UV", "open", "startReview", "intermediary", "inReviewByIntermediaryUV"),
  step("UV", "inReviewByIntermediaryUV", "confirm", "intermediary", "confirmedByIntermediaryUV"),
  step("UV", "confirmedByIntermediaryUV", "startReview", "provider", "inReviewByProviderUV"),
  step("UV", "inReviewByProviderUV", "confirm", "provider", "confirmedByProviderUV"),
  step("UV", "confirmedByProviderUV", "markOrdered", "intermediary", "ordered"),
  step("UV", "open", "reject", "intermediary", "rejectedByIntermediaryUV"),
  step("UV", "inReviewByIntermediaryUV", "reject", "intermediary", "rejectedByIntermediaryUV"),
  step("UV", "confirmedByIntermediaryUV", "reject", "provider", "rejectedByProviderUV"),
  step("UV", "inReviewByProviderUV", "reject", "provider", "rejectedByProviderUV")
]

/** "Any non-terminal state before the provider's confirmation → expired once the deadline has passed." */
export const beforeProviderConfirmation = new Set([
  "open",
  "inReviewByProviderDV",
  "inReviewByIntermediaryUV",
  "confirmedByIntermediaryUV",
  "inReviewByProviderUV"
])

export const rejected = new Set(["rejectedByProviderDV", "rejectedByIntermediaryUV", "rejectedByProviderUV"])

export const partyPermission: Record<Party, Permission> = {
  provider: "orders.decideAsProvider",
  intermediary: "orders.decideAsIntermediary"
}

export const stepFor = (model: ContractModel, from: string, action: OrderAction): Step | undefined =>
  steps.find((s) => s.model === model && s.from === from && s.action === action)

/** Whether a status history (from `open`) only ever took steps of DOMAIN §9, the sweep's expiry included. */
export const isLegalHistory = (model: ContractModel, history: ReadonlyArray<string>): boolean => {
  let status = "open"
  for (const to of history) {
    const legal =
      steps.some((s) => s.model === model && s.from === status && s.to === to) ||
      (to === "expired" && beforeProviderConfirmation.has(status))
    if (!legal) return false
    status = to
  }
  return true
}

/** DOMAIN §7: Bayern, municipalities, 100,000 EUR net ("bis zu": a value equal to the limit still counts). */
export const bavarianMunicipalThresholdCents = 10_000_000
