import { describe, expect, it } from "vitest"
import { runCrash } from "../src/crash.ts"

/** Kills in CI; `pnpm --filter @cloudportal/system-tests crash -- --kills 50` for the long run. */
const kills = Number(process.env.SYSTEM_CRASH_KILLS ?? 3)
const seed = Number(process.env.SYSTEM_SEED ?? 20_261_127)

describe("crash and recovery of the node server", () => {
  it(`killed with SIGKILL ${kills} times under concurrent orders, transitions and invitations: everything acknowledged survives, the database is intact, every audit chain verifies, the outbox drains and no mail goes out twice`, async () => {
    const report = await runCrash({ kills, concurrency: 3, killAfter: [800, 2_500], seed })
    if (process.env.SYSTEM_STATS) console.log(JSON.stringify(report))
    expect(report.problems).toEqual([])
    expect(report.ordersAcknowledged).toBeGreaterThan(kills)
    expect(report.transitionsAcknowledged).toBeGreaterThan(0)
    expect(report.mailsCaptured).toBeGreaterThan(report.ordersAcknowledged)
  }, 240_000)

  it("the check notices loss: a database replaced after the kill is reported", async () => {
    const report = await runCrash({ kills: 1, concurrency: 2, killAfter: [600, 900], seed, sabotage: "wipeDatabase" })
    expect(report.problems.some((p) => p.includes("acknowledged order"))).toBe(true)
  }, 120_000)
})
