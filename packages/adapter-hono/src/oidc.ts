import { constantTimeEqual } from "@oslojs/crypto/subtle"
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from "@oslojs/encoding"
import {
  CodeChallengeMethod,
  generateCodeVerifier,
  generateState,
  KeyCloak,
  MicrosoftEntraId,
  OAuth2Client
} from "arctic"

/**
 * Single sign-on through OpenID Connect (DOMAIN §4 extension): Keycloak, Microsoft Entra ID, or any provider
 * with discovery. Only the authorization code flow with PKCE, a nonce and a state, and only ID tokens signed
 * with RS256 or ES256, verified with Web Crypto against the provider's JWKS.
 */
export type OidcProviderConfig = KeycloakConfig | EntraConfig | GenericOidcConfig

interface CommonConfig {
  /** Appears in the paths: `/auth/oidc/<id>` and `/auth/oidc/<id>/callback`. */
  readonly id: string
  readonly clientId: string
  /** Null for a public client (PKCE only). */
  readonly clientSecret: string | null
  /** Default: openid, email, profile. */
  readonly scopes?: ReadonlyArray<string>
}

export interface KeycloakConfig extends CommonConfig {
  readonly kind: "keycloak"
  /** e.g. "https://sso.example.org/realms/verwaltung"; it is also the issuer. */
  readonly realmUrl: string
}

export interface EntraConfig extends CommonConfig {
  readonly kind: "entra"
  /**
   * The directory (tenant) id. A tenant-independent endpoint ("common", "organizations") is not supported:
   * its tokens carry the user's tenant as issuer, which this check would refuse.
   */
  readonly tenant: string
}

export interface GenericOidcConfig extends CommonConfig {
  readonly kind: "oidc"
  /** The issuer; its discovery document is read from `<issuer>/.well-known/openid-configuration`. */
  readonly issuer: string
}

/** What the identity provider said about the person, once the ID token checked out. */
export interface VerifiedIdentity {
  readonly email: string
  readonly subject: string
}

export class OidcFailure extends Error {
  constructor(readonly reason: string) {
    super(reason)
    this.name = "OidcFailure"
  }
}

interface Endpoints {
  readonly issuer: string
  readonly authorizationEndpoint: string
  readonly tokenEndpoint: string
  readonly jwksUri: string
}

type Jwk = JsonWebKey & { readonly kid?: string; readonly alg?: string }

const trimSlash = (s: string): string => s.replace(/\/+$/u, "")

const cacheTtlMillis = 10 * 60 * 1000

/** A provider ready to use: endpoints from its kind (or discovery) and a key cache. */
export class OidcProvider {
  private discovered: { readonly at: number; readonly endpoints: Endpoints } | undefined
  private keys: { readonly at: number; readonly keys: ReadonlyArray<Jwk> } | undefined

  constructor(
    readonly config: OidcProviderConfig,
    private readonly now: () => number
  ) {}

  get scopes(): Array<string> {
    return [...(this.config.scopes ?? ["openid", "email", "profile"])]
  }

  async endpoints(): Promise<Endpoints> {
    const c = this.config
    if (c.kind === "keycloak") {
      const realm = trimSlash(c.realmUrl)
      return {
        issuer: realm,
        authorizationEndpoint: `${realm}/protocol/openid-connect/auth`,
        tokenEndpoint: `${realm}/protocol/openid-connect/token`,
        jwksUri: `${realm}/protocol/openid-connect/certs`
      }
    }
    if (c.kind === "entra") {
      const base = `https://login.microsoftonline.com/${encodeURIComponent(c.tenant)}`
      return {
        issuer: `${base}/v2.0`,
        authorizationEndpoint: `${base}/oauth2/v2.0/authorize`,
        tokenEndpoint: `${base}/oauth2/v2.0/token`,
        jwksUri: `${base}/discovery/v2.0/keys`
      }
    }
    if (this.discovered && this.now() - this.discovered.at < cacheTtlMillis) return this.discovered.endpoints
    const issuer = trimSlash(c.issuer)
    const response = await fetch(`${issuer}/.well-known/openid-configuration`, {
      headers: { accept: "application/json" }
    })
    if (!response.ok) throw new OidcFailure("discoveryFailed")
    const doc = (await response.json()) as Record<string, unknown>
    const str = (key: string) => (typeof doc[key] === "string" ? (doc[key] as string) : undefined)
    const endpoints = {
      issuer: str("issuer"),
      authorizationEndpoint: str("authorization_endpoint"),
      tokenEndpoint: str("token_endpoint"),
      jwksUri: str("jwks_uri")
    }
    // The discovery document must name the configured issuer (OpenID Connect Discovery 1.0, §4.3).
    if (
      endpoints.issuer === undefined ||
      trimSlash(endpoints.issuer) !== issuer ||
      !endpoints.authorizationEndpoint ||
      !endpoints.tokenEndpoint ||
      !endpoints.jwksUri
    )
      throw new OidcFailure("discoveryInvalid")
    const resolved = endpoints as Endpoints
    this.discovered = { at: this.now(), endpoints: resolved }
    return resolved
  }

  /** Where the browser goes to sign in, with state, nonce and the PKCE challenge. */
  async authorizationUrl(redirectUri: string, state: string, nonce: string, verifier: string): Promise<URL> {
    const c = this.config
    let url: URL
    if (c.kind === "keycloak")
      url = new KeyCloak(trimSlash(c.realmUrl), c.clientId, c.clientSecret, redirectUri).createAuthorizationURL(
        state,
        verifier,
        this.scopes
      )
    else if (c.kind === "entra")
      url = new MicrosoftEntraId(c.tenant, c.clientId, c.clientSecret, redirectUri).createAuthorizationURL(
        state,
        verifier,
        this.scopes
      )
    else {
      const { authorizationEndpoint } = await this.endpoints()
      url = new OAuth2Client(c.clientId, c.clientSecret, redirectUri).createAuthorizationURLWithPKCE(
        authorizationEndpoint,
        state,
        CodeChallengeMethod.S256,
        verifier,
        this.scopes
      )
    }
    url.searchParams.set("nonce", nonce)
    return url
  }

  /** Exchanges the code for tokens and returns the ID token. */
  async idToken(redirectUri: string, code: string, verifier: string): Promise<string> {
    const c = this.config
    try {
      const tokens =
        c.kind === "keycloak"
          ? await new KeyCloak(
              trimSlash(c.realmUrl),
              c.clientId,
              c.clientSecret,
              redirectUri
            ).validateAuthorizationCode(code, verifier)
          : c.kind === "entra"
            ? await new MicrosoftEntraId(c.tenant, c.clientId, c.clientSecret, redirectUri).validateAuthorizationCode(
                code,
                verifier
              )
            : await new OAuth2Client(c.clientId, c.clientSecret, redirectUri).validateAuthorizationCode(
                (await this.endpoints()).tokenEndpoint,
                code,
                verifier
              )
      return tokens.idToken()
    } catch (e) {
      if (e instanceof OidcFailure) throw e
      throw new OidcFailure("tokenExchangeFailed")
    }
  }

  private async jwks(refresh: boolean): Promise<ReadonlyArray<Jwk>> {
    if (!refresh && this.keys && this.now() - this.keys.at < cacheTtlMillis) return this.keys.keys
    const { jwksUri } = await this.endpoints()
    const response = await fetch(jwksUri, { headers: { accept: "application/json" } })
    if (!response.ok) throw new OidcFailure("jwksUnavailable")
    const body = (await response.json()) as { keys?: unknown }
    const keys = Array.isArray(body.keys) ? (body.keys as ReadonlyArray<Jwk>) : []
    this.keys = { at: this.now(), keys }
    return keys
  }

  /** The key that signed a token: by `kid`, refetching the set once in case the provider rotated its keys. */
  async signingKey(kid: string | undefined, kty: "RSA" | "EC"): Promise<Jwk> {
    for (const refresh of [false, true]) {
      const candidates = (await this.jwks(refresh)).filter((k) => k.kty === kty && (k.use ?? "sig") === "sig")
      const key =
        kid === undefined
          ? candidates.length === 1
            ? candidates[0]
            : undefined
          : candidates.find((k) => k.kid === kid)
      if (key) return key
    }
    throw new OidcFailure("unknownSigningKey")
  }

  /**
   * Checks an ID token (OpenID Connect Core 1.0, §3.1.3.7): signature against the provider's JWKS, issuer,
   * audience (and authorized party), expiry, issue time and nonce; then the email must be verified.
   */
  async verify(idToken: string, nonce: string): Promise<VerifiedIdentity> {
    const parts = idToken.split(".")
    if (parts.length !== 3) throw new OidcFailure("malformedIdToken")
    const [h = "", p = "", s = ""] = parts
    const header = parseJson(h) as { alg?: unknown; kid?: unknown }
    const claims = parseJson(p) as Record<string, unknown>
    const algorithm = signatureAlgorithms[String(header.alg)]
    if (!algorithm) throw new OidcFailure("unsupportedAlgorithm")
    const jwk = await this.signingKey(typeof header.kid === "string" ? header.kid : undefined, algorithm.kty)
    let valid: boolean
    try {
      const { kid: _kid, alg: _alg, key_ops: _ops, ...material } = jwk
      const key = await crypto.subtle.importKey("jwk", material, algorithm.import, false, ["verify"])
      valid = await crypto.subtle.verify(
        algorithm.verify,
        key,
        toArrayBuffer(decodeBase64urlIgnorePadding(s)),
        toArrayBuffer(new TextEncoder().encode(`${h}.${p}`))
      )
    } catch {
      throw new OidcFailure("invalidSignature")
    }
    if (!valid) throw new OidcFailure("invalidSignature")

    const { issuer } = await this.endpoints()
    const nowSeconds = Math.floor(this.now() / 1000)
    const skew = 60
    if (typeof claims.iss !== "string" || trimSlash(claims.iss) !== issuer) throw new OidcFailure("wrongIssuer")
    const audiences = typeof claims.aud === "string" ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : []
    if (!audiences.includes(this.config.clientId)) throw new OidcFailure("wrongAudience")
    if ((audiences.length > 1 || claims.azp !== undefined) && claims.azp !== this.config.clientId)
      throw new OidcFailure("wrongAuthorizedParty")
    if (typeof claims.exp !== "number" || claims.exp + skew <= nowSeconds) throw new OidcFailure("idTokenExpired")
    if (typeof claims.iat === "number" && claims.iat - skew > nowSeconds) throw new OidcFailure("idTokenFromFuture")
    if (typeof claims.nonce !== "string" || !sameText(claims.nonce, nonce)) throw new OidcFailure("wrongNonce")
    if (typeof claims.sub !== "string" || claims.sub === "") throw new OidcFailure("missingSubject")
    if (typeof claims.email !== "string" || claims.email.trim() === "") throw new OidcFailure("missingEmail")
    // Entra does not send email_verified; its optional claim xms_edov says the domain owner verified the email.
    const verified = claims.email_verified === true || (this.config.kind === "entra" && claims.xms_edov === true)
    if (!verified) throw new OidcFailure("emailNotVerified")
    return { email: claims.email, subject: claims.sub }
  }
}

const signatureAlgorithms: Record<
  string,
  {
    readonly kty: "RSA" | "EC"
    readonly import: RsaHashedImportParams | EcKeyImportParams
    readonly verify: AlgorithmIdentifier | EcdsaParams
  }
> = {
  RS256: {
    kty: "RSA",
    import: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    verify: { name: "RSASSA-PKCS1-v1_5" }
  },
  // JWS carries ECDSA signatures as r‖s, the form Web Crypto verifies.
  ES256: { kty: "EC", import: { name: "ECDSA", namedCurve: "P-256" }, verify: { name: "ECDSA", hash: "SHA-256" } }
}

const toArrayBuffer = (bytes: Uint8Array): ArrayBuffer => {
  const copy = new Uint8Array(bytes.byteLength)
  copy.set(bytes)
  return copy.buffer
}

const parseJson = (segment: string): unknown => {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(decodeBase64urlIgnorePadding(segment)))
    if (typeof value !== "object" || value === null) throw new OidcFailure("malformedIdToken")
    return value
  } catch (e) {
    if (e instanceof OidcFailure) throw e
    throw new OidcFailure("malformedIdToken")
  }
}

export const sameText = (a: string, b: string): boolean => {
  const encoder = new TextEncoder()
  const x = encoder.encode(a)
  const y = encoder.encode(b)
  return x.length === y.length && constantTimeEqual(x, y)
}

// ---------------------------------------------------------------------------------------------------------
// The short-lived cookie that carries state, nonce and PKCE verifier from the start to the callback.

export interface PendingSignOn {
  readonly provider: string
  readonly state: string
  readonly nonce: string
  readonly verifier: string
}

export const newPendingSignOn = (provider: string): PendingSignOn => ({
  provider,
  state: generateState(),
  nonce: generateState(),
  verifier: generateCodeVerifier()
})

export const encodePending = (p: PendingSignOn): string =>
  encodeBase64urlNoPadding(new TextEncoder().encode(JSON.stringify(p)))

export const decodePending = (value: string | undefined): PendingSignOn | undefined => {
  if (!value) return undefined
  try {
    const parsed = JSON.parse(new TextDecoder().decode(decodeBase64urlIgnorePadding(value))) as Record<string, unknown>
    const { provider, state, nonce, verifier } = parsed
    if (
      typeof provider !== "string" ||
      typeof state !== "string" ||
      typeof nonce !== "string" ||
      typeof verifier !== "string"
    )
      return undefined
    return { provider, state, nonce, verifier }
  } catch {
    return undefined
  }
}

/** How long a started sign-on may take before its cookie dies. */
export const pendingSignOnSeconds = 600
