export { PublicBaseUrl, publicBaseUrlConfig } from "./config.ts"
export { contractModelLabel, formatDateTime, formatDeadline, formatMoney, type Locale, statusLabel } from "./format.ts"
export { linkPaths, type PortalLinks, portalLinks } from "./links.ts"
export type { MailProps, NotificationOf } from "./mail-props.ts"
export * as OrderSummaryPdf from "./pdf/OrderSummaryPdf.ts"
export {
  chooseTemplate,
  linksOf,
  MailRenderFailed,
  type RenderedMail,
  renderMail,
  type TemplateName,
  templateNames
} from "./render.tsx"
export * as DevMailboxMailer from "./transports/DevMailboxMailer.ts"
export * as ResendMailer from "./transports/ResendMailer.ts"
