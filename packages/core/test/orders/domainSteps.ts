import type { ContractModel } from "../../src/kernel/ContractModel.ts"
import type { OrderAction } from "../../src/orders/Order.ts"
import type { OrderStatus } from "../../src/orders/OrderStatus.ts"

/**
 * DOMAIN §9, written out independently of `transitionTable`: "model from action party to".
 * If the table and this list ever disagree, one of them misreads the rules.
 */
export const domainSteps = [
  "DV open startReview provider inReviewByProviderDV",
  "DV inReviewByProviderDV confirm provider confirmedByProviderDV",
  "DV confirmedByProviderDV markOrdered provider ordered",
  "DV open reject provider rejectedByProviderDV",
  "DV inReviewByProviderDV reject provider rejectedByProviderDV",
  "DV open expire system expired",
  "DV inReviewByProviderDV expire system expired",
  "UV open startReview intermediary inReviewByIntermediaryUV",
  "UV inReviewByIntermediaryUV confirm intermediary confirmedByIntermediaryUV",
  "UV confirmedByIntermediaryUV startReview provider inReviewByProviderUV",
  "UV inReviewByProviderUV confirm provider confirmedByProviderUV",
  "UV confirmedByProviderUV markOrdered intermediary ordered",
  "UV open reject intermediary rejectedByIntermediaryUV",
  "UV inReviewByIntermediaryUV reject intermediary rejectedByIntermediaryUV",
  "UV confirmedByIntermediaryUV reject provider rejectedByProviderUV",
  "UV inReviewByProviderUV reject provider rejectedByProviderUV",
  "UV open expire system expired",
  "UV inReviewByIntermediaryUV expire system expired",
  "UV confirmedByIntermediaryUV expire system expired",
  "UV inReviewByProviderUV expire system expired"
].map((line) => {
  const [model, from, action, party, to] = line.split(" ") as [
    ContractModel,
    OrderStatus,
    OrderAction,
    string,
    OrderStatus
  ]
  return { model, from, action, party, to }
})

/** States in which the decision period runs: exactly those the sweep may expire. */
export const deadlineRuns = (model: ContractModel, status: OrderStatus) =>
  domainSteps.some((s) => s.model === model && s.from === status && s.action === "expire")
