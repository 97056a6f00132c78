import { DateTime } from "effect"
import {
  berlin,
  type ContractModel,
  contractModelLabels,
  formatDe,
  type Money,
  orderStatusLabels
} from "./internal/core.ts"

/** The mail's language: the notification carries it; German is the portal's default. */
export type Locale = "de" | "en"

const monthsEn = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December"
]
const pad = (n: number) => String(n).padStart(2, "0")

interface LocalParts {
  readonly year: number
  readonly month: number
  readonly day: number
  readonly hour: number
  readonly minute: number
}

// Parts are formatted by hand instead of with Intl: ICU versions differ in spaces and commas, and mails
// must read the same on Node and workerd (and in snapshots).
const show = (p: LocalParts, locale: Locale): string =>
  locale === "de"
    ? `${pad(p.day)}.${pad(p.month)}.${p.year}, ${pad(p.hour)}:${pad(p.minute)} Uhr`
    : `${p.day} ${monthsEn[p.month - 1]} ${p.year}, ${pad(p.hour)}:${pad(p.minute)} (Berlin time)`

const berlinParts = (at: DateTime.DateTime): LocalParts => DateTime.toParts(DateTime.setZone(at, berlin))

/** An instant as Berlin wall-clock time: „17.03.2025, 10:30 Uhr" / "17 March 2025, 10:30 (Berlin time)". */
export const formatDateTime = (at: DateTime.DateTime, locale: Locale): string => show(berlinParts(at), locale)

/**
 * The end of a period. Deadlines are the first instant after the period (00:00 of the next Berlin day,
 * §§ 187, 188 BGB), which people read as the end of the day before: „13.04.2025, 24:00 Uhr".
 */
export const formatDeadline = (deadline: DateTime.DateTime, locale: Locale): string => {
  const p = berlinParts(deadline)
  if (p.hour !== 0 || p.minute !== 0) return show(p, locale)
  const dayBefore = DateTime.toPartsUtc(
    DateTime.subtract(DateTime.makeUnsafe({ year: p.year, month: p.month, day: p.day }), { days: 1 })
  )
  return show({ year: dayBefore.year, month: dayBefore.month, day: dayBefore.day, hour: 24, minute: 0 }, locale)
}

/** „1.234,56 €" / "€1,234.56": exact cents, no rounding. */
export const formatMoney = (money: Money, locale: Locale): string => {
  if (locale === "de") return formatDe(money)
  const euros = Math.trunc(money.amountCents / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/gu, ",")
  return `€${euros}.${pad(money.amountCents % 100)}`
}

/** The status label of DOMAIN §9, verbatim; an unknown code is shown as it is rather than hidden. */
export const statusLabel = (code: string, locale: Locale): string =>
  Object.hasOwn(orderStatusLabels, code) ? orderStatusLabels[code as keyof typeof orderStatusLabels][locale] : code

/** „Direktvertrag (DV)" / "Direct contract (DV)". */
export const contractModelLabel = (model: ContractModel, locale: Locale): string =>
  `${contractModelLabels[model][locale]} (${model})`
