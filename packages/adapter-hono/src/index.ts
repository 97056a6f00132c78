/**
 * @cloudportal/adapter-hono — the HTTP API of the Cloud-Service-Portal as a Hono app (API.md).
 * Web-standard only: mount it on Node (@hono/node-server), on Cloudflare Workers, or in an existing Hono app.
 */
export { type AppType, apiInfo, createApp } from "./app.ts"
export { adapterProblems, type CoreError, type CoreErrorTag, coreErrors } from "./errors.ts"
export { type JsonOf, toJson } from "./json.ts"
export { type Locale, localeOf } from "./locale.ts"
export type { EntraConfig, GenericOidcConfig, KeycloakConfig, OidcProviderConfig } from "./oidc.ts"
export { openApiDocument, type RouteDoc } from "./openapi.ts"
export {
  type AppOptions,
  defaultRateLimits,
  type OidcOptions,
  type RateLimitPair,
  type RateLimitRules
} from "./options.ts"
export { type FieldError, type Problem, problemType } from "./problem.ts"
export { type CoreRuntime, problemOfError } from "./runtime.ts"
export { plainSessionCookie, secureSessionCookie } from "./session.ts"
export { type SignOnResult, signInWithVerifiedEmail } from "./verifiedEmailLogin.ts"
