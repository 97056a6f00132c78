import { Money } from "../kernel/Money.ts"
import type { PricePlan } from "./Offering.ts"

/**
 * How the cart total of a plan is charged: once, or per month. The cart, the order, the contract folder
 * and the order summary PDF all show `cartTotal` with this label, so the customer sees one number everywhere.
 */
export type Billing = "oneTime" | "monthly" | "free"

export const billingOf = (plan: PricePlan): Billing => {
  switch (plan._tag) {
    case "OneTime":
      return "oneTime"
    case "MonthlyRecurring":
      return "monthly"
    case "PerUnit":
      return plan.billing
    case "Free":
      return "free"
  }
}

/** German and English labels for `billingOf`, as printed beside the cart total. */
export const billingLabels: Record<Billing, { readonly de: string; readonly en: string }> = {
  oneTime: { de: "einmalig", en: "one-time" },
  monthly: { de: "monatlich", en: "per month" },
  free: { de: "kostenfrei", en: "free of charge" }
}

/**
 * § 3 (11) VgV: a recurring contract of unlimited duration, or of more than 48 months, is valued at
 * 48 times its monthly value; a shorter fixed term at its whole term.
 */
export const maxValuedMonths = 48

/** Units counted by a plan: the quantity for per-unit plans; every other plan is one item. */
const unitsOf = (plan: PricePlan, quantity: number): number => (plan._tag === "PerUnit" ? quantity : 1)

/** `cartTotal` in cents, for callers that only compare or add amounts. */
export const cartTotalCents = (plan: PricePlan, quantity: number): number => {
  switch (plan._tag) {
    case "OneTime":
      return plan.amountCents
    case "MonthlyRecurring":
      return plan.monthlyCents
    case "PerUnit":
      return plan.unitCents * unitsOf(plan, quantity)
    case "Free":
      return 0
  }
}

/**
 * What the customer pays as shown in the cart: net integer cents, no fees, no uplift (DOMAIN §8).
 * One-time plans: the one-time amount. Per-unit plans: unit price × quantity, once or per month as the
 * plan bills. Monthly plans: the price of one month (the cart shows "… € monatlich"). Free: 0.
 * Quantity counts only for per-unit plans; `quantityProblem` refuses any other quantity than 1 elsewhere.
 */
export const cartTotal = (plan: PricePlan, quantity: number): Money => Money.cents(cartTotalCents(plan, quantity))

/** The months a recurring plan is valued at for the threshold: its term, capped at 48; unlimited = 48. */
export const valuedMonths = (termMonths: number | null): number =>
  termMonths === null ? maxValuedMonths : Math.min(termMonths, maxValuedMonths)

/** `estimatedContractValue` in cents. */
export const estimatedContractValueCents = (plan: PricePlan, quantity: number): number => {
  const total = cartTotalCents(plan, quantity)
  switch (plan._tag) {
    case "MonthlyRecurring":
      return total * valuedMonths(plan.termMonths)
    case "PerUnit":
      return plan.billing === "monthly" ? total * valuedMonths(plan.termMonths) : total
    case "OneTime":
    case "Free":
      return total
  }
}

/**
 * The estimated contract value compared with the procurement threshold (DOMAIN §7): the one-time total,
 * or the monthly total × `valuedMonths(term)` (§ 3 (11) VgV); free = 0. Net cents, like every price here.
 */
export const estimatedContractValue = (plan: PricePlan, quantity: number): Money =>
  Money.cents(estimatedContractValueCents(plan, quantity))

/** The largest quantity that keeps every amount derived from a plan an exact integer number of cents. */
export const maxQuantity = (plan: PricePlan): number => {
  if (plan._tag !== "PerUnit") return 1
  const perUnit = plan.unitCents * (plan.billing === "monthly" ? maxValuedMonths : 1)
  return perUnit === 0 ? Number.MAX_SAFE_INTEGER : Math.floor(Number.MAX_SAFE_INTEGER / perUnit)
}

/**
 * What is wrong with a quantity for a plan, in German, or undefined when it is fine: a positive integer,
 * exactly 1 for plans that are not priced per unit, and small enough that no amount overflows exact cents.
 */
export const quantityProblem = (plan: PricePlan, quantity: number): string | undefined => {
  if (!Number.isSafeInteger(quantity) || quantity < 1) return "Die Menge muss eine ganze Zahl größer als 0 sein."
  if (plan._tag !== "PerUnit" && quantity !== 1) return "Dieser Preisplan wird nicht pro Einheit berechnet: Menge 1."
  if (quantity > maxQuantity(plan)) return `Die Menge darf höchstens ${maxQuantity(plan)} betragen.`
  return undefined
}
