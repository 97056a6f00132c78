import { Schema } from "effect"
import { trusted } from "./Trusted.ts"

/** Exact integer cents in EUR; the portal has no other currency and no fractions of a cent (DOMAIN §8). */
export const Cents = Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0)))

export class Money extends Schema.Class<Money>("@cloudportal/core/Money")({
  amountCents: Cents,
  currency: Schema.Literal("EUR")
}) {
  static readonly zero = new Money({ amountCents: 0, currency: "EUR" })
  /**
   * An amount of whole, non-negative cents. Prices are summed and multiplied on every cart and order, so the
   * check is made here and the constructor runs only to refuse a wrong amount with its own error.
   */
  static readonly cents = (amountCents: number): Money =>
    Number.isSafeInteger(amountCents) && amountCents >= 0
      ? trusted(Money, { amountCents, currency: "EUR" })
      : new Money({ amountCents, currency: "EUR" })
}

export const add = (a: Money, b: Money): Money => Money.cents(a.amountCents + b.amountCents)
export const times = (a: Money, factor: number): Money => Money.cents(a.amountCents * factor)
export const sum = (items: Iterable<Money>): Money => {
  let total = 0
  for (const m of items) total += m.amountCents
  return Money.cents(total)
}
export const isLessThan = (a: Money, b: Money): boolean => a.amountCents < b.amountCents

/** "1.234,56 €": the German rendering used in mails and documents. */
export const formatDe = (m: Money): string => {
  const euros = Math.trunc(m.amountCents / 100)
  const cents = String(m.amountCents % 100).padStart(2, "0")
  return `${euros.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".")},${cents} €`
}
