import * as Core from "@cloudportal/core"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, ManagedRuntime } from "effect"
import { coreErrors, createApp, problemOfError } from "../src/index.ts"
import { call } from "./harness.ts"
import { memoryHarness } from "./memoryHarness.ts"

/** Every class core exports whose instances are errors with a `_tag`: read from the exports at run time. */
const exportedErrorTags = Object.values(Core).flatMap((value) => {
  if (typeof value !== "function" || !(value.prototype instanceof Error)) return []
  const identifier = (value as unknown as { identifier?: unknown }).identifier
  return typeof identifier === "string" ? [identifier] : []
})

describe("the error table", () => {
  it("maps every TaggedError class core exports to a status and a title", () => {
    expect(exportedErrorTags.length).toBeGreaterThan(40)
    const unmapped = exportedErrorTags.filter((tag) => !(tag in coreErrors))
    expect(unmapped).toEqual([])
  })

  it("maps nothing that core does not export (no stale entries)", () => {
    expect(Object.keys(coreErrors).filter((tag) => !exportedErrorTags.includes(tag))).toEqual([])
  })

  it("uses only the statuses API.md names, and 500 for infrastructure", () => {
    const allowed = new Set([400, 401, 403, 404, 409, 410, 422, 429, 500])
    expect(Object.entries(coreErrors).filter(([, { status }]) => !allowed.has(status))).toEqual([])
  })

  it("a storage failure answers 500 with a generic text: no cause, no driver message", () => {
    const answer = problemOfError(
      new Core.StorageError({ operation: "accounts.get", cause: new Error("SQLITE_BUSY: database is locked") }),
      "de"
    )!
    expect(answer.problem.status).toBe(500)
    expect(JSON.stringify(answer.problem)).not.toContain("SQLITE")
    expect(JSON.stringify(answer.problem)).not.toContain("accounts.get")
  })

  it("field errors of InvalidInput become `errors` with dotted paths", () => {
    const answer = problemOfError(
      Core.InvalidInput.of({ path: "organization.address.postalCode", message: "Postleitzahl fehlt" }),
      "en"
    )!
    expect(answer.problem).toMatchObject({
      status: 400,
      code: "InvalidInput",
      title: "Invalid input",
      errors: [{ path: "organization.address.postalCode", message: "Postleitzahl fehlt" }]
    })
  })

  it("a port failing with StorageError answers 500 over HTTP, generic and logged, never the cause", async () => {
    const failing = Layer.succeed(Core.RateLimiter)({
      consume: () =>
        Effect.fail(
          new Core.StorageError({ operation: "rate.consume", cause: new Error("connection refused 10.0.0.7") })
        )
    })
    const runtime = ManagedRuntime.make(
      Layer.merge(Core.layerCoreMemory({ passwordHashing: { iterations: 1000 } }), failing)
    )
    try {
      const app = createApp(runtime)
      const h = { ...(await memoryHarness()), fetch: (r: Request) => Promise.resolve(app.fetch(r)) }
      const answer = await call(h, "POST", "/auth/login", { body: { email: "a@b.test", password: "x" } })
      expect(answer.status).toBe(500)
      expect(answer.body.code).toBe("StorageError")
      expect(JSON.stringify(answer.body)).not.toContain("10.0.0.7")
      expect(JSON.stringify(answer.body)).not.toContain("stack")
      await h.close()
    } finally {
      await runtime.dispose()
    }
  })
})
