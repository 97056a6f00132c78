import { DateTime } from "effect"
import type { CustomerCircle, Offering, PricePlan } from "../catalog/Offering.ts"
import { cartTotal, estimatedContractValueCents } from "../catalog/Price.ts"
import { type ContractModel, contractModelLabels } from "../kernel/ContractModel.ts"
import { formatDe, Money } from "../kernel/Money.ts"
import { trusted } from "../kernel/Trusted.ts"
import type { Organization } from "../organization/Organization.ts"
import {
  type BlockingReason,
  type ContractModelAnswer,
  EligibilityAnswer,
  type Ground,
  type Relationship
} from "./EligibilityAnswer.ts"
import type { InhouseGraph, InhouseRelationship } from "./InhouseGraph.ts"
import { applicableThreshold, type Threshold } from "./Threshold.ts"

/** Everything the eligibility rule looks at; the caller loads it, the rule only decides. */
export interface EligibilityInput {
  readonly customer: Organization
  readonly provider: Organization
  /** The offering's intermediary (flip contract), if it has one and it exists. */
  readonly intermediary: Organization | undefined
  readonly offering: Offering
  readonly pricePlan: PricePlan
  readonly quantity: number
  readonly graph: InhouseGraph
  readonly thresholds: ReadonlyArray<Threshold>
  /**
   * Anti-splitting: the sum of the counted values of this customer's non-rejected orders of this offering
   * placed on the belowThreshold ground in the 12 months before `at`.
   */
  readonly priorCountedValue: Money
  readonly at: DateTime.Utc
  /** Whether the customer itself has declared an in-house relationship that is valid at `at`. */
  readonly customerHasInhouseDeclaration: boolean
  /**
   * Names of further organizations, for the German texts of proving chains; an organization without a name
   * here appears by id. `provingChainMembers` says which ones to look up.
   */
  readonly organizationNames?: ReadonlyMap<string, string>
}

const relationshipLabels: Record<Relationship, string> = {
  vertical: "vertikal",
  inverse: "invers",
  horizontal: "horizontal"
}

const berlin = DateTime.zoneMakeNamedUnsafe("Europe/Berlin")
const datesDe = new Map<number, string>()
/**
 * The Berlin calendar day of `at`, "01.06.2025". Time-zone formatting is slow, and Berlin's offset changes
 * only on whole UTC hours, so each UTC hour is formatted once.
 */
const dateDe = (at: DateTime.Utc): string => {
  const hour = Math.floor(DateTime.toEpochMillis(at) / 3_600_000)
  let text = datesDe.get(hour)
  if (text === undefined) {
    const [y, m, d] = DateTime.formatIsoDate(DateTime.setZone(at, berlin)).split("-")
    text = `${d}.${m}.${y}`
    if (datesDe.size >= 1024) datesDe.clear()
    datesDe.set(hour, text)
  }
  return text
}

const chainDe = (r: InhouseRelationship, names: ReadonlyMap<string, string>): string =>
  r.chain.map((id) => names.get(id) ?? id).join(" → ")

/** Why the offering's customer circle for a model leaves the customer out, or undefined when it does not. */
export const customerCircleExclusion = (
  circle: CustomerCircle | null,
  customer: Pick<Organization, "id" | "administrativeLevel" | "federalState">
): string | undefined => {
  if (circle === null) return undefined
  const excluded: Array<string> = []
  if (circle.administrativeLevels.length > 0 && !circle.administrativeLevels.includes(customer.administrativeLevel))
    excluded.push("Verwaltungsebene")
  if (
    circle.federalStates.length > 0 &&
    (customer.federalState === null || !circle.federalStates.includes(customer.federalState))
  )
    excluded.push("Land")
  if (circle.organizationIds.length > 0 && !circle.organizationIds.includes(customer.id))
    excluded.push("benannte Organisationen")
  return excluded.length === 0 ? undefined : excluded.join(", ")
}

const inhouseGround = (
  kind: "inhouseWithProvider" | "inhouseWithIntermediary",
  party: "customer" | "provider",
  r: InhouseRelationship,
  detail: string
): Ground => ({
  kind,
  relationship: r.relationship,
  chain: r.chain,
  declarationIds: r.declarationIds,
  party,
  detail
})

/** The gates every ground of a model passes first: the offering supports the model and its circle admits the customer. */
const gates = (model: ContractModel, input: EligibilityInput): Array<BlockingReason> => {
  const label = contractModelLabels[model].de
  const reasons: Array<BlockingReason> = []
  if (!input.offering.supportedContractModels.includes(model))
    reasons.push({
      kind: "contractModelNotSupported",
      detail: `Das Angebot „${input.offering.name.de}“ ist im Vertragsmodell ${label} nicht bestellbar.`
    })
  const exclusion = customerCircleExclusion(input.offering.customerCircles[model], input.customer)
  if (exclusion !== undefined)
    reasons.push({
      kind: "customerCircle",
      detail: `Der Kundenkreis („Kundenkreis“) des Angebots im ${label} umfasst ${input.customer.name} nicht (${exclusion}).`
    })
  return reasons
}

const answer = (grounds: ReadonlyArray<Ground>, blockingReasons: ReadonlyArray<BlockingReason>, allowed: boolean) => ({
  allowed,
  grounds,
  blockingReasons: allowed ? [] : blockingReasons
})

/** Direktvertrag: in-house with the provider, or free of charge, or within the threshold (DOMAIN §7). */
const directContract = (input: EligibilityInput, names: ReadonlyMap<string, string>): ContractModelAnswer => {
  const blocked = gates("DV", input)
  if (blocked.length > 0) return answer([], blocked, false)
  const { customer, provider, at } = input
  const grounds: Array<Ground> = []
  const reasons: Array<BlockingReason> = []

  if (!input.customerHasInhouseDeclaration)
    reasons.push({
      kind: "noInhouseDeclaration",
      detail: `${customer.name} hat keine am ${dateDe(at)} gültige Inhouse-Erklärung („Inhousefähigkeit“) abgegeben; eine Inhouse-Beziehung kann daher nicht begründet werden.`
    })
  else {
    const r = input.graph.relationship(customer.id, provider.id, at)
    if (r)
      grounds.push(
        inhouseGround(
          "inhouseWithProvider",
          "customer",
          r,
          `Inhouse-Beziehung nach § 108 GWB (${relationshipLabels[r.relationship]}) zwischen ${customer.name} und dem Anbieter ${provider.name}: ${chainDe(r, names)}.`
        )
      )
    else
      reasons.push({
        kind: "noInhouseRelationshipWithProvider",
        detail: `Zwischen ${customer.name} und dem Anbieter ${provider.name} besteht am ${dateDe(at)} keine Inhouse-Beziehung nach § 108 GWB.`
      })
  }

  const valueCents = estimatedContractValueCents(input.pricePlan, input.quantity)
  if (valueCents === 0) grounds.push({ kind: "freeOfCharge", detail: "Der gewählte Preisplan ist unentgeltlich." })
  else reasons.push({ kind: "notFreeOfCharge", detail: "Der gewählte Preisplan ist nicht unentgeltlich." })

  const threshold = applicableThreshold(customer, at, input.thresholds)
  const counted = Money.cents(input.priorCountedValue.amountCents + valueCents)
  const prior =
    input.priorCountedValue.amountCents > 0
      ? ` (davon ${formatDe(input.priorCountedValue)} aus Bestellungen dieses Angebots in den letzten 12 Monaten)`
      : ""
  // „bis zu“ in § 14 UVgO and the rules above it: a value equal to the limit may still be awarded directly.
  if (counted.amountCents <= threshold.netAmount.amountCents)
    grounds.push({
      kind: "belowThreshold",
      value: counted,
      threshold: threshold.netAmount,
      thresholdSource: threshold.source,
      detail: `Geschätzter Auftragswert ${formatDe(counted)} netto${prior} innerhalb der Wertgrenze von ${formatDe(threshold.netAmount)} netto (${threshold.source}).`
    })
  else
    reasons.push({
      kind: "aboveThreshold",
      detail: `Geschätzter Auftragswert ${formatDe(counted)} netto${prior} übersteigt die Wertgrenze von ${formatDe(threshold.netAmount)} netto (${threshold.source}).`
    })

  return answer(grounds, reasons, grounds.length > 0)
}

/** Umklappvertrag: customer and provider each in-house with the intermediary (DOMAIN §7). */
const flipContract = (input: EligibilityInput, names: ReadonlyMap<string, string>): ContractModelAnswer => {
  const blocked = gates("UV", input)
  if (blocked.length > 0) return answer([], blocked, false)
  const { customer, provider, intermediary, at } = input
  if (!intermediary)
    return answer(
      [],
      [
        {
          kind: "noIntermediary",
          detail: `Für das Angebot „${input.offering.name.de}“ ist kein Intermediär hinterlegt; ein Umklappvertrag ist nicht möglich.`
        }
      ],
      false
    )
  const grounds: Array<Ground> = []
  const reasons: Array<BlockingReason> = []

  if (!input.customerHasInhouseDeclaration)
    reasons.push({
      kind: "noInhouseDeclaration",
      detail: `${customer.name} hat keine am ${dateDe(at)} gültige Inhouse-Erklärung („Inhousefähigkeit“) abgegeben; eine Inhouse-Beziehung zum Intermediär kann daher nicht begründet werden.`
    })
  else {
    const r = input.graph.relationship(customer.id, intermediary.id, at)
    if (r)
      grounds.push(
        inhouseGround(
          "inhouseWithIntermediary",
          "customer",
          r,
          `Inhouse-Beziehung nach § 108 GWB (${relationshipLabels[r.relationship]}) zwischen ${customer.name} und dem Intermediär ${intermediary.name}: ${chainDe(r, names)}.`
        )
      )
    else
      reasons.push({
        kind: "customerNotInhouseWithIntermediary",
        detail: `Zwischen ${customer.name} und dem Intermediär ${intermediary.name} besteht am ${dateDe(at)} keine Inhouse-Beziehung nach § 108 GWB.`
      })
  }

  const p = input.graph.relationship(provider.id, intermediary.id, at)
  if (p)
    grounds.push(
      inhouseGround(
        "inhouseWithIntermediary",
        "provider",
        p,
        `Inhouse-Beziehung nach § 108 GWB (${relationshipLabels[p.relationship]}) zwischen dem Anbieter ${provider.name} und dem Intermediär ${intermediary.name}: ${chainDe(p, names)}.`
      )
    )
  else
    reasons.push({
      kind: "providerNotInhouseWithIntermediary",
      detail: `Zwischen dem Anbieter ${provider.name} und dem Intermediär ${intermediary.name} besteht am ${dateDe(at)} keine Inhouse-Beziehung nach § 108 GWB.`
    })

  return answer(grounds, reasons, reasons.length === 0)
}

/**
 * Which contract models this customer may use for this cart, and why (DOMAIN §7). Pure: the caller loads
 * the organizations, the graph, the thresholds and the anti-splitting sum. Never a bare boolean: every model
 * names its grounds (with the proving chain, or the value and the threshold) or its blocking reasons.
 * Grounds are listed strongest first; blocking reasons appear only when the model is not allowed.
 */
export const evaluateEligibility = (input: EligibilityInput): EligibilityAnswer => {
  const names = new Map<string, string>([
    ...(input.organizationNames ?? []),
    [input.customer.id, input.customer.name],
    [input.provider.id, input.provider.name]
  ])
  if (input.intermediary) names.set(input.intermediary.id, input.intermediary.name)
  // Built from the rule's own values, whose checks have run.
  return trusted(EligibilityAnswer, {
    cartTotal: cartTotal(input.pricePlan, input.quantity),
    evaluatedAt: input.at,
    contractModels: { DV: directContract(input, names), UV: flipContract(input, names) }
  })
}

/**
 * Every organization on a chain the rule may cite for these parties: the in-house relationships it examines
 * (customer and provider, customer and intermediary, provider and intermediary), looked up whatever the gates
 * decide. What `organizationNames` should cover, known before the rule runs, so it runs once; a property test
 * holds it to the chains of every answer (`chainMembers`).
 */
export const provingChainMembers = (
  input: Pick<EligibilityInput, "customer" | "provider" | "intermediary" | "graph" | "at">
): ReadonlySet<string> => {
  const { customer, provider, intermediary, graph, at } = input
  const pairs: ReadonlyArray<readonly [Organization, Organization]> = intermediary
    ? [
        [customer, provider],
        [customer, intermediary],
        [provider, intermediary]
      ]
    : [[customer, provider]]
  return new Set(pairs.flatMap(([a, b]) => graph.relationship(a.id, b.id, at)?.chain ?? []))
}

/** Every organization named in a proving chain of the answer. */
export const chainMembers = (answer: EligibilityAnswer): ReadonlySet<string> =>
  new Set([answer.contractModels.DV, answer.contractModels.UV].flatMap((a) => a.grounds.flatMap((g) => g.chain ?? [])))
