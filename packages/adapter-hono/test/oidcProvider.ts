import { createServer } from "node:http"
import type { AddressInfo } from "node:net"

const b64url = (bytes: Uint8Array | string): string =>
  Buffer.from(typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes).toString("base64url")

export interface TestIdentityProvider {
  /** The issuer, also the Keycloak realm URL: `http://127.0.0.1:<port>/realms/test`. */
  readonly issuer: string
  /** What the token endpoint answers for `code`: an ID token with these claims (merged over the defaults). */
  readonly willIssue: (code: string, claims: Record<string, unknown>, options?: { readonly signWith?: "other" }) => void
  readonly close: () => Promise<void>
}

interface Key {
  readonly kid: string
  readonly alg: "RS256" | "ES256"
  readonly privateKey: CryptoKey
  readonly publicJwk: JsonWebKey
}

const makeKey = async (kid: string, alg: "RS256" | "ES256"): Promise<Key> => {
  const pair =
    alg === "RS256"
      ? await crypto.subtle.generateKey(
          {
            name: "RSASSA-PKCS1-v1_5",
            modulusLength: 2048,
            publicExponent: new Uint8Array([1, 0, 1]),
            hash: "SHA-256"
          },
          true,
          ["sign", "verify"]
        )
      : await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])
  return { kid, alg, privateKey: pair.privateKey, publicJwk: await crypto.subtle.exportKey("jwk", pair.publicKey) }
}

const sign = async (key: Key, claims: Record<string, unknown>): Promise<string> => {
  const header = b64url(JSON.stringify({ alg: key.alg, kid: key.kid, typ: "JWT" }))
  const payload = b64url(JSON.stringify(claims))
  const signature = await crypto.subtle.sign(
    key.alg === "RS256" ? { name: "RSASSA-PKCS1-v1_5" } : { name: "ECDSA", hash: "SHA-256" },
    key.privateKey,
    new TextEncoder().encode(`${header}.${payload}`)
  )
  return `${header}.${payload}.${b64url(new Uint8Array(signature))}`
}

/**
 * A small OpenID Connect provider on 127.0.0.1: discovery, JWKS (a key made with Web Crypto) and a token
 * endpoint that issues a signed ID token for a code the test registered. Keycloak's paths, so that the same
 * server serves the generic and the Keycloak configuration.
 */
export const startIdentityProvider = async (options: {
  readonly clientId: string
  readonly alg?: "RS256" | "ES256"
}): Promise<TestIdentityProvider> => {
  const alg = options.alg ?? "RS256"
  const key = await makeKey("key-1", alg)
  // Same kid, different key material: a token signed with it must fail the signature check.
  const impostor = await makeKey("key-1", alg)
  const codes = new Map<string, { claims: Record<string, unknown>; signWith?: "other" }>()
  let issuer = ""
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", issuer)
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" })
      res.end(JSON.stringify(body))
    }
    const realm = "/realms/test"
    if (req.method === "GET" && url.pathname === `${realm}/.well-known/openid-configuration`)
      return json(200, {
        issuer,
        authorization_endpoint: `${issuer}/protocol/openid-connect/auth`,
        token_endpoint: `${issuer}/protocol/openid-connect/token`,
        jwks_uri: `${issuer}/protocol/openid-connect/certs`
      })
    if (req.method === "GET" && url.pathname === `${realm}/protocol/openid-connect/certs`)
      return json(200, { keys: [{ ...key.publicJwk, kid: key.kid, alg: key.alg, use: "sig" }] })
    if (req.method === "POST" && url.pathname === `${realm}/protocol/openid-connect/token`) {
      let raw = ""
      req.on("data", (chunk: Buffer) => {
        raw += chunk.toString("utf8")
      })
      req.on("end", () => {
        const form = new URLSearchParams(raw)
        const entry = codes.get(form.get("code") ?? "")
        if (!entry || !form.get("code_verifier")) return json(400, { error: "invalid_grant" })
        codes.delete(form.get("code") ?? "")
        const now = Math.floor(Date.now() / 1000)
        const claims = {
          iss: issuer,
          aud: options.clientId,
          sub: "user-1",
          iat: now,
          exp: now + 300,
          ...entry.claims
        }
        void sign(entry.signWith === "other" ? impostor : key, claims).then((idToken) =>
          json(200, { access_token: "at", token_type: "Bearer", expires_in: 300, id_token: idToken })
        )
      })
      return
    }
    json(404, { error: "not_found" })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/test`
  return {
    issuer,
    willIssue: (code, claims, opts) => {
      codes.set(code, { claims, ...(opts?.signWith ? { signWith: opts.signWith } : {}) })
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
