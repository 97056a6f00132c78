import { describe, expect, it } from "vitest"
import { runOverload } from "../src/overload.ts"

/**
 * Kept out of CI until it can pass (SYSTEM_OVERLOAD=1 runs it). The server now sheds load (adapter `maxInFlight`,
 * `CLOUDPORTAL_MAX_IN_FLIGHT`: 503 with Retry-After), but in the last run, on a machine shared with other
 * benchmarks, 1,430 requests still waited more than 10 s and p99 was 6.4 s: the queue in front of the app
 * (connections accepted by Node, the event loop, the hashing thread pool) is not bounded yet. What is missing:
 * docs/RELIABILITY.md, "Overload".
 */
const enabled = process.env.SYSTEM_OVERLOAD === "1"

describe("overload of the node server", () => {
  it.skipIf(!enabled)(
    "at twice the sustainable rate for 30 s the server sheds load with 429/503 instead of falling over, its memory stays bounded, and it serves normally right after",
    async () => {
      const report = await runOverload({ seconds: 30, factor: 2, clients: 8 })
      expect(report.problems).toEqual([])
    },
    180_000
  )
})
