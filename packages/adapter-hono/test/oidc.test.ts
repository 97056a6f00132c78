import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { call, type Harness } from "./harness.ts"
import { memoryHarness } from "./memoryHarness.ts"
import { startIdentityProvider, type TestIdentityProvider } from "./oidcProvider.ts"
import { type Org, world } from "./world.ts"

const clientId = "cloudportal"

/** Starts sign-on at the portal; returns the pending cookie and what the provider was sent. */
const start = async (h: Harness, provider: string) => {
  const answer = await call(h, "GET", `/auth/oidc/${provider}`)
  expect(answer.status).toBe(302)
  const location = new URL(answer.headers.get("location") ?? "")
  const cookie = (answer.headers.get("set-cookie") ?? "").split(";")[0] ?? ""
  return {
    location,
    cookie,
    state: location.searchParams.get("state") ?? "",
    nonce: location.searchParams.get("nonce") ?? ""
  }
}

const callback = (h: Harness, provider: string, query: Record<string, string>, cookie: string) =>
  call(h, "GET", `/auth/oidc/${provider}/callback?${new URLSearchParams(query)}`, { cookie })

for (const alg of ["RS256", "ES256"] as const) {
  describe(`single sign-on with OpenID Connect (${alg})`, () => {
    let idp: TestIdentityProvider
    let h: Harness
    let org: Org
    let code = 0

    beforeAll(async () => {
      idp = await startIdentityProvider({ clientId, alg })
      h = await memoryHarness({
        oidc: {
          providers: [
            { kind: "oidc", id: "generic", issuer: idp.issuer, clientId, clientSecret: "geheim" },
            { kind: "keycloak", id: "keycloak", realmUrl: idp.issuer, clientId, clientSecret: null },
            { kind: "entra", id: "entra", tenant: "00000000-0000-0000-0000-000000000001", clientId, clientSecret: null }
          ],
          successRedirect: "/app"
        }
      })
      org = await world(h).organization()
    })
    afterAll(async () => {
      await h.close()
      await idp.close()
    })

    const signIn = async (provider: string, claims: (nonce: string) => Record<string, unknown>, signWith?: "other") => {
      const started = await start(h, provider)
      const c = `code-${code++}`
      idp.willIssue(c, claims(started.nonce), signWith ? { signWith } : undefined)
      return { started, answer: await callback(h, provider, { code: c, state: started.state }, started.cookie) }
    }

    it("the start redirects to the provider with state, nonce and a PKCE challenge, in a short-lived cookie", async () => {
      const started = await start(h, "generic")
      expect(started.location.toString().startsWith(`${idp.issuer}/protocol/openid-connect/auth`)).toBe(true)
      expect(started.location.searchParams.get("client_id")).toBe(clientId)
      expect(started.location.searchParams.get("code_challenge_method")).toBe("S256")
      expect(started.location.searchParams.get("redirect_uri")).toBe("http://localhost/api/auth/oidc/generic/callback")
      expect(started.state.length).toBeGreaterThan(20)
      expect(started.nonce.length).toBeGreaterThan(20)
      expect(started.cookie).toMatch(/^cloudportal-oidc=/u)
    })

    it("an existing active account with the same verified email is signed in", async () => {
      for (const provider of ["generic", "keycloak"]) {
        const { answer } = await signIn(provider, (nonce) => ({ email: org.admin.email, email_verified: true, nonce }))
        expect(answer.status).toBe(302)
        expect(answer.headers.get("location")).toBe("http://localhost/app")
        const session = (answer.headers.get("set-cookie") ?? "").match(/cloudportal-session=([^;]+)/u)?.[1]
        expect(session).toBeDefined()
        const me = await call(h, "GET", "/me", { token: session ?? "" })
        expect(me.status).toBe(200)
        expect(me.body.account.email).toBe(org.admin.email)
      }
    })

    it("a wrong state is refused", async () => {
      const started = await start(h, "generic")
      idp.willIssue("code-state", { email: org.admin.email, email_verified: true, nonce: started.nonce })
      const answer = await callback(h, "generic", { code: "code-state", state: `${started.state}x` }, started.cookie)
      expect(answer.status).toBe(403)
      expect(answer.body).toMatchObject({ code: "SingleSignOnRefused", reason: "wrongState" })
      expect(answer.headers.get("set-cookie") ?? "").not.toContain("cloudportal-session=")
    })

    it("a callback without the pending cookie is refused", async () => {
      const started = await start(h, "generic")
      const answer = await callback(h, "generic", { code: "x", state: started.state }, "")
      expect(answer.body.reason).toBe("wrongState")
    })

    it("a wrong nonce is refused", async () => {
      const { answer } = await signIn("generic", () => ({
        email: org.admin.email,
        email_verified: true,
        nonce: "falsch"
      }))
      expect(answer.status).toBe(403)
      expect(answer.body.reason).toBe("wrongNonce")
    })

    it("an unverified email is refused", async () => {
      for (const verified of [false, undefined, "true"]) {
        const { answer } = await signIn("keycloak", (nonce) => ({
          email: org.admin.email,
          email_verified: verified,
          nonce
        }))
        expect(answer.status).toBe(403)
        expect(answer.body.reason).toBe("emailNotVerified")
      }
    })

    it("an unknown email is refused", async () => {
      const { answer } = await signIn("generic", (nonce) => ({
        email: "niemand@nirgends.test",
        email_verified: true,
        nonce
      }))
      expect(answer.status).toBe(403)
      expect(answer.body.reason).toBe("unknownAccount")
    })

    it("a token signed with another key, for another audience, from another issuer or expired is refused", async () => {
      const valid = (nonce: string) => ({ email: org.admin.email, email_verified: true, nonce })
      const cases: ReadonlyArray<[string, (nonce: string) => Record<string, unknown>, "other" | undefined]> = [
        ["invalidSignature", valid, "other"],
        ["wrongAudience", (n) => ({ ...valid(n), aud: "someone-else" }), undefined],
        ["wrongIssuer", (n) => ({ ...valid(n), iss: "https://evil.example" }), undefined],
        ["idTokenExpired", (n) => ({ ...valid(n), exp: Math.floor(Date.now() / 1000) - 3600 }), undefined]
      ]
      for (const [reason, claims, signWith] of cases) {
        const { answer } = await signIn("generic", claims, signWith)
        expect({ reason, status: answer.status, got: answer.body.reason }).toEqual({ reason, status: 403, got: reason })
      }
    })

    it("a deactivated account is refused", async () => {
      const w = world(h)
      const other = await w.organization()
      const person = await w.member(other)
      await call(h, "POST", `/organization/members/${person.accountId}/deactivate`, { token: other.admin.token })
      const { answer } = await signIn("generic", (nonce) => ({ email: person.email, email_verified: true, nonce }))
      expect(answer.status).toBe(403)
      expect(answer.body.reason).toBe("accountDeactivated")
    })

    it("an unknown provider is not found", async () => {
      expect((await call(h, "GET", "/auth/oidc/gibtsnicht")).status).toBe(404)
    })

    it("Microsoft Entra ID: the start goes to the tenant's authorize endpoint with nonce and PKCE", async () => {
      const started = await start(h, "entra")
      expect(started.location.origin).toBe("https://login.microsoftonline.com")
      expect(started.location.pathname).toBe("/00000000-0000-0000-0000-000000000001/oauth2/v2.0/authorize")
      expect(started.location.searchParams.get("code_challenge_method")).toBe("S256")
      expect(started.nonce).not.toBe("")
    })
  })
}

describe("single sign-on refusals as redirects", () => {
  it("with an error redirect configured, a refusal goes there with the reason", async () => {
    const idp = await startIdentityProvider({ clientId })
    const h = await memoryHarness({
      oidc: {
        providers: [{ kind: "oidc", id: "generic", issuer: idp.issuer, clientId, clientSecret: "geheim" }],
        errorRedirect: "/login"
      }
    })
    try {
      const started = await start(h, "generic")
      const answer = await callback(h, "generic", { code: "x", state: "falsch" }, started.cookie)
      expect(answer.status).toBe(302)
      expect(answer.headers.get("location")).toBe("http://localhost/login?error=wrongState")
    } finally {
      await h.close()
      await idp.close()
    }
  })
})
