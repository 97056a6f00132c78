import { describe, expect, it } from "@effect/vitest"
import { memoryHarness } from "./memoryHarness.ts"

describe("load shedding", () => {
  it("beyond maxInFlight a request is turned away at once with 503 and Retry-After, and served again once the load is gone", async () => {
    const h = await memoryHarness({ maxInFlight: 1 })
    // A request whose body has not arrived yet stays in flight until we let it finish.
    let finish = (): void => undefined
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        finish = () => {
          controller.enqueue(new TextEncoder().encode(JSON.stringify({ email: "x@y.test" })))
          controller.close()
        }
      }
    })
    const slow = h.fetch(
      new Request(`${h.origin}/api/auth/password-reset`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        duplex: "half"
      } as RequestInit)
    )
    await new Promise((resolve) => setTimeout(resolve, 20))
    const shed = await h.fetch(new Request(`${h.origin}/api/terms/current`))
    expect(shed.status).toBe(503)
    expect(shed.headers.get("retry-after")).toBe("1")
    expect(shed.headers.get("content-type")).toContain("application/problem+json")
    expect((await shed.json()).code).toBe("Overloaded")
    finish()
    expect((await slow).status).toBe(202)
    expect((await h.fetch(new Request(`${h.origin}/api/terms/current`))).status).not.toBe(503)
  })

  it("without maxInFlight nothing is shed", async () => {
    const h = await memoryHarness()
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => h.fetch(new Request(`${h.origin}/api/terms/current`)))
    )
    expect(answers.every((a) => a.status !== 503)).toBe(true)
  })
})
