import { DateTime } from "effect"
import type { Actor, Member } from "../../src/kernel/Actor.ts"
import { system } from "../../src/kernel/Actor.ts"
import type { ContractModel } from "../../src/kernel/ContractModel.ts"
import type { AccountId, OfferingId, OrderId, OrganizationId, PricePlanId } from "../../src/kernel/Ids.ts"
import { Money } from "../../src/kernel/Money.ts"
import type { Permission } from "../../src/kernel/Permission.ts"
import { decisionDeadline } from "../../src/orders/Deadline.ts"
import { Order } from "../../src/orders/Order.ts"
import type { OrderStatus } from "../../src/orders/OrderStatus.ts"

export const customerOrg = "org_customer" as OrganizationId
export const providerOrg = "org_provider" as OrganizationId
export const intermediaryOrg = "org_intermediary" as OrganizationId
export const strangerOrg = "org_stranger" as OrganizationId

export const member = (
  organizationId: OrganizationId,
  accountId: string,
  permissions: ReadonlyArray<Permission> = []
): Member => ({
  _tag: "Member",
  accountId: accountId as AccountId,
  organizationId,
  isAdmin: false,
  isMainAdmin: false,
  permissions: new Set(permissions)
})

/** Every kind of viewer the workflow distinguishes. */
export const personas = {
  orderer: member(customerOrg, "acc_orderer"),
  customerColleague: member(customerOrg, "acc_colleague"),
  customerViewer: member(customerOrg, "acc_viewer", ["orders.viewOrganization"]),
  providerDecider: member(providerOrg, "acc_provider_decider", ["orders.decideAsProvider"]),
  providerMember: member(providerOrg, "acc_provider_member", ["catalog.manage", "orders.viewOrganization"]),
  intermediaryDecider: member(intermediaryOrg, "acc_intermediary_decider", ["orders.decideAsIntermediary"]),
  intermediaryMember: member(intermediaryOrg, "acc_intermediary_member", ["orders.viewOrganization"]),
  /** Holds both decide permissions, but in an organization that is no party to the order. */
  stranger: member(strangerOrg, "acc_stranger", ["orders.decideAsProvider", "orders.decideAsIntermediary"]),
  operator: { _tag: "Operator", accountId: "acc_operator" as AccountId } as Actor,
  system: system as Actor
} as const
export type Persona = keyof typeof personas

export const at = (iso: string): DateTime.Utc => DateTime.makeUnsafe(iso)

export const makeOrder = (
  options: {
    readonly id?: string
    readonly contractModel?: ContractModel
    readonly status?: OrderStatus
    readonly placedAt?: DateTime.Utc
    readonly customerId?: OrganizationId
    readonly orderedBy?: AccountId
    readonly offeringId?: string
    readonly totalCents?: number
    readonly belowThreshold?: boolean
    readonly countedCents?: number
  } = {}
): Order => {
  const contractModel = options.contractModel ?? "DV"
  const placedAt = options.placedAt ?? at("2025-03-10T09:00:00Z")
  const total = Money.cents(options.totalCents ?? 12_345)
  return new Order({
    id: (options.id ?? "ord_test") as OrderId,
    status: options.status ?? "open",
    contractModel,
    total,
    deadline: decisionDeadline(placedAt),
    placedAt,
    orderedBy: { accountId: options.orderedBy ?? personas.orderer.accountId, name: "Erika Mustermann" },
    customerId: options.customerId ?? customerOrg,
    providerId: providerOrg,
    intermediaryId: contractModel === "UV" ? intermediaryOrg : null,
    offering: {
      id: (options.offeringId ?? "off_test") as OfferingId,
      version: 1,
      name: { de: "Testdienst", en: "Test service" }
    },
    pricePlan: {
      _tag: "OneTime",
      id: "plan_once" as PricePlanId,
      name: { de: "Einmalig", en: "One-time" },
      amountCents: total.amountCents
    },
    quantity: 1,
    configuration: { region: "de-west" },
    eligibility: {
      cartTotal: total,
      evaluatedAt: placedAt,
      contractModels: {
        DV: { allowed: contractModel === "DV", grounds: [], blockingReasons: [] },
        UV: { allowed: contractModel === "UV", grounds: [], blockingReasons: [] }
      }
    },
    belowThreshold: options.belowThreshold ?? false,
    countedValue: Money.cents(options.countedCents ?? total.amountCents),
    history: [],
    reminderSentAt: null
  })
}
