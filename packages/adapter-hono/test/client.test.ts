import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { hc } from "hono/client"
import type { AppType } from "../src/index.ts"
import { call } from "./harness.ts"
import { memoryHarness } from "./memoryHarness.ts"
import { password, world } from "./world.ts"

describe("the typed client", () => {
  it("hc<AppType> calls the API with typed inputs and typed answers", async () => {
    const h = await memoryHarness()
    try {
      const org = await world(h).organization()
      const client = hc<AppType>(`${h.origin}${h.basePath}`, {
        fetch: (input: RequestInfo | URL, init?: RequestInit) => h.fetch(new Request(input, init))
      })

      const login = await client.auth.login.$post({ json: { email: org.admin.email, password } })
      expect(login.status).toBe(200)
      if (login.status !== 200) return
      const signedIn = await login.json()
      expectTypeOf(signedIn.session.token).toEqualTypeOf<string>()
      expectTypeOf(signedIn.session.expiresAt).toEqualTypeOf<string>()
      expect(signedIn.organization?.id).toBe(org.id)

      const headers = { authorization: `Bearer ${signedIn.session.token}` }
      const addresses = await client.organization.addresses.$get({ query: { limit: "10" } }, { headers })
      expect(addresses.status).toBe(200)
      if (addresses.status !== 200) return
      const page = await addresses.json()
      expectTypeOf(page.nextCursor).toEqualTypeOf<string | null>()
      expect(page.items[0]?.isDefault).toBe(true)

      const member = await client.organization.members[":id"].$get({ param: { id: org.admin.accountId } }, { headers })
      expect(member.status).toBe(200)
      if (member.status === 200) expect((await member.json()).isMainAdmin).toBe(true)

      // The client and the raw API agree.
      const raw = await call(h, "GET", "/me", { token: signedIn.session.token })
      expect(raw.body.account.id).toBe(signedIn.account.id)
    } finally {
      await h.close()
    }
  })
})
