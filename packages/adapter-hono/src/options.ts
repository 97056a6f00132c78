import type { RateLimit } from "@cloudportal/core"
import { Duration } from "effect"
import type { Context } from "hono"
import type { OidcProviderConfig } from "./oidc.ts"

/** A limit per address (the email an action mails to or signs in as) and one per client (DOMAIN §11). */
export interface RateLimitPair {
  readonly perAddress: RateLimit
  readonly perClient: RateLimit
}

/** The actions that are limited: everything that sends email, and sign-in. */
export interface RateLimitRules {
  readonly login: RateLimitPair
  readonly passwordReset: RateLimitPair
  readonly registration: RateLimitPair
  readonly resendConfirmation: RateLimitPair
  /** Inviting and re-inviting members; core limits the mails per invited address as well. */
  readonly invitation: RateLimitPair
}

const rule = (limit: number, window: Duration.Duration): RateLimit => ({ limit, window })

export const defaultRateLimits: RateLimitRules = {
  login: { perAddress: rule(10, Duration.minutes(15)), perClient: rule(100, Duration.minutes(15)) },
  passwordReset: { perAddress: rule(5, Duration.hours(1)), perClient: rule(30, Duration.hours(1)) },
  registration: { perAddress: rule(5, Duration.hours(1)), perClient: rule(20, Duration.hours(1)) },
  resendConfirmation: { perAddress: rule(5, Duration.hours(1)), perClient: rule(30, Duration.hours(1)) },
  invitation: { perAddress: rule(10, Duration.hours(1)), perClient: rule(200, Duration.hours(1)) }
}

export interface OidcOptions {
  readonly providers: ReadonlyArray<OidcProviderConfig>
  /** Where the browser goes after a successful sign-on (default: the public base URL's root). */
  readonly successRedirect?: string
  /**
   * Where the browser goes after a refused sign-on, with `?error=<code>` appended. Without it the callback
   * answers 403 with a problem document.
   */
  readonly errorRedirect?: string
}

export interface AppOptions {
  /** Where the API is mounted (default "/api"). */
  readonly basePath?: string
  /**
   * The public origin clients use, e.g. "https://portal.example.org". Needed behind a TLS-terminating proxy:
   * the CSRF check compares `Origin` with it, the cookie flags follow its scheme, OIDC redirect URIs use it.
   * Without it the request's own URL counts.
   */
  readonly publicBaseUrl?: string
  /** Development mode: serves `/dev/mailbox` and `/dev/captcha`. Never in production. */
  readonly dev?: boolean
  /**
   * Serves `GET /captcha` (default true): a proof-of-work challenge from the runtime's `CaptchaChallenges`
   * (compose `ProofOfWorkCaptcha.layer` of core). A runtime without that service answers it with 404; false leaves
   * the route out, e.g. beside another captcha provider.
   */
  readonly captchaChallenges?: boolean
  readonly oidc?: OidcOptions
  /** Overrides per action; the rest keep `defaultRateLimits`. */
  readonly rateLimits?: Partial<RateLimitRules>
  /** Largest request body in bytes (default 1 MiB); larger ones answer 413. */
  readonly bodyLimitBytes?: number
  /**
   * Load shedding: at most this many requests in flight in this app instance; the next one answers at once
   * with 503 `Overloaded` and `Retry-After`, instead of waiting in an unbounded queue (default: no limit).
   * It sees only requests that reached the app; on Node the queue in front of it (connections not yet accepted,
   * requests not yet read) needs a guard before Hono, as the example node server has (README, "Load shedding").
   */
  readonly maxInFlight?: number
  /** Trust the first hop of `X-Forwarded-For` as the client address (only behind a proxy that sets it). */
  readonly trustProxy?: boolean
  /**
   * The client address from the connection, for the per-client rate limits when no trusted proxy tells it
   * (on Node: `getConnInfo(c).remote.address` of @hono/node-server). Without either, every client counts as
   * "unknown", so the per-client limits become one shared limit.
   */
  readonly clientAddress?: (c: Context) => string | undefined
}

export interface ResolvedOptions {
  readonly basePath: string
  readonly publicBaseUrl: URL | undefined
  readonly dev: boolean
  readonly captchaChallenges: boolean
  readonly oidc: OidcOptions | undefined
  readonly rateLimits: RateLimitRules
  readonly bodyLimitBytes: number
  readonly maxInFlight: number
  readonly trustProxy: boolean
  readonly clientAddress: ((c: Context) => string | undefined) | undefined
}

const normalizeBasePath = (path: string): string => {
  const trimmed = path.trim().replace(/\/+$/u, "")
  if (trimmed === "") return ""
  return trimmed.startsWith("/") ? trimmed : `/${trimmed}`
}

export const resolveOptions = (options: AppOptions = {}): ResolvedOptions => ({
  basePath: normalizeBasePath(options.basePath ?? "/api"),
  publicBaseUrl: options.publicBaseUrl === undefined ? undefined : new URL(options.publicBaseUrl),
  dev: options.dev ?? false,
  captchaChallenges: options.captchaChallenges ?? true,
  oidc: options.oidc,
  rateLimits: { ...defaultRateLimits, ...options.rateLimits },
  bodyLimitBytes: options.bodyLimitBytes ?? 1024 * 1024,
  maxInFlight: options.maxInFlight ?? Number.POSITIVE_INFINITY,
  trustProxy: options.trustProxy ?? false,
  clientAddress: options.clientAddress
})
