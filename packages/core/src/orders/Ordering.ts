import { Context, DateTime, Effect, Layer, Result, Schema } from "effect"
import { validateCart } from "../catalog/Cart.ts"
import type { Configuration } from "../catalog/Configuration.ts"
import type { Offering, PricePlan } from "../catalog/Offering.ts"
import { OfferingStore } from "../catalog/OfferingStore.ts"
import { billingOf, estimatedContractValue } from "../catalog/Price.ts"
import { evaluateEligibility, provingChainMembers } from "../eligibility/Eligibility.ts"
import type { EligibilityAnswer } from "../eligibility/EligibilityAnswer.ts"
import type { InhouseDeclarationStore } from "../eligibility/InhouseDeclarationStore.ts"
import { hasInhouseDeclarationInForce } from "../eligibility/InhouseDeclarations.ts"
import { InhouseGraphs } from "../eligibility/InhouseGraph.ts"
import { Thresholds } from "../eligibility/Thresholds.ts"
import { type Actor, type Member, system } from "../kernel/Actor.ts"
import { type AuditLog, record } from "../kernel/Audit.ts"
import { ContractModel } from "../kernel/ContractModel.ts"
import {
  decodeInput,
  type FieldIssue,
  InvalidInput,
  issuesOf,
  PermissionDenied,
  type StorageError,
  Unauthenticated
} from "../kernel/Errors.ts"
import { DocumentId, OfferingId, OrderId, type OrganizationId } from "../kernel/Ids.ts"
import type { Money } from "../kernel/Money.ts"
import type { Notification } from "../kernel/Notification.ts"
import { enqueue, enqueueAll, type Outbox } from "../kernel/Outbox.ts"
import { defaultPageLimit, OpaqueCursor, type Page, PageLimit } from "../kernel/Paging.ts"
import type { Permission } from "../kernel/Permission.ts"
import { newIds, newOrderedId, type SecureRandom } from "../kernel/SecureRandom.ts"
import { trusted } from "../kernel/Trusted.ts"
import { UnitOfWork } from "../kernel/UnitOfWork.ts"
import { type Account, displayName } from "../members/Account.ts"
import { AccountStore, RoleStore } from "../members/AccountStore.ts"
import { effectivePermissions } from "../members/Permissions.ts"
import { loadMember } from "../members/Viewer.ts"
import type { Organization } from "../organization/Organization.ts"
import { AddressStore, OrganizationStore } from "../organization/OrganizationStore.ts"
import { NoTermsInForce, TermsStore, termsInForce } from "../terms/Terms.ts"
import {
  type ChosenPrice,
  type ConfiguredProperty,
  type ContractDocument,
  type ContractDocumentInfo,
  type ContractDocumentKind,
  ContractFolder,
  ContractFolderStore,
  contractDocument,
  contractDocumentKinds,
  DocumentRenderer,
  type DocumentRenderFailed,
  documentInfos,
  type MasterData,
  orderSummaryOf,
  type ProductDescription,
  type TermsSnapshot
} from "./ContractFolder.ts"
import { decisionDeadline, reminderLeadTime } from "./Deadline.ts"
import { type ActingParty, MemberOrderAction, Order, type OrderHistoryEntry } from "./Order.ts"
import {
  ContractDocumentNotFound,
  type DeadlineExpired,
  type DeadlineNotReached,
  type IllegalOrderTransition,
  NotEligible,
  OrderNotFound,
  type ReasonRequired,
  type StaleOrderStatus
} from "./OrderErrors.ts"
import { OrderStatus, statusLabel } from "./OrderStatus.ts"
import { decodeOrderCursor, encodeOrderCursor, type OrderScope, OrderStore } from "./OrderStore.ts"
import { type AllowedAction, allowedActions, transition as decide, transitionTable } from "./Transitions.ts"
import { canView } from "./Visibility.ts"

// ---------------------------------------------------------------------------------------------------------
// Input

const maxReasonLength = 2000

/** The cart as the customer sends it (API.md `POST /orders/eligibility`); checked field by field. */
export interface CartRequest {
  readonly offeringId: unknown
  /** The offering version the customer looked at; if given and the offering changed since, the order is refused. */
  readonly offeringVersion?: unknown
  readonly pricePlanId: unknown
  readonly quantity: unknown
  readonly configuration?: unknown
}

/** `POST /orders`: the cart plus the chosen contract model. */
export interface PlaceRequest extends CartRequest {
  readonly contractModel: unknown
}

export const TransitionRequest = Schema.Struct({
  action: MemberOrderAction,
  expectedStatus: OrderStatus,
  reason: Schema.optionalKey(
    Schema.String.pipe(
      Schema.check(
        Schema.isMaxLength(maxReasonLength, {
          message: `Begründung höchstens ${maxReasonLength} Zeichen / reason at most ${maxReasonLength} characters`
        })
      )
    )
  )
})
export type TransitionRequest = typeof TransitionRequest.Encoded

const PageFields = {
  status: Schema.optionalKey(OrderStatus),
  limit: Schema.optionalKey(PageLimit),
  cursor: Schema.optionalKey(OpaqueCursor(decodeOrderCursor))
}

/** `GET /orders`: own orders by default; `organization` needs `orders.viewOrganization`. */
export const OrderListRequest = Schema.Struct({
  scope: Schema.optionalKey(Schema.Literals(["own", "organization"])),
  ...PageFields
})
export type OrderListRequest = typeof OrderListRequest.Encoded

/** `GET /provider/orders`, `GET /intermediary/orders`. */
export const PartyOrderListRequest = Schema.Struct(PageFields)
export type PartyOrderListRequest = typeof PartyOrderListRequest.Encoded

// ---------------------------------------------------------------------------------------------------------
// Views

/** An order as a viewer sees it (API.md "Order"), with the steps this viewer may take now. */
export interface OrderView {
  readonly id: OrderId
  readonly status: OrderStatus
  /** German; `orderStatusLabels` has the English one. */
  readonly statusLabel: string
  readonly contractModel: ContractModel
  readonly total: Money
  readonly deadline: DateTime.Utc
  readonly placedAt: DateTime.Utc
  readonly orderedBy: Order["orderedBy"]
  readonly customerId: OrganizationId
  readonly providerId: OrganizationId
  readonly intermediaryId: OrganizationId | null
  readonly offering: Order["offering"]
  readonly pricePlan: PricePlan
  readonly quantity: number
  readonly configuration: Configuration
  readonly eligibility: EligibilityAnswer
  readonly history: ReadonlyArray<OrderHistoryEntry>
  readonly allowedActions: ReadonlyArray<AllowedAction>
}

export const orderView = (order: Order, viewer: Actor, now: DateTime.Utc): OrderView => ({
  id: order.id,
  status: order.status,
  statusLabel: statusLabel(order.status),
  contractModel: order.contractModel,
  total: order.total,
  deadline: order.deadline,
  placedAt: order.placedAt,
  orderedBy: order.orderedBy,
  customerId: order.customerId,
  providerId: order.providerId,
  intermediaryId: order.intermediaryId,
  offering: order.offering,
  pricePlan: order.pricePlan,
  quantity: order.quantity,
  configuration: order.configuration,
  eligibility: order.eligibility,
  history: order.history,
  allowedActions: allowedActions(order, viewer, now)
})

/** The answer of `POST /orders/eligibility`. */
export type EligibilityCheck = EligibilityAnswer

// ---------------------------------------------------------------------------------------------------------
// Pure helpers

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const decodeField = <S extends Schema.Decoder<unknown>>(
  schema: S,
  value: unknown,
  path: string,
  issues: Array<{ path: string; message: string }>
): S["Type"] | undefined => {
  const result = Schema.decodeUnknownResult(schema)(value, { errors: "all" })
  if (Result.isSuccess(result)) return result.success
  for (const i of issuesOf(result.failure.issue))
    issues.push({ path: i.path === "" ? path : `${path}.${i.path}`, message: i.message })
  return undefined
}

/** The configured properties in the offering's order, with their labels, as the contract folder shows them. */
export const configuredProperties = (offering: Offering, configuration: Configuration): Array<ConfiguredProperty> =>
  offering.properties.flatMap((p) => {
    const value = configuration[p.key]
    return value === undefined ? [] : [{ key: p.key, label: p.label, value }]
  })

/** The audit form of an order: what identifies it and what a step changes. */
export const orderSnapshot = (o: Order): Schema.Json => ({
  id: o.id,
  status: o.status,
  contractModel: o.contractModel,
  totalCents: o.total.amountCents,
  offeringId: o.offering.id,
  offeringVersion: o.offering.version,
  pricePlanId: o.pricePlan.id,
  quantity: o.quantity,
  customerId: o.customerId,
  providerId: o.providerId,
  intermediaryId: o.intermediaryId,
  deadline: DateTime.formatIso(o.deadline)
})

/**
 * The parties whose move it is on the order now (none once it is decided or only the sweep may act):
 * the recipients of "order placed" and of the deadline reminder.
 */
export const partiesToAct = (
  order: Pick<Order, "contractModel" | "status">
): ReadonlyArray<Exclude<ActingParty, "system">> => {
  const parties = new Set<Exclude<ActingParty, "system">>()
  for (const r of transitionTable)
    if (r.contractModel === order.contractModel && r.from === order.status && r.party !== "system") parties.add(r.party)
  return [...parties]
}

/** What decides who acts on an order next: known before the order is written. */
type ActingParties = Pick<Order, "contractModel" | "status" | "providerId" | "intermediaryId">

const decidePermission: Record<Exclude<ActingParty, "system">, Permission> = {
  provider: "orders.decideAsProvider",
  intermediary: "orders.decideAsIntermediary"
}

// ---------------------------------------------------------------------------------------------------------
// Service

type Refused = PermissionDenied | Unauthenticated | StorageError

export type PlaceError = InvalidInput | NotEligible | NoTermsInForce | DocumentRenderFailed | Refused

export type OrderTransitionError =
  | InvalidInput
  | OrderNotFound
  | StaleOrderStatus
  | IllegalOrderTransition
  | DeadlineExpired
  | DeadlineNotReached
  | ReasonRequired
  | Refused

/**
 * Ordering (DOMAIN §8–§10): the eligibility check, placing an order with its contract folder, the status
 * workflow of the provider and the intermediary, the views and lists of each party, and the deadline sweeps.
 *
 * Notifications: the orderer gets every change of their order (a rejection as `OrderRejected` with its
 * reason instead of a plain `OrderStatusChanged`, so nobody gets two mails for one change). If the orderer's
 * account was deleted, the customer's main admin gets them instead: the order stays with the organization.
 * The acting party ("order placed", deadline reminder) is every active member of its organization holding
 * the decide permission; admins hold every permission, so the main admin is always among them.
 */
export class Ordering extends Context.Service<
  Ordering,
  {
    /** Which contract models the viewer's organization may use for this cart, and the cart total. */
    readonly checkEligibility: (
      actor: Actor,
      input: CartRequest
    ) => Effect.Effect<EligibilityCheck, InvalidInput | Refused>
    /** Any active member orders for their organization; no permission needed (DOMAIN §6). */
    readonly place: (actor: Actor, input: PlaceRequest) => Effect.Effect<OrderView, PlaceError>
    /** One step of the workflow; `expectedStatus` is the status the caller saw (compare-and-set). */
    readonly transition: (
      actor: Actor,
      orderId: unknown,
      input: TransitionRequest
    ) => Effect.Effect<OrderView, OrderTransitionError>
    readonly get: (actor: Actor, orderId: unknown) => Effect.Effect<OrderView, InvalidInput | OrderNotFound | Refused>
    /** The viewer's own orders, or (`scope: "organization"`, `orders.viewOrganization`) all of the organization's. */
    readonly list: (actor: Actor, request?: OrderListRequest) => Effect.Effect<Page<OrderView>, InvalidInput | Refused>
    /** Orders on the viewer organization's offerings; needs `orders.decideAsProvider`. */
    readonly listAsProvider: (
      actor: Actor,
      request?: PartyOrderListRequest
    ) => Effect.Effect<Page<OrderView>, InvalidInput | Refused>
    /** Flip-contract orders the viewer's organization mediates; needs `orders.decideAsIntermediary`. */
    readonly listAsIntermediary: (
      actor: Actor,
      request?: PartyOrderListRequest
    ) => Effect.Effect<Page<OrderView>, InvalidInput | Refused>
    /** The documents of the order's „Vertragsmappe". */
    readonly contractFolder: (
      actor: Actor,
      orderId: unknown
    ) => Effect.Effect<ReadonlyArray<ContractDocumentInfo>, InvalidInput | OrderNotFound | Refused>
    readonly contractDocument: (
      actor: Actor,
      orderId: unknown,
      documentId: unknown
    ) => Effect.Effect<ContractDocument, InvalidInput | OrderNotFound | ContractDocumentNotFound | Refused>
    /** The sweep: every order whose deadline passed without the provider's decision becomes `expired`. */
    readonly expireOverdue: () => Effect.Effect<number, StorageError>
    /** Reminds the acting party of orders whose deadline ends within `reminderLeadTime` (once per order). */
    readonly remindUpcomingDeadlines: () => Effect.Effect<number, StorageError>
  }
>()("@cloudportal/core/Ordering") {
  static readonly layer = Layer.effect(
    Ordering,
    Effect.gen(function* () {
      const context = yield* Effect.context<
        | OrderStore
        | ContractFolderStore
        | DocumentRenderer
        | OfferingStore
        | OrganizationStore
        | AddressStore
        | AccountStore
        | RoleStore
        | TermsStore
        | InhouseGraphs
        | InhouseDeclarationStore
        | Thresholds
        | UnitOfWork
        | AuditLog
        | Outbox
        | SecureRandom
      >()
      const orders = yield* OrderStore
      const folders = yield* ContractFolderStore
      const renderer = yield* DocumentRenderer
      const offerings = yield* OfferingStore
      const organizations = yield* OrganizationStore
      const addresses = yield* AddressStore
      const accounts = yield* AccountStore
      const roles = yield* RoleStore
      const terms = yield* TermsStore
      const graphs = yield* InhouseGraphs
      const thresholds = yield* Thresholds
      const uow = yield* UnitOfWork

      const organization = Effect.fnUntraced(function* (id: OrganizationId) {
        const o = yield* organizations.get(id)
        // Organizations are never deleted and every order, offering and member points at an existing one.
        return o ?? (yield* Effect.die(new Error(`organization ${id} does not exist`)))
      })

      /** The cart checked against the latest version of its offering: every offending field at once. */
      const readCart = Effect.fnUntraced(function* (input: unknown, withModel: boolean) {
        if (!isRecord(input)) return yield* InvalidInput.of({ path: "", message: "Objekt erwartet / object expected" })
        const issues: Array<{ path: string; message: string }> = []
        const offeringId = decodeField(OfferingId, input.offeringId, "offeringId", issues)
        const version =
          input.offeringVersion === undefined
            ? undefined
            : decodeField(Schema.Int, input.offeringVersion, "offeringVersion", issues)
        const contractModel = withModel
          ? decodeField(ContractModel, input.contractModel, "contractModel", issues)
          : undefined
        const offering = offeringId === undefined ? undefined : yield* offerings.getLatest(offeringId)
        if (offeringId !== undefined && !offering?.active)
          issues.push({
            path: "offeringId",
            message: "Unbekanntes oder nicht bestellbares Angebot / unknown or unavailable offering"
          })
        // Without a plan to check it against, the quantity is still checked for what every plan needs.
        const quantityIssue = () => {
          const q = input.quantity
          if (typeof q !== "number" || !Number.isSafeInteger(q) || q < 1)
            issues.push({ path: "quantity", message: "Die Menge muss eine ganze Zahl größer als 0 sein." })
        }
        if (!offering?.active) {
          quantityIssue()
          return yield* InvalidInput.of(...issues)
        }
        if (version !== undefined && version !== offering.version)
          issues.push({
            path: "offeringVersion",
            message: `Das Angebot wurde geändert (jetzt Version ${offering.version}); bitte erneut prüfen / the offering changed`
          })
        if (contractModel !== undefined && !offering.supportedContractModels.includes(contractModel))
          issues.push({
            path: "contractModel",
            message: "Das Angebot ist in diesem Vertragsmodell nicht bestellbar / contract model not offered"
          })
        const cart = yield* Effect.result(
          validateCart(offering, {
            pricePlanId: input.pricePlanId,
            quantity: input.quantity,
            configuration: input.configuration
          })
        )
        if (Result.isFailure(cart)) {
          issues.push(...cart.failure.issues.map((i: FieldIssue) => i))
          if (!cart.failure.issues.some((i) => i.path === "quantity")) quantityIssue()
        }
        if (issues.length > 0 || Result.isFailure(cart) || (withModel && contractModel === undefined))
          return yield* InvalidInput.of(...issues)
        return { offering, contractModel, ...cart.success }
      })

      /**
       * What the eligibility rule looks at, except the anti-splitting sum, read concurrently (over a remote
       * database the reads share one round trip's wait). None of it can be changed by placing an order.
       */
      const eligibilityFacts = Effect.fnUntraced(function* (
        customer: Organization,
        offering: Offering,
        at: DateTime.Utc
      ) {
        const [provider, intermediary, graph, table, customerHasInhouseDeclaration] = yield* Effect.all(
          [
            organization(offering.providerId),
            offering.intermediaryId === null ? Effect.succeed(undefined) : organizations.get(offering.intermediaryId),
            graphs.current,
            thresholds.current,
            hasInhouseDeclarationInForce(customer.id, at)
          ],
          { concurrency: "unbounded" }
        )
        return {
          customer,
          provider,
          intermediary,
          offering,
          graph,
          thresholds: table,
          at,
          customerHasInhouseDeclaration
        }
      })
      type EligibilityFacts = Effect.Success<ReturnType<typeof eligibilityFacts>>

      /**
       * The names of the organizations other than the three parties that proving chains pass through, for the
       * German texts. Chains come from the in-house graph alone, so the anti-splitting sum does not matter here.
       */
      const chainNames = Effect.fnUntraced(function* (facts: EligibilityFacts) {
        const { customer, provider, intermediary } = facts
        const known = new Set<string>([customer.id, provider.id, ...(intermediary ? [intermediary.id] : [])])
        const others = [...provingChainMembers(facts)].filter((id) => !known.has(id))
        if (others.length === 0) return undefined
        const found = yield* Effect.forEach(others, (id) => organizations.get(id as OrganizationId), {
          concurrency: "unbounded"
        })
        return new Map(found.flatMap((o) => (o ? [[o.id as string, o.name] as const] : [])))
      })

      const decideEligibility = (
        facts: EligibilityFacts,
        pricePlan: PricePlan,
        quantity: number,
        priorCountedValue: Money,
        organizationNames: ReadonlyMap<string, string> | undefined
      ): EligibilityAnswer =>
        evaluateEligibility({
          ...facts,
          pricePlan,
          quantity,
          priorCountedValue,
          ...(organizationNames ? { organizationNames } : {})
        })

      /** The anti-splitting sum (DOMAIN §7): this customer's counted orders of the offering in the 12 months before `at`. */
      const priorCountedValue = (customerId: OrganizationId, offering: Offering, at: DateTime.Utc) =>
        orders.sumCountedValues({ customerId, offeringId: offering.id, since: DateTime.subtract(at, { months: 12 }) })

      /** Loads what the eligibility rule looks at and asks it, for the customer at `at`. */
      const evaluate = Effect.fnUntraced(function* (
        customer: Organization,
        offering: Offering,
        pricePlan: PricePlan,
        quantity: number,
        at: DateTime.Utc
      ) {
        const [facts, prior] = yield* Effect.all(
          [eligibilityFacts(customer, offering, at), priorCountedValue(customer.id, offering, at)],
          { concurrency: "unbounded" }
        )
        return decideEligibility(facts, pricePlan, quantity, prior, yield* chainNames(facts))
      })

      const person = (a: Account) => ({ recipient: a.email, recipientName: displayName(a), locale: "de" as const })

      const orderFields = (o: Order) => ({
        orderId: o.id,
        offeringName: o.offering.name.de,
        contractModel: o.contractModel,
        total: o.total
      })

      /** The orderer, or the customer's main admin once the orderer's account is deleted. */
      const customerRecipient = Effect.fnUntraced(function* (o: Order) {
        const orderer = yield* accounts.get(o.orderedBy.accountId)
        if (orderer && orderer.status !== "deleted") return orderer
        const members = yield* accounts.listByOrganization(o.customerId)
        return members.find((a) => a.isMainAdmin && a.status === "active")
      })

      /** Every active member of the party's organization holding its decide permission. */
      const partyRecipients = Effect.fnUntraced(function* (o: ActingParties) {
        const out: Array<Account> = []
        for (const party of partiesToAct(o)) {
          const organizationId = party === "provider" ? o.providerId : o.intermediaryId
          if (organizationId === null) continue
          const rolesThere = yield* roles.listByOrganization(organizationId)
          for (const a of yield* accounts.listByOrganization(organizationId))
            if (a.status === "active" && effectivePermissions(a, rolesThere).has(decidePermission[party])) out.push(a)
        }
        return out
      })

      const notifyCustomer = Effect.fnUntraced(function* (o: Order, make: (to: Account) => Notification) {
        const to = yield* customerRecipient(o)
        if (to) yield* enqueue(make(to))
      })

      /** Audit on the customer's chain, and on the acting member's organization's chain when that is another. */
      const audit = Effect.fnUntraced(function* (actor: Actor, action: string, before: Order | null, after: Order) {
        const chains = new Set<string>([after.customerId])
        if (actor._tag === "Member") chains.add(actor.organizationId)
        for (const chain of chains)
          yield* record({
            chain,
            actor,
            action,
            subject: { type: "order", id: after.id },
            before: before ? orderSnapshot(before) : null,
            after: orderSnapshot(after)
          })
      })

      const visibleOrder = Effect.fnUntraced(function* (viewer: Actor, id: OrderId) {
        const order = yield* orders.get(id)
        if (!order || !canView(order, viewer)) return yield* new OrderNotFound({ orderId: id })
        return order
      })

      const checkEligibility = Effect.fn("Ordering.checkEligibility")(function* (actor: Actor, input: CartRequest) {
        const viewer = yield* loadMember(actor)
        const cart = yield* readCart(input, false)
        const customer = yield* organization(viewer.actor.organizationId)
        return yield* evaluate(customer, cart.offering, cart.pricePlan, cart.quantity, yield* DateTime.now)
      }, Effect.provideContext(context))

      const place = Effect.fn("Ordering.place")(function* (actor: Actor, input: PlaceRequest) {
        const now = yield* DateTime.now
        const orderId = yield* newOrderedId<OrderId>("ord", now)
        const ids = yield* newIds<DocumentId>("doc", contractDocumentKinds.length)
        const documentIds = Object.fromEntries(contractDocumentKinds.map((kind, i) => [kind, ids[i]])) as Record<
          ContractDocumentKind,
          DocumentId
        >
        // What may be read before the unit of work: everything a concurrent placement cannot change. An order
        // changes only the anti-splitting sum (the sum of the customer's counted orders of the offering), so that
        // sum is read, and eligibility decided on it, inside the unit of work: two concurrent orders that would
        // each stay under the threshold alone cannot both pass. The acting account is re-read there too, so a
        // member deactivated meanwhile places nothing. The rest (offering, organizations, in-house graph,
        // thresholds, declarations, terms, address, the acting party's members) changes only by other use
        // cases; an order placed on a read from just before such a change is the order it would have been a
        // moment earlier. Reads that do not depend on each other run concurrently: over a remote database they
        // wait for their round trips together.
        const organizationId = actor._tag === "Member" ? actor.organizationId : undefined
        const [member, checked, customer, agbs, customerAddresses] = yield* Effect.all(
          [
            Effect.result(loadMember(actor)),
            Effect.result(readCart(input, true)),
            organizationId === undefined ? Effect.succeed(undefined) : organization(organizationId),
            organizationId === undefined ? Effect.succeed([]) : terms.list(),
            organizationId === undefined ? Effect.succeed([]) : addresses.listByOrganization(organizationId)
          ],
          { concurrency: "unbounded" }
        )
        // The member is checked before the cart, as if they were read one after the other.
        if (Result.isFailure(member)) return yield* member.failure
        if (Result.isFailure(checked)) return yield* checked.failure
        const viewer = member.success
        const cart = checked.success
        const contractModel = cart.contractModel!
        const offering = cart.offering
        const [facts, recipients] = yield* Effect.all(
          [
            eligibilityFacts(customer!, offering, now),
            partyRecipients({
              status: "open",
              contractModel,
              providerId: offering.providerId,
              intermediaryId: contractModel === "UV" ? offering.intermediaryId : null
            })
          ],
          { concurrency: "unbounded" }
        )
        const names = yield* chainNames(facts)
        const agb = termsInForce(agbs, now)
        const defaultAddress = customerAddresses.find((a) => a.isDefault)

        return yield* uow.transaction(
          Effect.gen(function* () {
            const [account, prior] = yield* Effect.all(
              [accounts.get(viewer.account.id), priorCountedValue(facts.customer.id, offering, now)],
              { concurrency: "unbounded" }
            )
            if (
              account?.kind !== "member" ||
              account.status !== "active" ||
              account.organizationId !== facts.customer.id
            )
              return yield* new Unauthenticated()
            const eligibility = decideEligibility(facts, cart.pricePlan, cart.quantity, prior, names)
            const chosen = eligibility.contractModels[contractModel]
            if (!chosen.allowed)
              return yield* new NotEligible({ contractModel, blockingReasons: chosen.blockingReasons })
            if (!agb) return yield* new NoTermsInForce()

            const customer = facts.customer
            const provider = facts.provider
            const intermediary =
              contractModel === "UV" && offering.intermediaryId !== null
                ? (facts.intermediary ??
                  (yield* Effect.die(new Error(`organization ${offering.intermediaryId} does not exist`))))
                : null
            // Every value comes from a decoder, a store or the rules, whose checks have run.
            const order = trusted(Order, {
              id: orderId,
              status: "open",
              contractModel,
              total: eligibility.cartTotal,
              deadline: decisionDeadline(now),
              placedAt: now,
              orderedBy: { accountId: account.id, name: displayName(account) },
              customerId: customer.id,
              providerId: provider.id,
              intermediaryId: intermediary?.id ?? null,
              offering: { id: cart.offering.id, version: cart.offering.version, name: cart.offering.name },
              pricePlan: cart.pricePlan,
              quantity: cart.quantity,
              configuration: cart.configuration,
              eligibility,
              // The answer lists grounds strongest first: the first is the one the order relies on.
              belowThreshold: contractModel === "DV" && chosen.grounds[0]?.kind === "belowThreshold",
              countedValue: estimatedContractValue(cart.pricePlan, cart.quantity),
              history: [],
              reminderSentAt: null
            })

            const masterData: MasterData = {
              organizationId: customer.id,
              name: customer.name,
              legalForm: customer.legalForm,
              administrativeLevel: customer.administrativeLevel,
              federalState: customer.federalState,
              defaultAddress: defaultAddress
                ? {
                    street: defaultAddress.street,
                    postalCode: defaultAddress.postalCode,
                    city: defaultAddress.city,
                    phone: defaultAddress.phone,
                    leitwegId: defaultAddress.leitwegId
                  }
                : null
            }
            const product: ProductDescription = {
              offeringId: cart.offering.id,
              version: cart.offering.version,
              name: cart.offering.name,
              description: cart.offering.description,
              provider: { organizationId: provider.id, name: provider.name },
              serviceType: cart.offering.serviceType,
              portfolioCategory: cart.offering.portfolioCategory,
              provisioningTime: cart.offering.provisioningTime,
              efa: cart.offering.efa
            }
            const partner = intermediary ?? provider
            const price: ChosenPrice = {
              pricePlan: order.pricePlan,
              quantity: order.quantity,
              total: order.total,
              billing: billingOf(order.pricePlan),
              contractModel,
              contractPartner: { organizationId: partner.id, name: partner.name }
            }
            const configuration = configuredProperties(cart.offering, order.configuration)
            const termsSnapshot: TermsSnapshot = {
              id: agb.id,
              version: agb.version,
              effectiveFrom: agb.effectiveFrom,
              url: agb.url,
              text: agb.text
            }
            const summary = yield* renderer.renderOrderSummary(
              orderSummaryOf({
                orderId,
                placedAt: now,
                deadline: order.deadline,
                orderedBy: order.orderedBy.name,
                masterData,
                product,
                price,
                configuration,
                terms: termsSnapshot,
                serviceConditions: cart.offering.conditions,
                maturity: cart.offering.maturity
              })
            )
            const folder = trusted(ContractFolder, {
              orderId,
              customerId: customer.id,
              createdAt: now,
              documents: documentInfos(documentIds, summary.mediaType),
              masterData,
              product,
              price,
              configuration,
              terms: termsSnapshot,
              maturity: cart.offering.maturity,
              serviceConditions: cart.offering.conditions,
              eligibility,
              orderSummary: summary
            })

            // The writes do not depend on each other: over a remote database they are sent together. The outbox
            // messages keep their order (customer first), as the dispatcher sends them in the order written.
            yield* Effect.all(
              [
                // Fresh random ids cannot collide with stored ones; if they ever did, it is a defect, not a user error.
                orders.insert(order).pipe(Effect.catchTag("OrderAlreadyExists", Effect.die)),
                folders.insert(folder).pipe(Effect.catchTag("ContractFolderAlreadyExists", Effect.die)),
                audit(viewer.actor, "order.placed", null, order),
                enqueueAll([
                  {
                    _tag: "OrderPlaced",
                    ...person(account),
                    ...orderFields(order),
                    audience: "customer",
                    deadline: order.deadline
                  },
                  ...recipients.map(
                    (to): Notification => ({
                      _tag: "OrderPlaced",
                      ...person(to),
                      ...orderFields(order),
                      audience: "actingParty",
                      deadline: order.deadline
                    })
                  )
                ])
              ],
              { concurrency: "unbounded", discard: true }
            )
            return orderView(order, viewer.actor, now)
          })
        )
      }, Effect.provideContext(context))

      const transition = Effect.fn("Ordering.transition")(function* (
        actor: Actor,
        orderId: unknown,
        input: TransitionRequest
      ) {
        const id = yield* decodeInput(OrderId)(orderId)
        const request = yield* decodeInput(TransitionRequest)(input)
        return yield* uow.transaction(
          Effect.gen(function* () {
            const viewer = yield* loadMember(actor)
            const order = yield* visibleOrder(viewer.actor, id)
            const now = yield* DateTime.now
            const step = yield* Effect.fromResult(
              decide(order, request.action, viewer.actor, now, {
                expectedStatus: request.expectedStatus,
                reason: request.reason
              })
            )
            yield* orders
              .updateStatus(step.order, request.expectedStatus)
              .pipe(Effect.catchTag("OrderNotFound", Effect.die))
            yield* audit(viewer.actor, `order.${request.action}`, order, step.order)
            yield* notifyCustomer(step.order, (to) =>
              step.entry.action === "reject"
                ? {
                    _tag: "OrderRejected",
                    ...person(to),
                    ...orderFields(step.order),
                    status: step.order.status,
                    reason: step.entry.reason ?? ""
                  }
                : {
                    _tag: "OrderStatusChanged",
                    ...person(to),
                    ...orderFields(step.order),
                    from: order.status,
                    to: step.order.status
                  }
            )
            return orderView(step.order, viewer.actor, now)
          })
        )
      }, Effect.provideContext(context))

      const get = Effect.fn("Ordering.get")(function* (actor: Actor, orderId: unknown) {
        const id = yield* decodeInput(OrderId)(orderId)
        const viewer = actor._tag === "System" ? actor : (yield* loadMember(actor)).actor
        return orderView(yield* visibleOrder(viewer, id), viewer, yield* DateTime.now)
      }, Effect.provideContext(context))

      const listIn = Effect.fnUntraced(function* (
        viewer: Member,
        scope: OrderScope,
        request: { readonly status?: OrderStatus; readonly limit?: number; readonly cursor?: string }
      ) {
        const page = yield* orders.list({
          scope,
          status: request.status,
          limit: request.limit ?? defaultPageLimit,
          after: request.cursor === undefined ? undefined : decodeOrderCursor(request.cursor)
        })
        const now = yield* DateTime.now
        return {
          items: page.items.map((o) => orderView(o, viewer, now)),
          nextCursor: page.next === null ? null : encodeOrderCursor(page.next)
        } satisfies Page<OrderView>
      })

      const list = Effect.fn("Ordering.list")(function* (actor: Actor, input?: OrderListRequest) {
        const request = yield* decodeInput(OrderListRequest)(input ?? {})
        const viewer = (yield* loadMember(actor)).actor
        const organizationWide = request.scope === "organization"
        if (organizationWide && !viewer.permissions.has("orders.viewOrganization"))
          return yield* new PermissionDenied({ permission: "orders.viewOrganization" })
        return yield* listIn(
          viewer,
          {
            _tag: "Customer",
            organizationId: viewer.organizationId,
            orderedBy: organizationWide ? undefined : viewer.accountId
          },
          request
        )
      }, Effect.provideContext(context))

      const listAs = (party: Exclude<ActingParty, "system">) =>
        Effect.fn(party === "provider" ? "Ordering.listAsProvider" : "Ordering.listAsIntermediary")(function* (
          actor: Actor,
          input?: PartyOrderListRequest
        ) {
          const request = yield* decodeInput(PartyOrderListRequest)(input ?? {})
          const viewer = (yield* loadMember(actor)).actor
          const permission = decidePermission[party]
          if (!viewer.permissions.has(permission)) return yield* new PermissionDenied({ permission })
          return yield* listIn(
            viewer,
            { _tag: party === "provider" ? "Provider" : "Intermediary", organizationId: viewer.organizationId },
            request
          )
        }, Effect.provideContext(context))

      const folderOf = Effect.fnUntraced(function* (actor: Actor, orderId: unknown) {
        const id = yield* decodeInput(OrderId)(orderId)
        const viewer = yield* loadMember(actor)
        const order = yield* visibleOrder(viewer.actor, id)
        const folder = yield* folders.get(order.id)
        // Every order is written with its folder in one unit of work.
        return folder ?? (yield* Effect.die(new Error(`order ${order.id} has no contract folder`)))
      })

      const contractFolder = Effect.fn("Ordering.contractFolder")(function* (actor: Actor, orderId: unknown) {
        return (yield* folderOf(actor, orderId)).documents
      }, Effect.provideContext(context))

      const contractDocumentOf = Effect.fn("Ordering.contractDocument")(function* (
        actor: Actor,
        orderId: unknown,
        documentId: unknown
      ) {
        const docId = yield* decodeInput(DocumentId)(documentId)
        const folder = yield* folderOf(actor, orderId)
        const document = contractDocument(folder, docId)
        return document ?? (yield* new ContractDocumentNotFound({ orderId: folder.orderId, documentId: docId }))
      }, Effect.provideContext(context))

      const sweepBatch = 100

      /** Runs `handle` on batches from `find` until a batch makes no progress; each order in its own unit of work. */
      const sweep = <R>(
        find: (now: DateTime.Utc) => Effect.Effect<ReadonlyArray<Order>, StorageError>,
        handle: (order: Order, now: DateTime.Utc) => Effect.Effect<boolean, StorageError, R>
      ) =>
        Effect.gen(function* () {
          const now = yield* DateTime.now
          let done = 0
          for (;;) {
            const batch = yield* find(now)
            let progress = 0
            for (const o of batch) if (yield* handle(o, now)) progress++
            done += progress
            if (batch.length < sweepBatch || progress === 0) return done
          }
        })

      const expireOne = (candidate: Order, now: DateTime.Utc) =>
        uow.transaction(
          Effect.gen(function* () {
            // Re-read inside the unit of work: a decision may have come in since the batch was listed.
            const order = yield* orders.get(candidate.id)
            if (!order) return false
            const step = decide(order, "expire", system, now, { expectedStatus: order.status })
            if (Result.isFailure(step)) return false
            const written = yield* Effect.result(orders.updateStatus(step.success.order, order.status))
            if (Result.isFailure(written)) {
              if (written.failure._tag === "StorageError") return yield* written.failure
              return false
            }
            yield* audit(system, "order.expire", order, step.success.order)
            yield* notifyCustomer(step.success.order, (to) => ({
              _tag: "OrderExpired",
              ...person(to),
              ...orderFields(step.success.order)
            }))
            return true
          })
        )

      const expireOverdue = Effect.fn("Ordering.expireOverdue")(function* () {
        return yield* sweep((now) => orders.findOverdue(now, sweepBatch), expireOne)
      }, Effect.provideContext(context))

      const remindOne = (candidate: Order, now: DateTime.Utc) =>
        uow.transaction(
          Effect.gen(function* () {
            if (!(yield* orders.markReminderSent(candidate.id, now))) return false
            const order = (yield* orders.get(candidate.id)) ?? candidate
            for (const to of yield* partyRecipients(order))
              yield* enqueue({
                _tag: "OrderDeadlineReminder",
                ...person(to),
                ...orderFields(order),
                deadline: order.deadline
              })
            yield* record({
              chain: order.customerId,
              actor: system,
              action: "order.deadlineReminderSent",
              subject: { type: "order", id: order.id },
              before: null,
              after: {
                ...(orderSnapshot(order) as Record<string, Schema.Json>),
                reminderSentAt: DateTime.formatIso(now)
              }
            })
            return true
          })
        )

      const remindUpcomingDeadlines = Effect.fn("Ordering.remindUpcomingDeadlines")(function* () {
        return yield* sweep(
          (now) => orders.findReminderDue(now, DateTime.addDuration(now, reminderLeadTime), sweepBatch),
          remindOne
        )
      }, Effect.provideContext(context))

      return Ordering.of({
        checkEligibility,
        place,
        transition,
        get,
        list,
        listAsProvider: listAs("provider"),
        listAsIntermediary: listAs("intermediary"),
        contractFolder,
        contractDocument: contractDocumentOf,
        expireOverdue,
        remindUpcomingDeadlines
      })
    })
  )
}
