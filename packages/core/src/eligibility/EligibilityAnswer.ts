import { Schema } from "effect"
import { OrganizationId } from "../kernel/Ids.ts"
import { Money } from "../kernel/Money.ts"

/** How two organizations are in-house related (§ 108 GWB): X controls Y, Y controls X, or some Z controls both. */
export const Relationship = Schema.Literals(["vertical", "inverse", "horizontal"])
export type Relationship = typeof Relationship.Type

/** Why a contract model is allowed; each ground carries its proof. */
export const Ground = Schema.Struct({
  kind: Schema.Literals(["inhouseWithProvider", "freeOfCharge", "belowThreshold", "inhouseWithIntermediary"]),
  /** For in-house grounds. */
  relationship: Schema.optionalKey(Relationship),
  /** For in-house grounds: the organizations along the proving chain, from the customer (or provider) to the partner. */
  chain: Schema.optionalKey(Schema.Array(OrganizationId)),
  /** Which party's relationship this proves (flip contract: the customer's and the provider's). */
  party: Schema.optionalKey(Schema.Literals(["customer", "provider"])),
  /** For the threshold ground: the counted value (anti-splitting sum included) and the limit. */
  value: Schema.optionalKey(Money),
  threshold: Schema.optionalKey(Money),
  thresholdSource: Schema.optionalKey(Schema.String)
})
export type Ground = typeof Ground.Type

export const BlockingReasonKind = Schema.Literals([
  "contractModelNotSupported",
  "customerCircle",
  "noInhouseDeclaration",
  "noInhouseRelationshipWithProvider",
  "notFreeOfCharge",
  "aboveThreshold",
  "noIntermediary",
  "customerNotInhouseWithIntermediary",
  "providerNotInhouseWithIntermediary"
])
export type BlockingReasonKind = typeof BlockingReasonKind.Type

export const BlockingReason = Schema.Struct({ kind: BlockingReasonKind, detail: Schema.String })
export type BlockingReason = typeof BlockingReason.Type

export const ContractModelAnswer = Schema.Struct({
  allowed: Schema.Boolean,
  grounds: Schema.Array(Ground),
  blockingReasons: Schema.Array(BlockingReason)
})
export type ContractModelAnswer = typeof ContractModelAnswer.Type

/** The answer to "which contract model may this customer use for this cart?", stored with the order. */
export const EligibilityAnswer = Schema.Struct({
  cartTotal: Money,
  evaluatedAt: Schema.DateTimeUtc,
  contractModels: Schema.Struct({ DV: ContractModelAnswer, UV: ContractModelAnswer })
})
export type EligibilityAnswer = typeof EligibilityAnswer.Type
