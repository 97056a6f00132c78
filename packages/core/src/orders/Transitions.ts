import { type DateTime, Result } from "effect"
import { type Actor, actorRef, can } from "../kernel/Actor.ts"
import { type ContractModel, contractModelLabels } from "../kernel/ContractModel.ts"
import { PermissionDenied } from "../kernel/Errors.ts"
import type { Permission } from "../kernel/Permission.ts"
import { isPastDeadline } from "./Deadline.ts"
import { type ActingParty, Order, type OrderAction, OrderHistoryEntry, organizationOf } from "./Order.ts"
import {
  DeadlineExpired,
  DeadlineNotReached,
  IllegalOrderTransition,
  ReasonRequired,
  StaleOrderStatus
} from "./OrderErrors.ts"
import { awaitingProviderDecision, type OrderStatus, orderStatusLabels } from "./OrderStatus.ts"

/** One allowed step: in this contract model, from this status, this party (holding this permission) may do this. */
export interface TransitionRule {
  readonly contractModel: ContractModel
  readonly from: OrderStatus
  readonly action: OrderAction
  readonly party: ActingParty
  /** The permission the acting member needs in the party's organization; none for the system. */
  readonly permission: Permission | null
  readonly to: OrderStatus
}

const provider = { party: "provider", permission: "orders.decideAsProvider" } as const
const intermediary = { party: "intermediary", permission: "orders.decideAsIntermediary" } as const
const sweep = { party: "system", permission: null } as const

const expiring = (contractModel: ContractModel, from: ReadonlyArray<OrderStatus>): Array<TransitionRule> =>
  from.map((f) => ({ contractModel, from: f, action: "expire", ...sweep, to: "expired" }))

/**
 * The order workflow of DOMAIN §9 as data: every allowed step and nothing else. `transition`,
 * `allowedActions` and the printed table all read this one list.
 */
export const transitionTable: ReadonlyArray<TransitionRule> = [
  // Direct contract: the provider is the customer's contract partner and decides alone.
  { contractModel: "DV", from: "open", action: "startReview", ...provider, to: "inReviewByProviderDV" },
  { contractModel: "DV", from: "inReviewByProviderDV", action: "confirm", ...provider, to: "confirmedByProviderDV" },
  { contractModel: "DV", from: "confirmedByProviderDV", action: "markOrdered", ...provider, to: "ordered" },
  { contractModel: "DV", from: "open", action: "reject", ...provider, to: "rejectedByProviderDV" },
  { contractModel: "DV", from: "inReviewByProviderDV", action: "reject", ...provider, to: "rejectedByProviderDV" },
  ...expiring("DV", ["open", "inReviewByProviderDV"]),
  // Flip contract: the intermediary reviews first, then the provider; the intermediary is the contract partner.
  { contractModel: "UV", from: "open", action: "startReview", ...intermediary, to: "inReviewByIntermediaryUV" },
  {
    contractModel: "UV",
    from: "inReviewByIntermediaryUV",
    action: "confirm",
    ...intermediary,
    to: "confirmedByIntermediaryUV"
  },
  {
    contractModel: "UV",
    from: "confirmedByIntermediaryUV",
    action: "startReview",
    ...provider,
    to: "inReviewByProviderUV"
  },
  { contractModel: "UV", from: "inReviewByProviderUV", action: "confirm", ...provider, to: "confirmedByProviderUV" },
  { contractModel: "UV", from: "confirmedByProviderUV", action: "markOrdered", ...intermediary, to: "ordered" },
  { contractModel: "UV", from: "open", action: "reject", ...intermediary, to: "rejectedByIntermediaryUV" },
  {
    contractModel: "UV",
    from: "inReviewByIntermediaryUV",
    action: "reject",
    ...intermediary,
    to: "rejectedByIntermediaryUV"
  },
  { contractModel: "UV", from: "confirmedByIntermediaryUV", action: "reject", ...provider, to: "rejectedByProviderUV" },
  { contractModel: "UV", from: "inReviewByProviderUV", action: "reject", ...provider, to: "rejectedByProviderUV" },
  ...expiring("UV", ["open", "inReviewByIntermediaryUV", "confirmedByIntermediaryUV", "inReviewByProviderUV"])
]

/** The one step of the table for this order and action, if there is one; the table never has two. */
export const ruleFor = (
  contractModel: ContractModel,
  from: OrderStatus,
  action: OrderAction
): TransitionRule | undefined =>
  transitionTable.find((r) => r.contractModel === contractModel && r.from === from && r.action === action)

/** Whether the actor acts for the rule's party on this order: the system, or a member holding the permission there. */
export const actsFor = (order: Order, rule: TransitionRule, actor: Actor): boolean => {
  if (rule.party === "system") return actor._tag === "System"
  const organizationId = organizationOf(order, rule.party)
  return organizationId !== null && rule.permission !== null && can(actor, rule.permission, organizationId)
}

export interface TransitionOptions {
  /** The status the caller saw: the step applies only if the order is still in it (compare-and-set). */
  readonly expectedStatus: OrderStatus
  readonly reason?: string | undefined
}

export type TransitionError =
  | StaleOrderStatus
  | IllegalOrderTransition
  | PermissionDenied
  | DeadlineExpired
  | DeadlineNotReached
  | ReasonRequired

export interface TransitionResult {
  readonly order: Order
  readonly entry: OrderHistoryEntry
  readonly rule: TransitionRule
}

type Obstacle = "permission" | "deadlineExpired" | "deadlineNotReached"

/**
 * What stands in the way of applying the rule now, if anything (permission, then deadline). A name rather than
 * the error: every view of an order asks this for each rule of its status, and errors are built only to fail.
 */
const obstacleOf = (order: Order, rule: TransitionRule, actor: Actor, now: DateTime.Utc): Obstacle | undefined => {
  if (!actsFor(order, rule, actor)) return "permission"
  // The period runs only until the provider's confirmation; afterwards the order is binding.
  if (!awaitingProviderDecision.has(order.status)) return undefined
  const past = isPastDeadline(order.deadline, now)
  if (rule.action === "expire") return past ? undefined : "deadlineNotReached"
  return past ? "deadlineExpired" : undefined
}

/** Why the rule may not be applied now, as the error `transition` fails with. */
const obstacle = (
  order: Order,
  rule: TransitionRule,
  actor: Actor,
  now: DateTime.Utc
): PermissionDenied | DeadlineExpired | DeadlineNotReached | undefined => {
  switch (obstacleOf(order, rule, actor, now)) {
    case undefined:
      return undefined
    case "permission":
      return new PermissionDenied({ permission: rule.permission ?? "system" })
    case "deadlineNotReached":
      return new DeadlineNotReached({ orderId: order.id, deadline: order.deadline })
    case "deadlineExpired":
      return new DeadlineExpired({ orderId: order.id, deadline: order.deadline })
  }
}

/**
 * Applies one step of the workflow. Checks, in order: the caller's expected status (compare-and-set), that the
 * table has the step, that the actor acts for its party, the deadline, and the reason a rejection needs.
 * Returns the next order with its new history entry; price, configuration and everything frozen stay as they are.
 */
export const transition = (
  order: Order,
  action: OrderAction,
  actor: Actor,
  now: DateTime.Utc,
  options: TransitionOptions
): Result.Result<TransitionResult, TransitionError> => {
  const fail = (error: TransitionError) => Result.fail(error)
  if (options.expectedStatus !== order.status)
    return fail(
      new StaleOrderStatus({ orderId: order.id, expectedStatus: options.expectedStatus, actualStatus: order.status })
    )
  const rule = ruleFor(order.contractModel, order.status, action)
  if (!rule)
    return fail(
      new IllegalOrderTransition({
        orderId: order.id,
        contractModel: order.contractModel,
        status: order.status,
        action
      })
    )
  const blocked = obstacle(order, rule, actor, now)
  if (blocked) return fail(blocked)
  const reason = options.reason?.trim()
  if (action === "reject" && !reason) return fail(new ReasonRequired({ orderId: order.id }))
  const entry = new OrderHistoryEntry({
    from: order.status,
    to: rule.to,
    action,
    party: rule.party,
    actor: actorRef(actor),
    ...(reason ? { reason } : {}),
    at: now
  })
  return Result.succeed({
    order: new Order({ ...order, status: rule.to, history: [...order.history, entry] }),
    entry,
    rule
  })
}

/** A step a viewer may take now, as every view of an order lists it (DOMAIN §9). */
export interface AllowedAction {
  readonly action: OrderAction
  readonly to: OrderStatus
}

/** Exactly the steps `transition` would accept from this viewer now (a rejection still needs its reason). */
export const allowedActions = (order: Order, viewer: Actor, now: DateTime.Utc): ReadonlyArray<AllowedAction> =>
  transitionTable
    .filter(
      (r) =>
        r.contractModel === order.contractModel &&
        r.from === order.status &&
        obstacleOf(order, r, viewer, now) === undefined
    )
    .map((r) => ({ action: r.action, to: r.to }))

const partyLabels: Record<ActingParty, string> = {
  provider: "Anbieter / provider",
  intermediary: "Intermediär / intermediary",
  system: "System (Fristablauf) / system (deadline sweep)"
}

/** The transition table as Markdown, for the README and for reviewers: the table is the rule. */
export const transitionTableMarkdown = (): string =>
  [
    "| Vertragsmodell | von | Aktion | durch | Berechtigung | nach |",
    "|---|---|---|---|---|---|",
    ...transitionTable.map(
      (r) =>
        `| ${contractModelLabels[r.contractModel].de} (${r.contractModel}) | „${orderStatusLabels[r.from].de}“ (\`${r.from}\`) | \`${r.action}\` | ${partyLabels[r.party]} | ${r.permission ? `\`${r.permission}\`` : "–"} | „${orderStatusLabels[r.to].de}“ (\`${r.to}\`) |`
    )
  ].join("\n")
