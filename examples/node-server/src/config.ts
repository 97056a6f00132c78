import { isAbsolute, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { Email, Password, ProofOfWorkCaptcha } from "@cloudportal/core"
import { defaultDemoPassword } from "@cloudportal/core/demo"
import { PublicBaseUrl } from "@cloudportal/email"
import { Duration, Option, Redacted, Schema } from "effect"

/** Where mails go: the development mailbox (`GET /api/dev/mailbox`) or Resend. */
export type MailTransport =
  | { readonly _tag: "DevMailbox" }
  | {
      readonly _tag: "Resend"
      readonly apiKey: Redacted.Redacted<string>
      readonly apiBaseUrl: string | undefined
      readonly from: string
      readonly replyTo: string | undefined
    }

/**
 * The registration's captcha: the development captcha (`GET /api/dev/captcha` hands out answers) or the
 * proof-of-work captcha (`GET /api/captcha`; the client does the work).
 */
export type CaptchaConfig =
  | { readonly _tag: "DevCaptcha" }
  | {
      readonly _tag: "ProofOfWork"
      readonly secret: Redacted.Redacted<string>
      readonly maxNumber: number
      readonly lifetime: Duration.Duration
    }

export interface ServerConfig {
  readonly production: boolean
  readonly host: string
  readonly port: number
  /** A libSQL URL: `file:` (from a plain path too), `:memory:`, `http(s)://`, `ws(s)://` or `libsql://`. */
  readonly databaseUrl: string
  readonly databaseAuthToken: Redacted.Redacted<string> | undefined
  /** Set explicitly: links in mails, the CSRF origin and the cookie flags follow it. */
  readonly publicBaseUrl: PublicBaseUrl | undefined
  /** Where links in mails point: `publicBaseUrl`, or in development the server's own address. */
  readonly linkBaseUrl: PublicBaseUrl
  readonly mail: MailTransport
  readonly captcha: CaptchaConfig
  /** The demo world of API.md, seeded once (development default). */
  readonly demo: { readonly password: string } | undefined
  /** The first operator account, created on start if missing (production). */
  readonly operator: { readonly email: string; readonly password: Redacted.Redacted<string> } | undefined
  readonly trustProxy: boolean
  /** Load shedding: requests in flight beyond this answer 503 with Retry-After at once. */
  readonly maxInFlight: number
  /**
   * Load shedding: once a crowd (16+ connections) may have waited longer than this in front of the app (the loop
   * busy without a pause since), new requests answer 503 with Retry-After at once until it has caught up.
   */
  readonly maxQueueDelay: Duration.Duration
  /** Connections the kernel completes and holds for the server until it accepts them (`listen` backlog). */
  readonly listenBacklog: number
  readonly dispatchInterval: Duration.Duration
  readonly sweepInterval: Duration.Duration
  /** How long a shutdown waits for requests in flight before it closes their connections. */
  readonly shutdownTimeout: Duration.Duration
}

/** One variable that cannot be used as it is, and why. */
export interface ConfigProblem {
  readonly variable: string
  readonly message: string
}

export type ConfigResult =
  | { readonly _tag: "Valid"; readonly config: ServerConfig }
  | { readonly _tag: "Invalid"; readonly problems: ReadonlyArray<ConfigProblem> }

export type Environment = Readonly<Record<string, string | undefined>>

/** The documented variables with their defaults, for the README and the startup banner. */
export const defaults = {
  HOST: "127.0.0.1",
  PORT: 8787,
  DATABASE_URL: "./data/cloudportal.db",
  CLOUDPORTAL_MAX_IN_FLIGHT: 64,
  CLOUDPORTAL_MAX_QUEUE_DELAY: "200 millis",
  CLOUDPORTAL_LISTEN_BACKLOG: 511,
  CLOUDPORTAL_DISPATCH_INTERVAL: "5 seconds",
  CLOUDPORTAL_SWEEP_INTERVAL: "5 minutes",
  CLOUDPORTAL_SHUTDOWN_TIMEOUT: "10 seconds",
  CLOUDPORTAL_CAPTCHA_MAX_NUMBER: ProofOfWorkCaptcha.defaults.maxNumber,
  CLOUDPORTAL_CAPTCHA_LIFETIME: "10 minutes"
} as const

const remoteSchemes = /^(https?|wss?|libsql):\/\//iu

/**
 * A libSQL URL from what a person writes: URLs pass as they are, a plain path becomes a `file:` URL
 * resolved against `cwd` (where the command was started, so `./data/…` lands beside the person).
 */
export const databaseUrlOf = (value: string, cwd: string): string | undefined => {
  if (value === ":memory:" || remoteSchemes.test(value)) return value
  if (value.startsWith("file:")) return value
  if (/^[a-z][a-z0-9+.-]*:\/\//iu.test(value)) return undefined
  return pathToFileURL(isAbsolute(value) ? value : resolve(cwd, value)).href
}

const isValid = <S extends Schema.Top>(schema: S, value: unknown): boolean =>
  Option.isSome(Schema.decodeUnknownOption(schema as unknown as Schema.Codec<unknown, unknown>)(value))

const truthy = new Set(["1", "true", "yes", "on"])
const falsy = new Set(["0", "false", "no", "off"])

/**
 * Reads the configuration from environment variables. Pure: every bad or missing variable is reported
 * at once, named, with what it should hold; nothing starts on a partial configuration.
 */
export const loadConfig = (env: Environment, cwd: string): ConfigResult => {
  const problems: Array<ConfigProblem> = []
  const problem = (variable: string, message: string) => {
    problems.push({ variable, message })
  }
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim()
    return value === undefined || value === "" ? undefined : value
  }
  const flag = (name: string, fallback: boolean): boolean => {
    const value = text(name)?.toLowerCase()
    if (value === undefined) return fallback
    if (truthy.has(value)) return true
    if (falsy.has(value)) return false
    problem(name, `must be true or false, got "${value}"`)
    return fallback
  }
  const duration = (
    name:
      | "CLOUDPORTAL_DISPATCH_INTERVAL"
      | "CLOUDPORTAL_SWEEP_INTERVAL"
      | "CLOUDPORTAL_SHUTDOWN_TIMEOUT"
      | "CLOUDPORTAL_CAPTCHA_LIFETIME"
      | "CLOUDPORTAL_MAX_QUEUE_DELAY"
  ): Duration.Duration => {
    const value = text(name) ?? defaults[name]
    const parsed = Duration.fromInput(value as Duration.Input)
    if (Option.isSome(parsed) && Duration.isFinite(parsed.value) && Duration.toMillis(parsed.value) > 0)
      return parsed.value
    problem(name, `must be a positive duration such as "30 seconds" or "5 minutes", got "${value}"`)
    return Duration.fromInputUnsafe(defaults[name])
  }

  const nodeEnv = text("NODE_ENV") ?? "development"
  const production = nodeEnv === "production"

  const host = text("HOST") ?? defaults.HOST
  if (!/^[\w.:[\]-]+$/u.test(host)) problem("HOST", `must be a host name or IP address, got "${host}"`)

  const rawPort = text("PORT")
  let port: number = defaults.PORT
  if (rawPort !== undefined) {
    port = Number(rawPort)
    if (!/^\d+$/u.test(rawPort) || port > 65_535) {
      problem("PORT", `must be a port number from 0 to 65535, got "${rawPort}"`)
      port = defaults.PORT
    }
  }

  const rawDatabase = text("DATABASE_URL") ?? defaults.DATABASE_URL
  const databaseUrl = databaseUrlOf(rawDatabase, cwd) ?? ""
  if (databaseUrl === "")
    problem(
      "DATABASE_URL",
      `must be a file path, file:, :memory:, http(s)://, ws(s):// or libsql:// URL, got "${rawDatabase}"`
    )
  const databaseAuthToken = text("DATABASE_AUTH_TOKEN")

  const rawPublic = text("CLOUDPORTAL_PUBLIC_BASE_URL")
  let publicBaseUrl: PublicBaseUrl | undefined
  if (rawPublic !== undefined) {
    const trimmed = rawPublic.replace(/\/+$/u, "")
    if (isValid(PublicBaseUrl, trimmed)) publicBaseUrl = trimmed as PublicBaseUrl
    else
      problem(
        "CLOUDPORTAL_PUBLIC_BASE_URL",
        `must be an absolute http(s) URL without query, fragment or credentials, got "${rawPublic}"`
      )
  } else if (production)
    problem("CLOUDPORTAL_PUBLIC_BASE_URL", "is required in production: the address users reach the portal at")
  const ownHost = host === "0.0.0.0" || host === "::" ? "localhost" : host.includes(":") ? `[${host}]` : host
  const linkBaseUrl = publicBaseUrl ?? (`http://${ownHost}:${port}` as PublicBaseUrl)

  let mail: MailTransport = { _tag: "DevMailbox" }
  const resendKey = text("RESEND_API_KEY")
  const mailFrom = text("CLOUDPORTAL_MAIL_FROM")
  const resendBase = text("RESEND_BASE_URL")
  if (resendKey !== undefined) {
    if (mailFrom === undefined)
      problem("CLOUDPORTAL_MAIL_FROM", "is required with RESEND_API_KEY: a sender on a domain verified with Resend")
    if (resendBase !== undefined && !isValid(PublicBaseUrl, resendBase.replace(/\/+$/u, "")))
      problem("RESEND_BASE_URL", `must be an absolute http(s) URL, got "${resendBase}"`)
    mail = {
      _tag: "Resend",
      apiKey: Redacted.make(resendKey),
      apiBaseUrl: resendBase,
      from: mailFrom ?? "",
      replyTo: text("CLOUDPORTAL_MAIL_REPLY_TO")
    }
  } else if (production)
    problem("RESEND_API_KEY", "is required in production: the development mailbox keeps link tokens in clear")

  // Production needs the real captcha: with the development one, nobody outside could ever register.
  let captcha: CaptchaConfig = { _tag: "DevCaptcha" }
  const captchaSecret = text("CLOUDPORTAL_CAPTCHA_SECRET")
  const rawMaxNumber = text("CLOUDPORTAL_CAPTCHA_MAX_NUMBER")
  let maxNumber: number = defaults.CLOUDPORTAL_CAPTCHA_MAX_NUMBER
  if (rawMaxNumber !== undefined) {
    maxNumber = Number(rawMaxNumber)
    if (!/^\d+$/u.test(rawMaxNumber) || maxNumber < 1 || maxNumber > ProofOfWorkCaptcha.maxMaxNumber) {
      problem(
        "CLOUDPORTAL_CAPTCHA_MAX_NUMBER",
        `must be a whole number from 1 to ${ProofOfWorkCaptcha.maxMaxNumber}, got "${rawMaxNumber}"`
      )
      maxNumber = defaults.CLOUDPORTAL_CAPTCHA_MAX_NUMBER
    }
  }
  const captchaLifetime = duration("CLOUDPORTAL_CAPTCHA_LIFETIME")
  if (captchaSecret !== undefined) {
    if (captchaSecret.length < ProofOfWorkCaptcha.minSecretLength)
      problem(
        "CLOUDPORTAL_CAPTCHA_SECRET",
        `must be at least ${ProofOfWorkCaptcha.minSecretLength} characters long (random, e.g. \`openssl rand -base64 32\`)`
      )
    captcha = { _tag: "ProofOfWork", secret: Redacted.make(captchaSecret), maxNumber, lifetime: captchaLifetime }
  } else if (production)
    problem(
      "CLOUDPORTAL_CAPTCHA_SECRET",
      "is required in production: it signs the captcha challenges (at least 32 random characters)"
    )

  const demoPassword = text("CLOUDPORTAL_DEMO_PASSWORD") ?? defaultDemoPassword
  const seedDemo = flag("CLOUDPORTAL_SEED_DEMO", !production)
  if (seedDemo && !isValid(Password, demoPassword))
    problem("CLOUDPORTAL_DEMO_PASSWORD", "must be 25 to 1024 characters long (the password policy)")
  if (seedDemo && production && demoPassword === defaultDemoPassword)
    problem(
      "CLOUDPORTAL_DEMO_PASSWORD",
      "must be set to a secret of your own to seed demo accounts in production: the default is published"
    )

  const operatorEmail = text("CLOUDPORTAL_OPERATOR_EMAIL")
  const operatorPassword = text("CLOUDPORTAL_OPERATOR_PASSWORD")
  let operator: ServerConfig["operator"]
  if (operatorEmail !== undefined || operatorPassword !== undefined || production) {
    if (operatorEmail === undefined)
      problem("CLOUDPORTAL_OPERATOR_EMAIL", "is required: the email of the first operator account")
    else if (!isValid(Email, operatorEmail))
      problem("CLOUDPORTAL_OPERATOR_EMAIL", `must be an email address, got "${operatorEmail}"`)
    if (operatorPassword === undefined)
      problem("CLOUDPORTAL_OPERATOR_PASSWORD", "is required with CLOUDPORTAL_OPERATOR_EMAIL and in production")
    else if (!isValid(Password, operatorPassword))
      problem("CLOUDPORTAL_OPERATOR_PASSWORD", "must be 25 to 1024 characters long (the password policy)")
    else if (production && (operatorPassword === defaultDemoPassword || operatorPassword === demoPassword))
      problem("CLOUDPORTAL_OPERATOR_PASSWORD", "must not be the demo password in production")
    operator = { email: operatorEmail ?? "", password: Redacted.make(operatorPassword ?? "") }
  }

  const rawMaxInFlight = text("CLOUDPORTAL_MAX_IN_FLIGHT")
  let maxInFlight: number = defaults.CLOUDPORTAL_MAX_IN_FLIGHT
  if (rawMaxInFlight !== undefined) {
    const parsed = Number(rawMaxInFlight)
    if (Number.isSafeInteger(parsed) && parsed >= 1) maxInFlight = parsed
    else problem("CLOUDPORTAL_MAX_IN_FLIGHT", `must be a whole number of at least 1, got "${rawMaxInFlight}"`)
  }

  const maxQueueDelay = duration("CLOUDPORTAL_MAX_QUEUE_DELAY")
  // Below the loop monitor's resolution (10 ms) and a garbage collection's pause the guard would refuse at random;
  // beyond a minute it guards nothing a client still waits for.
  if (Duration.toMillis(maxQueueDelay) < 20 || Duration.toMillis(maxQueueDelay) > 60_000)
    problem(
      "CLOUDPORTAL_MAX_QUEUE_DELAY",
      `must be from 20 millis to 1 minute, got "${text("CLOUDPORTAL_MAX_QUEUE_DELAY") ?? ""}"`
    )

  const rawBacklog = text("CLOUDPORTAL_LISTEN_BACKLOG")
  let listenBacklog: number = defaults.CLOUDPORTAL_LISTEN_BACKLOG
  if (rawBacklog !== undefined) {
    const parsed = Number(rawBacklog)
    if (/^\d+$/u.test(rawBacklog) && parsed >= 1 && parsed <= 65_535) listenBacklog = parsed
    else problem("CLOUDPORTAL_LISTEN_BACKLOG", `must be a whole number from 1 to 65535, got "${rawBacklog}"`)
  }

  const config: ServerConfig = {
    production,
    host,
    port,
    databaseUrl,
    databaseAuthToken: databaseAuthToken === undefined ? undefined : Redacted.make(databaseAuthToken),
    publicBaseUrl,
    linkBaseUrl,
    mail,
    captcha,
    demo: seedDemo ? { password: demoPassword } : undefined,
    operator,
    trustProxy: flag("CLOUDPORTAL_TRUST_PROXY", false),
    maxInFlight,
    maxQueueDelay,
    listenBacklog,
    dispatchInterval: duration("CLOUDPORTAL_DISPATCH_INTERVAL"),
    sweepInterval: duration("CLOUDPORTAL_SWEEP_INTERVAL"),
    shutdownTimeout: duration("CLOUDPORTAL_SHUTDOWN_TIMEOUT")
  }
  return problems.length === 0 ? { _tag: "Valid", config } : { _tag: "Invalid", problems }
}

/** The message printed when the configuration is refused: one line per variable. */
export const formatProblems = (problems: ReadonlyArray<ConfigProblem>): string =>
  [
    "cloudportal: Konfiguration ungültig / invalid configuration:",
    ...problems.map((p) => `  ${p.variable} ${p.message}`),
    "Siehe / see examples/node-server/README.md"
  ].join("\n")
