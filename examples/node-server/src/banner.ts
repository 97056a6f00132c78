import { demoAccounts } from "@cloudportal/core/demo"
import type { ServerConfig } from "./config.ts"
import type { RunningServer } from "./server.ts"

/** Where a database URL points, without the auth token or query. */
const databaseLabel = (url: string): string => url.replace(/\?.*$/u, "")

/** What a person needs after `pnpm start`: where the API is, how to sign in, where mails go. */
export const banner = (config: ServerConfig, running: RunningServer): string => {
  const origin = running.origin.replace(/\/\/(0\.0\.0\.0|\[::\])(?=:)/u, "//localhost")
  const lines = [
    "",
    `Cloud-Service-Portal API (${config.production ? "production" : "development"})`,
    `  API           ${origin}/api`,
    `  API docs      ${origin}/api/docs`,
    `  OpenAPI       ${origin}/api/openapi.json`,
    `  database      ${databaseLabel(config.databaseUrl)}`
  ]
  if (config.publicBaseUrl) lines.push(`  public URL    ${config.publicBaseUrl}`)
  if (config.mail._tag === "Resend") lines.push(`  mails         sent through Resend as ${config.mail.from}`)
  else
    lines.push(
      `  mails         not sent; read them at ${origin}/api/dev/mailbox (JSON, or open it in a browser)`,
      `  captcha       solved challenges for scripts at ${origin}/api/dev/captcha`
    )
  if (running.demo) {
    lines.push(
      "",
      `Demo world ${running.demo.created ? "seeded" : "already in place"}; every account signs in with the password`,
      `  ${running.demo.password}`,
      `  operator (Betreiber)           ${demoAccounts.operator}`,
      `  intermediary (govdigital eG)   ${demoAccounts.govdigital}`,
      `  provider A (IT-Dienstleister)  ${demoAccounts.providerA}`,
      `  provider B (Bund)              ${demoAccounts.providerB}`,
      `  customer (Kommune)             ${demoAccounts.kommune}`
    )
  }
  if (config.operator) lines.push("", `Operator account: ${config.operator.email}`)
  lines.push("", "Stop with Ctrl+C (requests in flight finish first).", "")
  return lines.join("\n")
}
