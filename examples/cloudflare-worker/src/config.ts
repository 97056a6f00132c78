import { Email, Password, ProofOfWorkCaptcha } from "@cloudportal/core"
import { defaultDemoPassword } from "@cloudportal/core/demo"
import { PublicBaseUrl } from "@cloudportal/email"
import { Duration, Option, Redacted, Schema } from "effect"

/** The Worker's bindings: `[vars]` in wrangler.toml, secrets through `wrangler secret put`. */
export interface Env {
  readonly DATABASE_URL?: string
  readonly DATABASE_AUTH_TOKEN?: string
  readonly CLOUDPORTAL_PUBLIC_BASE_URL?: string
  /** "true": development routes (`/api/dev/mailbox`, `/api/dev/captcha`) and the dev mailbox instead of Resend. */
  readonly CLOUDPORTAL_DEV?: string
  readonly RESEND_API_KEY?: string
  readonly RESEND_BASE_URL?: string
  readonly CLOUDPORTAL_MAIL_FROM?: string
  readonly CLOUDPORTAL_MAIL_REPLY_TO?: string
  readonly CLOUDPORTAL_OPERATOR_EMAIL?: string
  readonly CLOUDPORTAL_OPERATOR_PASSWORD?: string
  /** "true": seed the demo world of API.md (development only). */
  readonly CLOUDPORTAL_SEED_DEMO?: string
  readonly CLOUDPORTAL_DEMO_PASSWORD?: string
  /** "false": mail only on the cron tick; by default each change also sends its mail right after the response. */
  readonly CLOUDPORTAL_DISPATCH_ON_REQUEST?: string
  /** PBKDF2 iterations of the password hasher; workerd's Web Crypto allows at most 100,000. */
  readonly CLOUDPORTAL_PBKDF2_ITERATIONS?: string
  /** Signs the proof-of-work captcha (a secret, at least 32 characters); required unless CLOUDPORTAL_DEV is true. */
  readonly CLOUDPORTAL_CAPTCHA_SECRET?: string
  /** The captcha's difficulty (default 100000). */
  readonly CLOUDPORTAL_CAPTCHA_MAX_NUMBER?: string
  /** How long a captcha challenge can be answered (default "10 minutes"). */
  readonly CLOUDPORTAL_CAPTCHA_LIFETIME?: string
}

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
 * The registration's captcha: the development captcha (`/api/dev/captcha` hands out answers) or the proof-of-work
 * captcha (`/api/captcha`; the client does the work).
 */
export type CaptchaConfig =
  | { readonly _tag: "DevCaptcha" }
  | {
      readonly _tag: "ProofOfWork"
      readonly secret: Redacted.Redacted<string>
      readonly maxNumber: number
      readonly lifetime: Duration.Duration
    }

export interface WorkerConfig {
  readonly dev: boolean
  readonly databaseUrl: string
  readonly databaseAuthToken: string | undefined
  readonly publicBaseUrl: PublicBaseUrl
  readonly mail: MailTransport
  readonly captcha: CaptchaConfig
  readonly operator: { readonly email: string; readonly password: Redacted.Redacted<string> } | undefined
  readonly demo: { readonly password: string } | undefined
  readonly pbkdf2Iterations: number
  readonly dispatchOnRequest: boolean
}

export interface ConfigProblem {
  readonly variable: string
  readonly message: string
}

export type ConfigResult =
  | { readonly _tag: "Valid"; readonly config: WorkerConfig }
  | { readonly _tag: "Invalid"; readonly problems: ReadonlyArray<ConfigProblem> }

/** workerd refuses PBKDF2 above this many iterations. */
export const maxPbkdf2Iterations = 100_000

const isValid = (schema: Schema.Top, value: unknown): boolean =>
  Option.isSome(Schema.decodeUnknownOption(schema as unknown as Schema.Codec<unknown, unknown>)(value))

/** Reads the bindings; every bad or missing one is reported, named. */
export const loadConfig = (env: Env): ConfigResult => {
  const problems: Array<ConfigProblem> = []
  const problem = (variable: keyof Env, message: string) => {
    problems.push({ variable, message })
  }
  const text = (name: keyof Env): string | undefined => {
    const value = env[name]?.trim()
    return value === undefined || value === "" ? undefined : value
  }
  const dev = text("CLOUDPORTAL_DEV") === "true"

  const databaseUrl = text("DATABASE_URL") ?? ""
  // The web client of @libsql/client speaks HTTP only: no files, no memory databases on the edge.
  if (!/^(https?|wss?|libsql):\/\//iu.test(databaseUrl))
    problem("DATABASE_URL", "is required: an http(s):// or libsql:// URL of sqld or Turso")

  const rawPublic = text("CLOUDPORTAL_PUBLIC_BASE_URL")?.replace(/\/+$/u, "")
  if (rawPublic === undefined) problem("CLOUDPORTAL_PUBLIC_BASE_URL", "is required: where links in mails point")
  else if (!isValid(PublicBaseUrl, rawPublic))
    problem("CLOUDPORTAL_PUBLIC_BASE_URL", "must be an absolute http(s) URL without query, fragment or credentials")

  let mail: MailTransport = { _tag: "DevMailbox" }
  const apiKey = text("RESEND_API_KEY")
  if (apiKey !== undefined) {
    const from = text("CLOUDPORTAL_MAIL_FROM")
    if (from === undefined) problem("CLOUDPORTAL_MAIL_FROM", "is required with RESEND_API_KEY")
    mail = {
      _tag: "Resend",
      apiKey: Redacted.make(apiKey),
      apiBaseUrl: text("RESEND_BASE_URL"),
      from: from ?? "",
      replyTo: text("CLOUDPORTAL_MAIL_REPLY_TO")
    }
  } else if (!dev) problem("RESEND_API_KEY", "is required unless CLOUDPORTAL_DEV is true")

  // Outside development the real captcha: with the development one (its answers served nowhere) nobody could register.
  let captcha: CaptchaConfig = { _tag: "DevCaptcha" }
  const captchaSecret = text("CLOUDPORTAL_CAPTCHA_SECRET")
  const rawMaxNumber = text("CLOUDPORTAL_CAPTCHA_MAX_NUMBER")
  const maxNumber = rawMaxNumber === undefined ? ProofOfWorkCaptcha.defaults.maxNumber : Number(rawMaxNumber)
  if (
    rawMaxNumber !== undefined &&
    (!/^\d+$/u.test(rawMaxNumber) || maxNumber < 1 || maxNumber > ProofOfWorkCaptcha.maxMaxNumber)
  )
    problem("CLOUDPORTAL_CAPTCHA_MAX_NUMBER", `must be a whole number from 1 to ${ProofOfWorkCaptcha.maxMaxNumber}`)
  const rawLifetime = text("CLOUDPORTAL_CAPTCHA_LIFETIME")
  const lifetime =
    rawLifetime === undefined
      ? Option.some(ProofOfWorkCaptcha.defaults.lifetime)
      : Duration.fromInput(rawLifetime as Duration.Input)
  if (Option.isNone(lifetime) || !Duration.isFinite(lifetime.value) || Duration.toMillis(lifetime.value) < 1)
    problem("CLOUDPORTAL_CAPTCHA_LIFETIME", `must be a positive duration such as "10 minutes"`)
  if (captchaSecret !== undefined) {
    if (captchaSecret.length < ProofOfWorkCaptcha.minSecretLength)
      problem("CLOUDPORTAL_CAPTCHA_SECRET", `must be at least ${ProofOfWorkCaptcha.minSecretLength} characters long`)
    captcha = {
      _tag: "ProofOfWork",
      secret: Redacted.make(captchaSecret),
      maxNumber,
      lifetime: Option.getOrElse(lifetime, () => ProofOfWorkCaptcha.defaults.lifetime)
    }
  } else if (!dev) problem("CLOUDPORTAL_CAPTCHA_SECRET", "is required unless CLOUDPORTAL_DEV is true (a secret)")

  let operator: WorkerConfig["operator"]
  const operatorEmail = text("CLOUDPORTAL_OPERATOR_EMAIL")
  const operatorPassword = text("CLOUDPORTAL_OPERATOR_PASSWORD")
  if (operatorEmail !== undefined || operatorPassword !== undefined) {
    if (operatorEmail === undefined || !isValid(Email, operatorEmail))
      problem("CLOUDPORTAL_OPERATOR_EMAIL", "must be the email address of the first operator")
    if (operatorPassword === undefined || !isValid(Password, operatorPassword))
      problem("CLOUDPORTAL_OPERATOR_PASSWORD", "must be 25 to 1024 characters long (the password policy)")
    else if (!dev && operatorPassword === defaultDemoPassword)
      problem("CLOUDPORTAL_OPERATOR_PASSWORD", "must not be the published demo password outside development")
    operator = { email: operatorEmail ?? "", password: Redacted.make(operatorPassword ?? "") }
  }

  let demo: WorkerConfig["demo"]
  if (text("CLOUDPORTAL_SEED_DEMO") === "true") {
    if (!dev) problem("CLOUDPORTAL_SEED_DEMO", "is for development only (CLOUDPORTAL_DEV=true)")
    const password = text("CLOUDPORTAL_DEMO_PASSWORD") ?? defaultDemoPassword
    if (!isValid(Password, password))
      problem("CLOUDPORTAL_DEMO_PASSWORD", "must be 25 to 1024 characters long (the password policy)")
    demo = { password }
  }

  const rawIterations = text("CLOUDPORTAL_PBKDF2_ITERATIONS")
  const pbkdf2Iterations = rawIterations === undefined ? maxPbkdf2Iterations : Number(rawIterations)
  if (!Number.isSafeInteger(pbkdf2Iterations) || pbkdf2Iterations < 1 || pbkdf2Iterations > maxPbkdf2Iterations)
    problem("CLOUDPORTAL_PBKDF2_ITERATIONS", `must be a whole number from 1 to ${maxPbkdf2Iterations}`)

  const config: WorkerConfig = {
    dev,
    databaseUrl,
    databaseAuthToken: text("DATABASE_AUTH_TOKEN"),
    publicBaseUrl: (rawPublic ?? "") as PublicBaseUrl,
    mail,
    captcha,
    operator,
    demo,
    pbkdf2Iterations,
    dispatchOnRequest: text("CLOUDPORTAL_DISPATCH_ON_REQUEST") !== "false"
  }
  return problems.length === 0 ? { _tag: "Valid", config } : { _tag: "Invalid", problems }
}
