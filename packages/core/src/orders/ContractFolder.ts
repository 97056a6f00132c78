import { Context, DateTime, Effect, Layer, Schema } from "effect"
import { ConfigurationValue } from "../catalog/Configuration.ts"
import { MaturityLevel, PricePlan, ServiceConditions, ServiceType } from "../catalog/Offering.ts"
import { billingLabels } from "../catalog/Price.ts"
import { EligibilityAnswer } from "../eligibility/EligibilityAnswer.ts"
import { ContractModel, contractModelLabels } from "../kernel/ContractModel.ts"
import { utf8 } from "../kernel/Encoding.ts"
import type { StorageError } from "../kernel/Errors.ts"
import { DocumentId, OfferingId, OrderId, OrganizationId, TermsId } from "../kernel/Ids.ts"
import { formatDe, Money } from "../kernel/Money.ts"
import { trusted } from "../kernel/Trusted.ts"
import { MemoryTable } from "../kernel/UnitOfWork.ts"
import { AdministrativeLevel, FederalState } from "../organization/Organization.ts"
import { berlinParts } from "./Deadline.ts"
import { orderStatusLabels } from "./OrderStatus.ts"

/**
 * „Vertragsmappe" (DOMAIN §8): everything the customer agreed to, frozen at order time, as documents that
 * can be listed and fetched one by one. Sections are plain data; the order summary is a rendered document.
 */
export const contractDocumentKinds = [
  "orderSummary",
  "masterData",
  "productDescription",
  "price",
  "configuration",
  "terms",
  "maturity",
  "serviceConditions",
  "eligibility"
] as const
export const ContractDocumentKind = Schema.Literals(contractDocumentKinds)
export type ContractDocumentKind = typeof ContractDocumentKind.Type

export const contractDocumentTitles: Record<ContractDocumentKind, { readonly de: string; readonly en: string }> = {
  orderSummary: { de: "Übersicht der Bestellinformationen", en: "Order summary" },
  masterData: { de: "Stammdaten", en: "Master data" },
  productDescription: { de: "Produktbeschreibung", en: "Product description" },
  price: { de: "Gewählter Preis", en: "Chosen price" },
  configuration: { de: "Konfigurierte Eigenschaften", en: "Configured properties" },
  terms: { de: "CSP-AGB (gültig zum Zeitpunkt der Bestellung)", en: "CSP terms in force at order time" },
  maturity: { de: "Informationen zum Reifegradmodell", en: "Maturity model information" },
  serviceConditions: { de: "Servicespezifische Bedingungen", en: "Service-specific conditions" },
  eligibility: { de: "Prüfung des Vertragsmodells", en: "Contract model eligibility" }
}

const Text = Schema.Struct({ de: Schema.String, en: Schema.String })

/** The customer organization's master data with its „Standardadresse", as at order time. */
export const MasterData = Schema.Struct({
  organizationId: OrganizationId,
  name: Schema.String,
  legalForm: Schema.String,
  administrativeLevel: AdministrativeLevel,
  federalState: Schema.NullOr(FederalState),
  defaultAddress: Schema.NullOr(
    Schema.Struct({
      street: Schema.String,
      postalCode: Schema.String,
      city: Schema.String,
      phone: Schema.NullOr(Schema.String),
      leitwegId: Schema.NullOr(Schema.String)
    })
  )
})
export type MasterData = typeof MasterData.Type

const Party = Schema.Struct({ organizationId: OrganizationId, name: Schema.String })

export const ProductDescription = Schema.Struct({
  offeringId: OfferingId,
  version: Schema.Int,
  name: Text,
  description: Text,
  provider: Party,
  serviceType: ServiceType,
  portfolioCategory: Schema.String,
  provisioningTime: Text,
  efa: Schema.Boolean
})
export type ProductDescription = typeof ProductDescription.Type

/** The chosen price: plan as it was, quantity and the total, which equals the cart's and the order's. */
export const ChosenPrice = Schema.Struct({
  pricePlan: PricePlan,
  quantity: Schema.Int,
  total: Money,
  billing: Schema.Literals(["oneTime", "monthly", "free"]),
  contractModel: ContractModel,
  /** Who the customer contracts with and who invoices: the provider (DV) or the intermediary (UV). */
  contractPartner: Party
})
export type ChosenPrice = typeof ChosenPrice.Type

export const ConfiguredProperty = Schema.Struct({ key: Schema.String, label: Text, value: ConfigurationValue })
export type ConfiguredProperty = typeof ConfiguredProperty.Type

export const TermsSnapshot = Schema.Struct({
  id: TermsId,
  version: Schema.String,
  effectiveFrom: Schema.DateTimeUtc,
  url: Schema.NullOr(Schema.String),
  text: Schema.NullOr(Schema.String)
})
export type TermsSnapshot = typeof TermsSnapshot.Type

/** What the order summary document shows; the renderer turns it into text or PDF and adds nothing. */
export const OrderSummary = Schema.Struct({
  orderId: OrderId,
  placedAt: Schema.DateTimeUtc,
  deadline: Schema.DateTimeUtc,
  orderedBy: Schema.String,
  customer: MasterData,
  offering: Schema.Struct({ name: Text, version: Schema.Int, provider: Schema.String }),
  contractModel: ContractModel,
  contractPartner: Schema.String,
  pricePlan: Text,
  quantity: Schema.Int,
  total: Money,
  billing: Schema.Literals(["oneTime", "monthly", "free"]),
  configuration: Schema.Array(ConfiguredProperty),
  termsVersion: Schema.String,
  conditionsVersion: Schema.String,
  maturityLevel: Schema.Int
})
export type OrderSummary = typeof OrderSummary.Type

export const RenderedDocument = Schema.Struct({ mediaType: Schema.String, bytes: Schema.Uint8Array })
export type RenderedDocument = typeof RenderedDocument.Type

/** One entry of the folder's document list. */
export class ContractDocumentInfo extends Schema.Class<ContractDocumentInfo>("@cloudportal/core/ContractDocumentInfo")({
  id: DocumentId,
  kind: ContractDocumentKind,
  /** German; `contractDocumentTitles` has the English one. */
  title: Schema.String,
  mediaType: Schema.String
}) {}

export class ContractFolder extends Schema.Class<ContractFolder>("@cloudportal/core/ContractFolder")({
  orderId: OrderId,
  customerId: OrganizationId,
  createdAt: Schema.DateTimeUtc,
  documents: Schema.Array(ContractDocumentInfo),
  masterData: MasterData,
  product: ProductDescription,
  price: ChosenPrice,
  configuration: Schema.Array(ConfiguredProperty),
  terms: TermsSnapshot,
  maturity: MaturityLevel,
  serviceConditions: ServiceConditions,
  eligibility: EligibilityAnswer,
  orderSummary: RenderedDocument
}) {}

/** A fetched document: a data section as JSON, or the rendered summary as bytes. */
export type ContractDocument =
  | { readonly _tag: "Json"; readonly info: ContractDocumentInfo; readonly body: Schema.Json }
  | { readonly _tag: "Bytes"; readonly info: ContractDocumentInfo; readonly bytes: Uint8Array }

const json = <S extends Schema.Codec<unknown, unknown>>(schema: S, value: S["Type"]): Schema.Json =>
  Schema.encodeSync(Schema.toCodecJson(schema))(value) as Schema.Json

/** The document of the folder with this id, or undefined. */
export const contractDocument = (folder: ContractFolder, id: DocumentId): ContractDocument | undefined => {
  const info = folder.documents.find((d) => d.id === id)
  if (!info) return undefined
  switch (info.kind) {
    case "orderSummary":
      return { _tag: "Bytes", info, bytes: folder.orderSummary.bytes }
    case "masterData":
      return { _tag: "Json", info, body: json(MasterData, folder.masterData) }
    case "productDescription":
      return { _tag: "Json", info, body: json(ProductDescription, folder.product) }
    case "price":
      return { _tag: "Json", info, body: json(ChosenPrice, folder.price) }
    case "configuration":
      return { _tag: "Json", info, body: json(Schema.Array(ConfiguredProperty), folder.configuration) }
    case "terms":
      return { _tag: "Json", info, body: json(TermsSnapshot, folder.terms) }
    case "maturity":
      return { _tag: "Json", info, body: json(MaturityLevel, folder.maturity) }
    case "serviceConditions":
      return { _tag: "Json", info, body: json(ServiceConditions, folder.serviceConditions) }
    case "eligibility":
      return { _tag: "Json", info, body: json(EligibilityAnswer, folder.eligibility) }
  }
}

export const jsonMediaType = "application/json"

/** The document list of a folder: the summary with the renderer's media type, every section as JSON. */
export const documentInfos = (
  ids: Record<ContractDocumentKind, DocumentId>,
  summaryMediaType: string
): ReadonlyArray<ContractDocumentInfo> =>
  contractDocumentKinds.map((kind) =>
    trusted(ContractDocumentInfo, {
      id: ids[kind],
      kind,
      title: contractDocumentTitles[kind].de,
      mediaType: kind === "orderSummary" ? summaryMediaType : jsonMediaType
    })
  )

/** The summary of what was ordered, built from the frozen sections; its total is the order's. */
export const orderSummaryOf = (input: {
  readonly orderId: OrderId
  readonly placedAt: DateTime.Utc
  readonly deadline: DateTime.Utc
  readonly orderedBy: string
  readonly masterData: MasterData
  readonly product: ProductDescription
  readonly price: ChosenPrice
  readonly configuration: ReadonlyArray<ConfiguredProperty>
  readonly terms: TermsSnapshot
  readonly serviceConditions: { readonly version: string }
  readonly maturity: { readonly level: number }
}): OrderSummary => ({
  orderId: input.orderId,
  placedAt: input.placedAt,
  deadline: input.deadline,
  orderedBy: input.orderedBy,
  customer: input.masterData,
  offering: { name: input.product.name, version: input.product.version, provider: input.product.provider.name },
  contractModel: input.price.contractModel,
  contractPartner: input.price.contractPartner.name,
  pricePlan: input.price.pricePlan.name,
  quantity: input.price.quantity,
  total: input.price.total,
  billing: input.price.billing,
  configuration: input.configuration,
  termsVersion: input.terms.version,
  conditionsVersion: input.serviceConditions.version,
  maturityLevel: input.maturity.level
})

const pad = (n: number) => String(n).padStart(2, "0")

/** "05.03.2025, 14:07 Uhr" in Berlin time: how dates read in German documents. */
export const formatBerlin = (at: DateTime.Utc): string => {
  const p = berlinParts(at)
  return `${pad(p.day)}.${pad(p.month)}.${p.year}, ${pad(p.hour)}:${pad(p.minute)} Uhr`
}

/** Every order of one Berlin day has the same deadline: the last one's text is kept. */
let lastDeadline: { readonly millis: number; readonly text: string } | undefined

/**
 * The end of the decision period as people read it: the deadline is the first instant after the period
 * (00:00 Berlin), shown as the end of the day before, „13.04.2025, 24:00 Uhr".
 */
export const formatDeadlineBerlin = (deadline: DateTime.Utc): string => {
  const millis = DateTime.toEpochMillis(deadline)
  if (lastDeadline?.millis === millis) return lastDeadline.text
  const p = berlinParts(deadline)
  if (p.hour !== 0 || p.minute !== 0 || p.second !== 0 || p.millisecond !== 0) return formatBerlin(deadline)
  const dayBefore = DateTime.toPartsUtc(
    DateTime.subtract(DateTime.makeUnsafe({ year: p.year, month: p.month, day: p.day }), { days: 1 })
  )
  const text = `${pad(dayBefore.day)}.${pad(dayBefore.month)}.${dayBefore.year}, 24:00 Uhr`
  lastDeadline = { millis, text }
  return text
}

const formatValue = (value: ConfigurationValue): string =>
  typeof value === "boolean" ? (value ? "ja" : "nein") : String(value)

/** The plain-text order summary, German: readable in any mail client or terminal, and easy to archive. */
export const orderSummaryText = (s: OrderSummary): string => {
  const address = s.customer.defaultAddress
  const lines = [
    "Übersicht der Bestellinformationen",
    "==================================",
    "",
    `Bestellnummer: ${s.orderId}`,
    `Bestellt am: ${formatBerlin(s.placedAt)}`,
    `Bestellt von: ${s.orderedBy}`,
    `Status bei Bestellung: ${orderStatusLabels.open.de}`,
    `Entscheidungsfrist des Anbieters: bis ${formatDeadlineBerlin(s.deadline)} (§§ 187, 188 BGB)`,
    "",
    "Kunde",
    `  ${s.customer.name} (${s.customer.legalForm})`,
    ...(address
      ? [
          `  ${address.street}`,
          `  ${address.postalCode} ${address.city}`,
          ...(address.phone ? [`  Telefon: ${address.phone}`] : [])
        ]
      : []),
    "",
    "Cloud-Service",
    `  ${s.offering.name.de} (Version ${s.offering.version})`,
    `  Anbieter: ${s.offering.provider}`,
    `  Reifegrad: ${s.maturityLevel}`,
    "",
    "Vertrag",
    `  Vertragsmodell: ${contractModelLabels[s.contractModel].de} (${s.contractModel})`,
    `  Vertragspartner: ${s.contractPartner}`,
    `  CSP-AGB: Version ${s.termsVersion}`,
    `  Servicespezifische Bedingungen: Version ${s.conditionsVersion}`,
    "",
    "Konfiguration",
    ...(s.configuration.length === 0
      ? ["  (keine konfigurierbaren Eigenschaften)"]
      : s.configuration.map((c) => `  ${c.label.de}: ${formatValue(c.value)}`)),
    "",
    "Preis",
    `  Preisplan: ${s.pricePlan.de}`,
    `  Menge: ${s.quantity}`,
    `  Gesamtpreis (netto): ${formatDe(s.total)} ${billingLabels[s.billing].de}`,
    "  Es fallen keine weiteren Gebühren an.",
    "",
    "Die Bestellung ist erst mit der Bestellbestätigung durch den Anbieter rechtskräftig."
  ]
  return `${lines.join("\n")}\n`
}

/** Rendering the summary failed; nothing was written. An infrastructure failure, like `StorageError`. */
export class DocumentRenderFailed extends Schema.TaggedError<DocumentRenderFailed>()("DocumentRenderFailed", {
  cause: Schema.Defect()
}) {}

/**
 * Renders the order summary document. The PDF implementation lives outside core; `layerPlainText` is the
 * dependency-free fallback for embedding apps and tests.
 */
export class DocumentRenderer extends Context.Service<
  DocumentRenderer,
  {
    readonly renderOrderSummary: (summary: OrderSummary) => Effect.Effect<RenderedDocument, DocumentRenderFailed>
  }
>()("@cloudportal/core/DocumentRenderer") {
  static readonly layerPlainText = Layer.succeed(DocumentRenderer)({
    renderOrderSummary: (summary) =>
      Effect.sync(() => ({ mediaType: "text/plain; charset=utf-8", bytes: utf8(orderSummaryText(summary)) }))
  })
}

/** A second folder for one order: folders are written once, with their order. */
export class ContractFolderAlreadyExists extends Schema.TaggedError<ContractFolderAlreadyExists>()(
  "ContractFolderAlreadyExists",
  { orderId: Schema.String }
) {}

/** Contract folders, one per order, written once and never changed. */
export class ContractFolderStore extends Context.Service<
  ContractFolderStore,
  {
    readonly insert: (folder: ContractFolder) => Effect.Effect<void, ContractFolderAlreadyExists | StorageError>
    readonly get: (orderId: OrderId) => Effect.Effect<ContractFolder | undefined, StorageError>
  }
>()("@cloudportal/core/ContractFolderStore") {
  static readonly layerMemory = Layer.sync(ContractFolderStore)(() => {
    const rows = new MemoryTable<OrderId, ContractFolder>()
    return {
      insert: (folder) =>
        Effect.suspend(() =>
          rows.get(folder.orderId)
            ? Effect.fail(new ContractFolderAlreadyExists({ orderId: folder.orderId }))
            : rows.set(folder.orderId, folder)
        ),
      get: (orderId) => Effect.sync(() => rows.get(orderId))
    }
  })
}
