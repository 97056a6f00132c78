import { it } from "vitest"
import { writeFileSync } from "node:fs"
import * as P from "../src/pdf/OrderSummaryPdf.ts"
import { DateTime } from "effect"
import { Money } from "../src/internal/core.ts"
it("dbg", async () => {
  const bytes = await P.renderOrderSummaryPdf({orderId: "ord_k3v9x2m7q1", placedAt: DateTime.makeUnsafe("2025-03-14T09:30:00Z"), deadline: DateTime.makeUnsafe("2025-04-13T22:00:00Z"), orderedBy: "Anna Muster", customer: {organizationId: "x", name: "Stadtverwaltung Musterstadt", legalForm: "Körperschaft des öffentlichen Rechts", administrativeLevel: "municipal", federalState: "DE-BY", defaultAddress: {street: "Rathausplatz 1", postalCode: "80331", city: "München", phone: "+49 89 1234567", leitwegId: "09162000-1234512345-72"}}, offering: {name: {de:"Managed Kubernetes",en:"a"}, version: 4, provider: "Anbieter A GmbH"}, contractModel: "UV", contractPartner: "govdigital eG", pricePlan: {de:"Stufe M",en:"s"}, quantity: 3, total: Money.cents(1234567), billing: "monthly", configuration: [{key:"r",label:{de:"Rechenzentrum",en:""},value:"Frankfurt am Main"},{key:"b",label:{de:"Tägliche Sicherung",en:""},value:true},{key:"n",label:{de:"Anzahl Knoten",en:""},value:5}], termsVersion: "2025-01", conditionsVersion: "3.1", maturityLevel: 4} as any)
  writeFileSync("/tmp/summary.pdf", bytes)
})
