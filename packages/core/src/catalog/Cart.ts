import { Effect, Result } from "effect"
import { type FieldIssue, InvalidInput } from "../kernel/Errors.ts"
import { type Configuration, validateConfiguration } from "./Configuration.ts"
import type { Offering, PricePlan } from "./Offering.ts"
import { quantityProblem } from "./Price.ts"

/** A cart checked against the offering version it is for. */
export interface ValidCart {
  readonly pricePlan: PricePlan
  readonly quantity: number
  readonly configuration: Configuration
}

/**
 * Checks the customer's choices against one offering version: the price plan exists, the quantity fits
 * the plan, the configuration fits the property definitions. Every problem is reported at once
 * (`pricePlanId`, `quantity`, `configuration.<key>`).
 */
export const validateCart = Effect.fnUntraced(function* (
  offering: Offering,
  cart: { readonly pricePlanId: unknown; readonly quantity: unknown; readonly configuration: unknown }
) {
  const issues: Array<{ path: string; message: string }> = []
  const pricePlan = offering.pricePlans.find((p) => p.id === cart.pricePlanId)
  if (!pricePlan)
    issues.push({ path: "pricePlanId", message: "Unbekannter Preisplan dieses Angebots / unknown price plan" })
  const quantity = cart.quantity
  if (typeof quantity !== "number")
    issues.push({ path: "quantity", message: "Menge als ganze Zahl erwartet / quantity must be an integer" })
  else if (pricePlan) {
    const problem = quantityProblem(pricePlan, quantity)
    if (problem) issues.push({ path: "quantity", message: problem })
  }
  const configuration = yield* Effect.result(validateConfiguration(offering.properties, cart.configuration))
  if (Result.isFailure(configuration)) issues.push(...configuration.failure.issues.map((i: FieldIssue) => i))
  if (issues.length > 0 || !pricePlan || typeof quantity !== "number" || Result.isFailure(configuration))
    return yield* InvalidInput.of(...issues)
  return { pricePlan, quantity, configuration: configuration.success } satisfies ValidCart
}) as (
  offering: Offering,
  cart: { readonly pricePlanId: unknown; readonly quantity: unknown; readonly configuration: unknown }
) => Effect.Effect<ValidCart, InvalidInput>
