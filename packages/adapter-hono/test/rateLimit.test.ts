import { describe, expect, it } from "@effect/vitest"
import { Duration } from "effect"
import { call, unique } from "./harness.ts"
import { memoryHarness } from "./memoryHarness.ts"

describe("rate limits: both counters of a request in one commit", () => {
  it("a login is counted per client and per address; the client's hit counts even when the address is refused", async () => {
    const h = await memoryHarness({
      trustProxy: true,
      rateLimits: {
        login: {
          perAddress: { limit: 2, window: Duration.minutes(15) },
          perClient: { limit: 3, window: Duration.minutes(15) }
        }
      }
    })
    try {
      const attempt = (email: string, ip: string) =>
        call(h, "POST", "/auth/login", {
          body: { email, password: "falsch-falsch-falsch" },
          headers: { "x-forwarded-for": ip }
        })
      const first = `a-${unique()}@x.test`
      expect((await attempt(first, "203.0.113.10")).status).toBe(401)
      expect((await attempt(first, "203.0.113.10")).status).toBe(401)
      // The address is used up; the client's third hit is counted all the same.
      expect((await attempt(first, "203.0.113.10")).status).toBe(429)
      // So the client's fourth is over its limit, whatever the address.
      const refused = await attempt(`b-${unique()}@x.test`, "203.0.113.10")
      expect(refused.status).toBe(429)
      expect(refused.headers.get("retry-after")).toEqual(expect.stringMatching(/^[0-9]+$/u))
      // Another client is not affected, but the used-up address stays refused from there too.
      expect((await attempt(`c-${unique()}@x.test`, "203.0.113.11")).status).toBe(401)
      expect((await attempt(first, "203.0.113.11")).status).toBe(429)
    } finally {
      await h.close()
    }
  })
})
