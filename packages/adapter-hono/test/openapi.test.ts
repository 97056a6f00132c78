import { describe, expect, it } from "@effect/vitest"
import { compileErrors, validate } from "@readme/openapi-parser"
import { call } from "./harness.ts"
import { memoryHarness } from "./memoryHarness.ts"

const toOpenApi = (path: string) => path.replace(/:([A-Za-z0-9_]+)/gu, "{$1}")

describe("the OpenAPI document", () => {
  it("lists every route of the app, with its method", async () => {
    const h = await memoryHarness()
    try {
      const doc = (await call(h, "GET", "/openapi.json")).body
      const documented = new Set(
        Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
          Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`)
        )
      )
      const routes = new Set(
        h.app.routes
          .filter((r) => r.method !== "ALL")
          .map((r) => `${r.method} ${toOpenApi(r.path.slice(h.basePath.length) || "/")}`)
      )
      expect([...routes].filter((r) => !documented.has(r))).toEqual([])
      expect([...documented].filter((r) => !routes.has(r))).toEqual([])
      expect(routes.size).toBeGreaterThan(60)
      expect(documented).toContain("POST /orders/{id}/transitions")
      expect(documented).toContain("GET /dev/mailbox")
    } finally {
      await h.close()
    }
  })

  it("is structurally valid OpenAPI 3.1", async () => {
    const h = await memoryHarness()
    try {
      const doc = (await call(h, "GET", "/openapi.json")).body
      expect(doc.openapi).toBe("3.1.0")
      const result = await validate(structuredClone(doc))
      if (!result.valid) expect.fail(compileErrors(result))
      expect(result.valid).toBe(true)
      // The validator does refuse a broken document, so the check above can fail.
      const { info: _info, ...broken } = structuredClone(doc)
      expect((await validate(broken)).valid).toBe(false)
    } finally {
      await h.close()
    }
  })

  it("describes bodies and answers with core's Schemas", async () => {
    const h = await memoryHarness()
    try {
      const doc = (await call(h, "GET", "/openapi.json")).body
      const login = doc.paths["/auth/login"].post
      expect(login.requestBody.content["application/json"].schema.required).toEqual(["email", "password"])
      expect(Object.keys(login.responses)).toEqual(expect.arrayContaining(["200", "400", "401", "403", "429"]))
      const member = doc.paths["/organization/members/{id}"].get
      expect(member.parameters).toContainEqual({ name: "id", in: "path", required: true, schema: { type: "string" } })
      expect(member.security).toBeDefined()
      const list = doc.paths["/orders"].get
      expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(
        expect.arrayContaining(["scope", "status", "limit", "cursor"])
      )
      const refs = JSON.stringify(doc).match(/"#\/components\/schemas\/[^"]+"/gu) ?? []
      for (const ref of refs) {
        const name = ref.slice('"#/components/schemas/'.length, -1)
        expect(doc.components.schemas[name]).toBeDefined()
      }
    } finally {
      await h.close()
    }
  })

  it("without development mode, the development routes do not exist", async () => {
    const h = await memoryHarness({ dev: false })
    try {
      expect((await call(h, "GET", "/dev/captcha")).status).toBe(404)
      const doc = (await call(h, "GET", "/openapi.json")).body
      expect(doc.paths["/dev/mailbox"]).toBeUndefined()
    } finally {
      await h.close()
    }
  })

  it("/docs serves the interactive reference pointing at the document", async () => {
    const h = await memoryHarness()
    try {
      const answer = await call(h, "GET", "/docs")
      expect(answer.status).toBe(200)
      expect(answer.headers.get("content-type")).toContain("text/html")
      expect(answer.body).toContain("/api/openapi.json")
      expect(answer.headers.get("content-security-policy")).toContain("script-src")
    } finally {
      await h.close()
    }
  })
})
