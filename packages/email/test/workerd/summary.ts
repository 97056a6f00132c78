import { DateTime } from "effect"
import { Money, type OrderSummary } from "../../src/internal/core.ts"

/** One fixed order: the worker renders it inside workerd, the test reads the PDF back on Node. */
export const fixedSummary: OrderSummary = {
  orderId: "ord_workerd7q1x" as OrderSummary["orderId"],
  placedAt: DateTime.makeUnsafe("2025-03-14T09:30:00Z"),
  deadline: DateTime.makeUnsafe("2025-04-13T22:00:00Z"),
  orderedBy: "Anna Muster",
  customer: {
    organizationId: "org_musterstadt" as OrderSummary["customer"]["organizationId"],
    name: "Stadtverwaltung Musterstadt",
    legalForm: "Körperschaft des öffentlichen Rechts",
    administrativeLevel: "municipal",
    federalState: "DE-BY",
    defaultAddress: {
      street: "Rathausplatz 1",
      postalCode: "80331",
      city: "München",
      phone: "+49 89 1234567",
      leitwegId: "09162000-1234512345-72"
    }
  },
  offering: { name: { de: "Managed Kubernetes", en: "Managed Kubernetes" }, version: 4, provider: "Anbieter A GmbH" },
  contractModel: "UV",
  contractPartner: "govdigital eG",
  pricePlan: { de: "Stufe M", en: "Tier M" },
  quantity: 3,
  total: Money.cents(1_234_567),
  billing: "monthly",
  configuration: [
    { key: "region", label: { de: "Rechenzentrum", en: "Data centre" }, value: "Frankfurt am Main" },
    { key: "backup", label: { de: "Tägliche Sicherung", en: "Daily backup" }, value: true }
  ],
  termsVersion: "2025-07",
  conditionsVersion: "3.1",
  maturityLevel: 4
}
