import { DevCaptcha, Dispatcher, ProofOfWorkCaptcha, SecureRandom, useCases } from "@cloudportal/core"
import { DevMailboxMailer, OrderSummaryPdf, ResendMailer } from "@cloudportal/email"
import { layerArgon2 } from "@cloudportal/password-argon2"
import { layer as libsql } from "@cloudportal/storage-libsql"
import { Layer, Redacted } from "effect"
import type { ServerConfig } from "./config.ts"

/** Every store of core on one libSQL database (file, sqld or Turso), migrated when the layer starts. */
export const storage = (config: ServerConfig) =>
  libsql({
    url: config.databaseUrl,
    authToken: config.databaseAuthToken === undefined ? undefined : Redacted.value(config.databaseAuthToken)
  })

/** Node's platform ports: argon2id passwords, Web Crypto randomness, the order summary as PDF. */
const platform = Layer.mergeAll(layerArgon2(), OrderSummaryPdf.layer).pipe(
  Layer.provideMerge(SecureRandom.layerWebCrypto)
)

/**
 * The registration's captcha. With a secret: proof of work (`GET /api/captcha`), single use through the rate-limit
 * table, so it holds across instances on one database; in development `/api/dev/captcha` then solves a real
 * challenge. In production no answer is handed out. Without a secret (development only): the development captcha.
 */
export const captcha = (config: ServerConfig) => {
  if (config.captcha._tag === "DevCaptcha") return DevCaptcha.layer
  const options = {
    secret: config.captcha.secret,
    maxNumber: config.captcha.maxNumber,
    lifetime: config.captcha.lifetime
  }
  return config.production
    ? Layer.merge(ProofOfWorkCaptcha.layer(options), ProofOfWorkCaptcha.noDevCaptcha)
    : ProofOfWorkCaptcha.layerDev(options)
}

const mailer = (config: ServerConfig) =>
  config.mail._tag === "Resend"
    ? ResendMailer.layer({
        apiKey: config.mail.apiKey,
        ...(config.mail.apiBaseUrl === undefined ? {} : { apiBaseUrl: config.mail.apiBaseUrl }),
        from: config.mail.from,
        ...(config.mail.replyTo === undefined ? {} : { replyTo: config.mail.replyTo }),
        publicBaseUrl: config.linkBaseUrl
      })
    : DevMailboxMailer.layer({ publicBaseUrl: config.linkBaseUrl })

/** The whole server: every use case of core, the dispatcher and its mailer, over libSQL. */
export const serverLayer = (config: ServerConfig) =>
  Layer.mergeAll(useCases, Dispatcher.layer({ pollInterval: config.dispatchInterval })).pipe(
    Layer.provideMerge(captcha(config)),
    Layer.provideMerge(mailer(config)),
    Layer.provideMerge(storage(config)),
    Layer.provideMerge(platform)
  )
