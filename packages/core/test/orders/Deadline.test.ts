import { assert, describe, it } from "@effect/vitest"
import { DateTime } from "effect"
import * as fc from "fast-check"
import { berlin, berlinParts, decisionDeadline, isPastDeadline } from "../../src/orders/Deadline.ts"

const iso = (d: DateTime.Utc) => DateTime.formatIso(d)
const deadlineOf = (placedAt: string) => iso(decisionDeadline(DateTime.makeUnsafe(placedAt)))

describe("decision deadline (§§ 187 (1), 188 (2) BGB, Europe/Berlin)", () => {
  // [case, placed at (UTC), end of the period (UTC)]
  const table: ReadonlyArray<readonly [string, string, string]> = [
    ["the order day does not count: 15 Jan → end of 14 Feb", "2025-01-15T09:00:00Z", "2025-02-14T23:00:00.000Z"],
    ["month end: 31 Jan → end of 2 Mar (28 days in February)", "2025-01-31T11:00:00Z", "2025-03-02T23:00:00.000Z"],
    ["month end in a leap year: 31 Jan 2024 → end of 1 Mar", "2024-01-31T11:00:00Z", "2024-03-01T23:00:00.000Z"],
    ["30 Apr → end of 30 May", "2025-04-30T08:00:00Z", "2025-05-30T22:00:00.000Z"],
    ["year end: 31 Dec → end of 30 Jan", "2024-12-31T12:00:00Z", "2025-01-30T23:00:00.000Z"],
    [
      "29 February → end of 30 March (still winter time at midnight)",
      "2024-02-29T10:00:00Z",
      "2024-03-30T23:00:00.000Z"
    ],
    ["1 February of a leap year → end of 2 March", "2024-02-01T10:00:00Z", "2024-03-02T23:00:00.000Z"],
    [
      "spring switch inside the period: ends at Berlin midnight in summer time",
      "2025-03-10T09:00:00Z",
      "2025-04-09T22:00:00.000Z"
    ],
    [
      "autumn switch inside the period: ends at Berlin midnight in winter time",
      "2025-10-01T09:00:00Z",
      "2025-10-31T23:00:00.000Z"
    ],
    ["placed on the spring switch day (03:30 summer time)", "2025-03-30T01:30:00Z", "2025-04-29T22:00:00.000Z"],
    ["placed on the autumn switch day, in the repeated hour", "2025-10-26T00:30:00Z", "2025-11-25T23:00:00.000Z"],
    [
      "period ends on the spring switch day's midnight (still +01:00)",
      "2025-02-27T12:00:00Z",
      "2025-03-29T23:00:00.000Z"
    ],
    [
      "period ends on the autumn switch day's midnight (still +02:00)",
      "2025-09-25T12:00:00Z",
      "2025-10-25T22:00:00.000Z"
    ],
    ["winter, 23:59 Berlin (22:59 UTC) counts as that day", "2025-01-15T22:59:00Z", "2025-02-14T23:00:00.000Z"],
    [
      "winter, 00:01 Berlin (23:01 UTC the day before) counts as the next day",
      "2025-01-15T23:01:00Z",
      "2025-02-15T23:00:00.000Z"
    ],
    ["summer, 23:59 Berlin (21:59 UTC) counts as that day", "2025-07-15T21:59:00Z", "2025-08-14T22:00:00.000Z"],
    [
      "summer, 00:01 Berlin (22:01 UTC the day before) counts as the next day",
      "2025-07-15T22:01:00Z",
      "2025-08-15T22:00:00.000Z"
    ]
  ]
  for (const [name, placedAt, end] of table)
    it(`the provider has 30 days, the order day not counted: ${name}`, () => {
      assert.strictEqual(deadlineOf(placedAt), end)
    })

  it("after the deadline means from its first instant on", () => {
    const deadline = decisionDeadline(DateTime.makeUnsafe("2025-01-15T09:00:00Z"))
    assert.isFalse(isPastDeadline(deadline, DateTime.subtract(deadline, { milliseconds: 1 })))
    assert.isTrue(isPastDeadline(deadline, deadline))
  })

  it("the period always ends at Berlin midnight, 31 Berlin calendar days after the order day", () => {
    fc.assert(
      fc.property(fc.integer({ min: 946_684_800_000, max: 4_102_444_800_000 }), (millis) => {
        const placedAt = DateTime.makeUnsafe(millis)
        const end = decisionDeadline(placedAt)
        const local = DateTime.toParts(DateTime.setZone(end, berlin))
        assert.deepInclude(local, { hour: 0, minute: 0, second: 0, millisecond: 0 })
        const day = (d: DateTime.Utc) => {
          const p = DateTime.toParts(DateTime.setZone(d, berlin))
          return Date.UTC(p.year, p.month - 1, p.day) / 86_400_000
        }
        assert.strictEqual(day(end) - day(placedAt), 31)
        // Never less than 30 full days of decision time, never more than 31 days and the DST hour.
        const hours = (DateTime.toEpochMillis(end) - millis) / 3_600_000
        assert.isTrue(hours > 30 * 24 - 1 && hours <= 31 * 24 + 1, `${hours} hours`)
      }),
      { numRuns: 2000 }
    )
  })

  it("an order placed on the day remembered gets the same deadline as one computed afresh, either side of midnight", () => {
    // The rule written out without the remembered day: Berlin date, plus 31 calendar days, at Berlin midnight.
    const reference = (placedAt: DateTime.Utc) => {
      const local = DateTime.toParts(DateTime.setZone(placedAt, berlin))
      const end = DateTime.toPartsUtc(
        DateTime.add(DateTime.makeUnsafe({ year: local.year, month: local.month, day: local.day }), { days: 31 })
      )
      return iso(
        DateTime.toUtc(
          DateTime.makeZonedUnsafe(
            { year: end.year, month: end.month, day: end.day },
            { timeZone: berlin, adjustForTimeZone: true, disambiguation: "reject" }
          )
        )
      )
    }
    // Instants clustered around Berlin midnights (winter and summer, DST switch days), in any order.
    const midnights = [
      "2025-01-15T23:00:00Z",
      "2025-07-15T22:00:00Z",
      "2025-03-29T23:00:00Z",
      "2025-03-30T22:00:00Z",
      "2025-10-25T22:00:00Z",
      "2025-10-26T23:00:00Z"
    ].map((t) => DateTime.toEpochMillis(DateTime.makeUnsafe(t)))
    const near = fc
      .tuple(fc.constantFrom(...midnights), fc.integer({ min: -26 * 3_600_000, max: 26 * 3_600_000 }))
      .map(([m, offset]) => DateTime.makeUnsafe(m + offset))
    fc.assert(
      fc.property(fc.array(near, { minLength: 1, maxLength: 20 }), (instants) => {
        for (const placedAt of instants) assert.strictEqual(iso(decisionDeadline(placedAt)), reference(placedAt))
      }),
      { numRuns: 300 }
    )
  })

  it("Berlin wall-clock time is the zone's, also in the hours around a DST switch and at any instant", () => {
    const switches = ["2025-03-30T01:00:00Z", "2025-10-26T01:00:00Z", "1996-10-27T01:00:00Z"].map((t) =>
      DateTime.toEpochMillis(DateTime.makeUnsafe(t))
    )
    const instant = fc.oneof(
      fc
        .tuple(fc.constantFrom(...switches), fc.integer({ min: -3 * 3_600_000, max: 3 * 3_600_000 }))
        .map(([m, offset]) => m + offset),
      fc.integer({ min: -2_208_988_800_000, max: 4_102_444_800_000 })
    )
    fc.assert(
      fc.property(fc.array(instant, { minLength: 1, maxLength: 20 }), (instants) => {
        for (const millis of instants) {
          const at = DateTime.makeUnsafe(millis)
          assert.deepStrictEqual(berlinParts(at), DateTime.toParts(DateTime.setZone(at, berlin)), `${millis}`)
        }
      }),
      { numRuns: 300 }
    )
  })
})
