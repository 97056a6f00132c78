import { customType, integer, sqliteTable, text } from "drizzle-orm/sqlite-core"

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
  documents: text("documents").notNull(),
  /** JSON: the organization's master data with its „Standardadresse". */
  masterData: text("master_data").notNull(),
  /** JSON: the product description. */
  product: text("product").notNull(),
  /** JSON: the chosen price. */
  price: text("price").notNull(),
  /** JSON array: the configured properties with their labels. */
  configuration: text("configuration").notNull(),
  /** JSON: the CSP-AGB version in force at order time. */
  terms: text("terms").notNull(),
  /** JSON: „Reifegradmodell". */
  maturity: text("maturity").notNull(),
  /** JSON: the service-specific conditions. */
  serviceConditions: text("service_conditions").notNull(),
  /** JSON: the eligibility answer. */
  eligibility: text("eligibility").notNull(),
  summaryMediaType: text("summary_media_type").notNull(),
  /** The rendered order summary (PDF or text), byte for byte. */
  summary: bytes("summary").notNull()
})

export type ContractFolderRow = typeof contractFolders.$inferSelect
