import { Schema } from "effect"
import { DeclarationId, OrganizationId } from "../kernel/Ids.ts"
import { Money } from "../kernel/Money.ts"

/** How two organizations are in-house related (§ 108 GWB): X controls Y, Y controls X, or some Z controls both. */
export const Relationship = Schema.Literals(["vertical", "inverse", "horizontal"])
export type Relationship = typeof Relationship.Type

/**
 * Why a contract model is allowed; each ground carries its proof. Grounds are listed strongest first
 * (in-house, then free of charge, then below threshold), so the first one is the ground an order relies on.
 */
export const Ground = Schema.Struct({
  kind: Schema.Literals(["inhouseWithProvider", "freeOfCharge", "belowThreshold", "inhouseWithIntermediary"]),
  /** For in-house grounds. */
  relationship: Schema.optionalKey(Relationship),
  /** For in-house grounds: the organizations along the proving chain, from the customer (or provider) to the partner. */
  chain: Schema.optionalKey(Schema.Array(OrganizationId)),
  /** For in-house grounds: the declaration behind each hop of the chain, in chain order (frozen into the order). */
  declarationIds: Schema.optionalKey(Schema.Array(DeclarationId)),
  /** Which party's relationship this proves (flip contract: the customer's and the provider's). */
  party: Schema.optionalKey(Schema.Literals(["customer", "provider"])),
  /** For the threshold ground: the counted value (anti-splitting sum included) and the limit. */
  value: Schema.optionalKey(Money),
  threshold: Schema.optionalKey(Money),
  thresholdSource: Schema.optionalKey(Schema.String),
  /** The ground in German words, for the customer. */
  detail: Schema.String
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

/**
 * The answer to "which contract model may this customer use for this cart?", stored with the order. A class,
 * so that the order and its contract folder, which both hold it, take it as it is instead of walking it again.
 */
export class EligibilityAnswer extends Schema.Class<EligibilityAnswer>("@cloudportal/core/EligibilityAnswer")({
  cartTotal: Money,
  evaluatedAt: Schema.DateTimeUtc,
  contractModels: Schema.Struct({ DV: ContractModelAnswer, UV: ContractModelAnswer })
}) {}

/**
 * The ground an order placed under this answer relies on: the first (strongest) one, if the model is allowed.
 * An order counts towards the anti-splitting sum exactly when this is `belowThreshold`.
 */
export const primaryGround = (answer: ContractModelAnswer): Ground | undefined =>
  answer.allowed ? answer.grounds[0] : undefined
