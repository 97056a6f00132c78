import { describe, expect, it } from "vitest"
import { runOverload } from "../src/overload.ts"

/**
 * Kept out of CI until it can pass (SYSTEM_OVERLOAD=1 runs it): neither the adapter nor the node server sheds load
 * yet. At twice the sustainable rate every request is accepted and queued, latency grows to the client's timeout
 * and requests go unanswered, where a 503 (or 429) with Retry-After should have turned the excess away. What is
 * missing and where it belongs: docs/RELIABILITY.md, "Overload".
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
