import { DateTime, Duration } from "effect"

/** The provider has at most 30 days from the order to accept or reject it (CSP-AGB, DOMAIN §8). */
export const decisionPeriodDays = 30

/** The portal's legal time zone: days in the sense of the BGB are Berlin calendar days. */
export const berlin: DateTime.TimeZone = DateTime.zoneMakeNamedUnsafe("Europe/Berlin")

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
  const local = DateTime.toParts(DateTime.setZone(placedAt, berlin))
  // A date-only value in UTC is plain calendar arithmetic: no zone, no DST.
  const orderDay = DateTime.makeUnsafe({ year: local.year, month: local.month, day: local.day })
  const dayAfterLastDay = DateTime.toPartsUtc(DateTime.add(orderDay, { days: decisionPeriodDays + 1 }))
  return DateTime.toUtc(
    DateTime.makeZonedUnsafe(
      { year: dayAfterLastDay.year, month: dayAfterLastDay.month, day: dayAfterLastDay.day },
      { timeZone: berlin, adjustForTimeZone: true, disambiguation: "reject" }
    )
  )
}

/** "After the deadline": from the first instant that no longer belongs to the period. */
export const isPastDeadline = (deadline: DateTime.Utc, now: DateTime.Utc): boolean =>
  DateTime.isGreaterThanOrEqualTo(now, deadline)

/**
 * How long before the deadline the acting party is reminded [extension]: five days leave a working week
 * to decide even when the reminder arrives on a Friday evening.
 */
export const reminderLeadTime: Duration.Duration = Duration.days(5)
