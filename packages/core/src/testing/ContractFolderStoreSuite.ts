import { assert, describe, layer } from "@effect/vitest"
import { DateTime, Effect, Exit, Layer, Schema } from "effect"
import type { DocumentId, OfferingId, OrderId, OrganizationId, PricePlanId, TermsId } from "../kernel/Ids.ts"
import { Money } from "../kernel/Money.ts"
import { newId, SecureRandom } from "../kernel/SecureRandom.ts"
import { UnitOfWork } from "../kernel/UnitOfWork.ts"
import {
  type ContractDocumentKind,
  ContractFolder,
  ContractFolderStore,
  contractDocumentKinds,
  documentInfos
} from "../orders/ContractFolder.ts"

/** A complete folder for a fresh order id; the summary bytes include non-ASCII text and a zero byte. */
export const sampleContractFolder = Effect.gen(function* () {
  const orderId = yield* newId<OrderId>("ord")
  const customerId = yield* newId<OrganizationId>("org")
  const providerId = yield* newId<OrganizationId>("org")
  const ids = {} as Record<ContractDocumentKind, DocumentId>
  for (const kind of contractDocumentKinds) ids[kind] = yield* newId<DocumentId>("doc")
  const at = DateTime.makeUnsafe("2025-06-02T08:00:00Z")
  const total = Money.cents(500_000)
  const text = (de: string, en: string) => ({ de, en })
  return new ContractFolder({
    orderId,
    customerId,
    createdAt: at,
    documents: documentInfos(ids, "application/pdf"),
    masterData: {
      organizationId: customerId,
      name: "Stadt Musterstadt",
      legalForm: "Gebietskörperschaft",
      administrativeLevel: "municipal",
      federalState: "DE-BY",
      defaultAddress: {
        street: "Rathausplatz 1",
        postalCode: "80331",
        city: "Musterstadt",
        phone: null,
        leitwegId: null
      }
    },
    product: {
      offeringId: "off_speicher" as OfferingId,
      version: 4,
      name: text("Cloudspeicher", "Cloud storage"),
      description: text("Objektspeicher", "Object storage"),
      provider: { organizationId: providerId, name: "Anbieter-IT AöR" },
      serviceType: "IaaS",
      portfolioCategory: "Speicher",
      provisioningTime: text("5 Werktage", "5 working days"),
      efa: false
    },
    price: {
      pricePlan: {
        _tag: "OneTime",
        id: "plan_once" as PricePlanId,
        name: text("Einrichtung", "Setup"),
        amountCents: 500_000
      },
      quantity: 1,
      total,
      billing: "oneTime",
      contractModel: "DV",
      contractPartner: { organizationId: providerId, name: "Anbieter-IT AöR" }
    },
    configuration: [{ key: "region", label: text("Region", "Region"), value: "de-west" }],
    terms: {
      id: "terms_2025" as TermsId,
      version: "2025-03",
      effectiveFrom: DateTime.makeUnsafe("2025-03-01T00:00:00Z"),
      url: null,
      text: "Allgemeine Geschäftsbedingungen …"
    },
    maturity: { level: 3, description: text("Produktiv", "Production") },
    serviceConditions: { version: "2025-01", text: "Servicebedingungen" },
    eligibility: {
      cartTotal: total,
      evaluatedAt: at,
      contractModels: {
        DV: { allowed: true, grounds: [{ kind: "freeOfCharge", detail: "unentgeltlich" }], blockingReasons: [] },
        UV: { allowed: false, grounds: [], blockingReasons: [{ kind: "noIntermediary", detail: "kein Intermediär" }] }
      }
    },
    orderSummary: { mediaType: "application/pdf", bytes: Uint8Array.from([37, 80, 68, 70, 0, 195, 164, 255]) }
  })
})

const encoded = (f: ContractFolder | undefined) => (f === undefined ? undefined : Schema.encodeSync(ContractFolder)(f))

/** The conformance suite of `ContractFolderStore`: folders are written once, with their order, and read back whole. */
export const contractFolderStoreSuite = (
  name: string,
  storeLayer: Layer.Layer<ContractFolderStore | UnitOfWork, unknown>
) =>
  describe(`ContractFolderStore conformance: ${name}`, () => {
    layer(Layer.merge(storeLayer, SecureRandom.layerWebCrypto))((it) => {
      it.effect("a contract folder reads back unchanged, the summary's bytes included", () =>
        Effect.gen(function* () {
          const store = yield* ContractFolderStore
          const folder = yield* sampleContractFolder
          yield* store.insert(folder)
          const read = yield* store.get(folder.orderId)
          assert.deepStrictEqual(encoded(read), encoded(folder))
          assert.deepStrictEqual(Array.from(read?.orderSummary.bytes ?? []), Array.from(folder.orderSummary.bytes))
          assert.isUndefined(yield* store.get(`${folder.orderId}x` as OrderId))
        })
      )

      it.effect("a contract folder is written once and never replaced", () =>
        Effect.gen(function* () {
          const store = yield* ContractFolderStore
          const folder = yield* sampleContractFolder
          yield* store.insert(folder)
          const changed = new ContractFolder({ ...folder, price: { ...folder.price, total: Money.cents(1) } })
          const error = yield* Effect.flip(store.insert(changed))
          assert.strictEqual(error._tag, "ContractFolderAlreadyExists")
          assert.deepStrictEqual((yield* store.get(folder.orderId))?.price.total, folder.price.total)
        })
      )

      it.effect("a folder written in a failed unit of work does not exist", () =>
        Effect.gen(function* () {
          const store = yield* ContractFolderStore
          const uow = yield* UnitOfWork
          const folder = yield* sampleContractFolder
          const exit = yield* Effect.exit(
            uow.transaction(Effect.andThen(store.insert(folder), Effect.fail("boom" as const)))
          )
          assert.isTrue(Exit.isFailure(exit))
          assert.isUndefined(yield* store.get(folder.orderId))
        })
      )
    })
  })
