import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect, Layer } from "effect"
import { SecureRandom } from "../../src/kernel/SecureRandom.ts"
import { unitOfWorkMemory } from "../../src/kernel/UnitOfWork.ts"
import {
  ContractFolderStore,
  DocumentRenderer,
  formatDeadlineBerlin,
  orderSummaryOf
} from "../../src/orders/ContractFolder.ts"
import { decisionDeadline } from "../../src/orders/Deadline.ts"
import { contractFolderStoreSuite, sampleContractFolder } from "../../src/testing/ContractFolderStoreSuite.ts"
import { utf8Text } from "./world.ts"

contractFolderStoreSuite("memory", Layer.merge(ContractFolderStore.layerMemory, unitOfWorkMemory))

describe("order summary document", () => {
  it("a deadline reads as the end of its last day, 24:00 Berlin time", () => {
    assert.strictEqual(
      formatDeadlineBerlin(decisionDeadline(DateTime.makeUnsafe("2025-01-31T11:00:00Z"))),
      "02.03.2025, 24:00 Uhr"
    )
    assert.strictEqual(
      formatDeadlineBerlin(decisionDeadline(DateTime.makeUnsafe("2025-07-15T21:59:00Z"))),
      "14.08.2025, 24:00 Uhr"
    )
  })

  it.effect("the plain-text summary is German UTF-8 and shows the order's total, nothing added", () =>
    Effect.gen(function* () {
      const folder = yield* sampleContractFolder
      const summary = orderSummaryOf({
        orderId: folder.orderId,
        placedAt: folder.createdAt,
        deadline: decisionDeadline(folder.createdAt),
        orderedBy: "Erika Mustermann",
        masterData: folder.masterData,
        product: folder.product,
        price: folder.price,
        configuration: folder.configuration,
        terms: folder.terms,
        serviceConditions: folder.serviceConditions,
        maturity: folder.maturity
      })
      const rendered = yield* DocumentRenderer.use((r) => r.renderOrderSummary(summary))
      assert.strictEqual(rendered.mediaType, "text/plain; charset=utf-8")
      const text = utf8Text(rendered.bytes)
      assert.include(text, "Gesamtpreis (netto): 5.000,00 € einmalig")
      assert.include(text, "Es fallen keine weiteren Gebühren an.")
      assert.include(text, "Vertragsmodell: Direktvertrag (DV)")
      assert.include(text, "Bestellt am: 02.06.2025, 10:00 Uhr")
      // One amount only: the total is the sole price on the page.
      assert.deepStrictEqual(text.match(/\d[\d.]*,\d\d €/gu), ["5.000,00 €"])
    }).pipe(Effect.provide(Layer.merge(DocumentRenderer.layerPlainText, SecureRandom.layerSeeded(3))))
  )
})
