import { customType, integer, sqliteTable, text } from "drizzle-orm/sqlite-core"
import { jsonText } from "./json-text.ts"

/**
 * Bytes as a BLOB, read back as a plain `Uint8Array`. drizzle's own buffer mode needs Node's `Buffer`, which
 * workerd lacks; the driver hands out an `ArrayBuffer` (or a view) and takes a `Uint8Array`.
 */
export const bytes = customType<{ data: Uint8Array; driverData: Uint8Array | ArrayBuffer }>({
  dataType: () => "blob",
  toDriver: (value) => value,
  fromDriver: (value) =>
    value instanceof ArrayBuffer
      ? new Uint8Array(value.slice(0))
      : Uint8Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength))
})

/** „Vertragsmappe" (DOMAIN §8): one per order, written with it and never changed. */
export const contractFolders = sqliteTable("contract_folders", {
  orderId: text("order_id").primaryKey(),
  customerId: text("customer_id").notNull(),
  createdAt: integer("created_at").notNull(),
  /** JSON array: the document list (id, kind, title, media type). */
  documents: jsonText("documents").notNull(),
  /** JSON: the organization's master data with its „Standardadresse". */
  masterData: jsonText("master_data").notNull(),
  /** JSON: the product description. */
  product: jsonText("product").notNull(),
  /** JSON: the chosen price. */
  price: jsonText("price").notNull(),
  /** JSON array: the configured properties with their labels. */
  configuration: jsonText("configuration").notNull(),
  /** JSON: the CSP-AGB version in force at order time. */
  terms: jsonText("terms").notNull(),
  /** JSON: „Reifegradmodell". */
  maturity: jsonText("maturity").notNull(),
  /** JSON: the service-specific conditions. */
  serviceConditions: jsonText("service_conditions").notNull(),
  /** JSON: the eligibility answer. */
  eligibility: jsonText("eligibility").notNull(),
  summaryMediaType: text("summary_media_type").notNull(),
  /** The rendered order summary (PDF or text), byte for byte. */
  summary: bytes("summary").notNull()
})

export type ContractFolderRow = typeof contractFolders.$inferSelect
