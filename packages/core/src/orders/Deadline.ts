import { DateTime, Duration } from "effect"

/** The provider has at most 30 days from the order to accept or reject it (CSP-AGB, DOMAIN §8). */
export const decisionPeriodDays = 30

/** The portal's legal time zone: days in the sense of the BGB are Berlin calendar days. */
export const berlin: DateTime.TimeZone = DateTime.zoneMakeNamedUnsafe("Europe/Berlin")

const hourMs = 3_600_000

/**
 * Berlin's offset from UTC by hour, for the hours recently asked about (an order's time and its deadline's).
 * Finding a zone's offset goes through `Intl` and costs more than everything else in formatting a date; the
 * offset only changes at a switch, and no hour holds two switches, so an hour whose start and end have the
 * same offset has it throughout and is kept.
 */
const offsetsByHour = new Map<number, number>()
const offsetsKept = 64

const berlinOffset = (millis: number): number => {
  const from = millis - (((millis % hourMs) + hourMs) % hourMs)
  const kept = offsetsByHour.get(from)
  if (kept !== undefined) return kept
  const offsetAt = (m: number) => DateTime.zonedOffset(DateTime.setZone(DateTime.makeUnsafe(m), berlin))
  const offset = offsetAt(millis)
  if (offsetAt(from) === offset && offsetAt(from + hourMs - 1) === offset) {
    if (offsetsByHour.size >= offsetsKept) offsetsByHour.clear()
    offsetsByHour.set(from, offset)
  }
  return offset
}

/** The Berlin wall-clock date and time of an instant (what `DateTime.toParts` of it in Berlin gives). */
export const berlinParts = (at: DateTime.Utc): DateTime.DateTime.PartsWithWeekday => {
  const millis = DateTime.toEpochMillis(at)
  return DateTime.toPartsUtc(DateTime.makeUnsafe(millis + berlinOffset(millis)))
}

/** The start (00:00 Berlin) of the calendar day `days` after `day` (a date-only value in UTC), as an instant. */
const berlinMidnightAfter = (day: DateTime.Utc, days: number): DateTime.Utc => {
  // A date-only value in UTC is plain calendar arithmetic: no zone, no DST.
  const date = DateTime.toPartsUtc(DateTime.add(day, { days }))
  return DateTime.toUtc(
    DateTime.makeZonedUnsafe(
      { year: date.year, month: date.month, day: date.day },
      { timeZone: berlin, adjustForTimeZone: true, disambiguation: "reject" }
    )
  )
}

/**
 * Every order of one Berlin day has the same deadline, and the zone arithmetic costs more than the rest of
 * building an order: the last day's answer is kept, with the instants that day starts and ends.
 */
let lastDay: { readonly from: number; readonly until: number; readonly deadline: DateTime.Utc } | undefined

/**
 * The end of the provider's decision period, as a UTC instant.
 *
 * § 187 (1) BGB: the order is an event during a day, so the order day does not count; day 1 is the next
 * Berlin calendar day. § 188 (2) BGB: the period ends with the end (24:00) of its last day, which is the
 * start (00:00) of the day after. Calendar days are counted on the Berlin date and only the final midnight
 * is turned back into an instant, so a DST switch inside the period neither adds nor removes an hour of
 * decision time; Berlin midnight is never skipped or repeated (the switches happen at 02:00/03:00).
 */
export const decisionDeadline = (placedAt: DateTime.Utc): DateTime.Utc => {
  const at = DateTime.toEpochMillis(placedAt)
  const remembered = lastDay
  if (remembered !== undefined && at >= remembered.from && at < remembered.until) return remembered.deadline
  const local = berlinParts(placedAt)
  const orderDay = DateTime.makeUnsafe({ year: local.year, month: local.month, day: local.day })
  const deadline = berlinMidnightAfter(orderDay, decisionPeriodDays + 1)
  lastDay = {
    from: DateTime.toEpochMillis(berlinMidnightAfter(orderDay, 0)),
    until: DateTime.toEpochMillis(berlinMidnightAfter(orderDay, 1)),
    deadline
  }
  return deadline
}

/** "After the deadline": from the first instant that no longer belongs to the period. */
export const isPastDeadline = (deadline: DateTime.Utc, now: DateTime.Utc): boolean =>
  DateTime.isGreaterThanOrEqualTo(now, deadline)

/**
 * How long before the deadline the acting party is reminded [extension]: five days leave a working week
 * to decide even when the reminder arrives on a Friday evening.
 */
export const reminderLeadTime: Duration.Duration = Duration.days(5)
