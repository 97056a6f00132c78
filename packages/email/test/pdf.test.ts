import { readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fc from "fast-check"
import { decodePDFRawStream, PDFArray, PDFDocument, PDFName, PDFRawStream, PDFString } from "pdf-lib"
import { DocumentRenderer, formatDe, Money, type OrderSummary } from "../src/internal/core.ts"
import * as OrderSummaryPdf from "../src/pdf/OrderSummaryPdf.ts"
import { fixedSummary } from "./workerd/summary.ts"

// The workerd test's fixed order, with its own id, AGB version and one more configured property.
const summary = (overrides: Partial<OrderSummary> = {}): OrderSummary => ({
  ...fixedSummary,
  orderId: "ord_k3v9x2m7q1" as OrderSummary["orderId"],
  configuration: [
    ...fixedSummary.configuration,
    { key: "nodes", label: { de: "Anzahl Knoten", en: "Nodes" }, value: 5 }
  ],
  termsVersion: "2025-01",
  ...overrides
})

// WinAnsiEncoding's 0x80–0x9F (Node's TextDecoder treats "windows-1252" as Latin-1 there); the rest is Latin-1.
const winAnsiHigh = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ"
const decodeWinAnsi = (bytes: Uint8Array) =>
  String.fromCharCode(...bytes).replace(/[\u0080-\u009f]/gu, (c) => winAnsiHigh[c.charCodeAt(0) - 0x80] ?? c)

/** The text a PDF reader extracts: every string shown with Tj, in drawing order, one per line. */
const extractText = async (bytes: Uint8Array) => {
  const doc = await PDFDocument.load(bytes)
  const pages = doc.getPages().map((page) => {
    const contents = page.node.Contents()
    const streams = contents instanceof PDFArray ? contents.asArray().map((r) => doc.context.lookup(r)) : [contents]
    return streams
      .map((stream) => {
        assert.isTrue(stream instanceof PDFRawStream, "content streams are raw (compressed) streams")
        const operators = new TextDecoder("latin1").decode(decodePDFRawStream(stream as PDFRawStream).decode())
        return [...operators.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/gu)]
          .map(([, hex]) => decodeWinAnsi(Uint8Array.from(hex?.match(/../gu) ?? [], (h) => Number.parseInt(h, 16))))
          .join("\n")
      })
      .join("\n")
  })
  return { doc, pages, text: pages.join("\n") }
}

const render = (s: OrderSummary) => Effect.promise(() => OrderSummaryPdf.renderOrderSummaryPdf(s))

describe("order summary PDF", () => {
  it.effect("the order summary is an A4 page in German with a title", () =>
    Effect.gen(function* () {
      const bytes = yield* render(summary())
      const { doc } = yield* Effect.promise(() => extractText(bytes))
      assert.strictEqual(new TextDecoder().decode(bytes.slice(0, 5)), "%PDF-")
      const [width, height] = [doc.getPage(0).getWidth(), doc.getPage(0).getHeight()]
      assert.closeTo(width, 595.28, 0.01)
      assert.closeTo(height, 841.89, 0.01)
      const lang = doc.catalog.lookup(PDFName.of("Lang"))
      assert.strictEqual(lang instanceof PDFString ? lang.decodeText() : String(lang), "de-DE")
      assert.strictEqual(doc.getTitle(), "Übersicht der Bestellinformationen ord_k3v9x2m7q1")
    })
  )

  it.effect(
    "the summary shows master data, offering and version, configuration, price, contract model, billing party, AGB version and deadline",
    () =>
      Effect.gen(function* () {
        const { text } = yield* Effect.promise(async () =>
          extractText(await OrderSummaryPdf.renderOrderSummaryPdf(summary()))
        )
        for (const expected of [
          "Übersicht der Bestellinformationen",
          "ord_k3v9x2m7q1",
          "14.03.2025, 10:30 Uhr",
          "Anna Muster",
          "Offen",
          "bis 13.04.2025, 24:00 Uhr (§§ 187, 188 BGB)",
          "Stadtverwaltung Musterstadt",
          "Körperschaft des öffentlichen Rechts",
          "Kommune",
          "Bayern",
          "Rathausplatz 1, 80331 München",
          "+49 89 1234567",
          "09162000-1234512345-72",
          "Managed Kubernetes",
          "Version des Angebots",
          "Anbieter A GmbH",
          "Rechenzentrum",
          "Frankfurt am Main",
          "Tägliche Sicherung",
          "ja",
          "Anzahl Knoten",
          "Umklappvertrag (UV)",
          "Vertragspartner und Rechnungssteller",
          "govdigital eG",
          "CSP-AGB",
          "Version 2025-01",
          "Servicespezifische Bedingungen",
          "Version 3.1",
          "Stufe M",
          "Gesamtpreis",
          "12.345,67 € monatlich",
          "Es fallen keine weiteren Gebühren oder Aufschläge an.",
          "Seite 1 von 1"
        ])
          assert.include(text, expected)
        const lines = text.split("\n")
        assert.include(lines, "4", "the offering version stands on its own")
      })
  )

  it.effect("the total in the PDF is exactly the price as ordered, to the cent", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 10_000_000_000 }), async (cents) => {
          const { text } = await extractText(
            await OrderSummaryPdf.renderOrderSummaryPdf(summary({ total: Money.cents(cents) }))
          )
          assert.include(text, `${formatDe(Money.cents(cents))} monatlich`)
        }),
        { numRuns: 15 }
      )
    )
  )

  it.effect("text the PDF fonts cannot show is reduced, never fails the summary", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(fc.string({ unit: "grapheme", maxLength: 40 }), async (name) => {
          const bytes = await OrderSummaryPdf.renderOrderSummaryPdf(summary({ orderedBy: name }))
          assert.isAbove(bytes.length, 1000)
        }),
        { numRuns: 25 }
      )
    ).pipe(
      Effect.andThen(
        Effect.promise(async () => {
          const { text } = await extractText(
            await OrderSummaryPdf.renderOrderSummaryPdf(summary({ orderedBy: "Zoë Őrsi – „Łukasz“ 😀" }))
          )
          assert.include(text, "Zoë Orsi – „?ukasz“ ?")
        })
      )
    )
  )

  it.effect("the same summary always gives the same bytes", () =>
    Effect.gen(function* () {
      const [a, b] = yield* Effect.all([render(summary()), render(summary())])
      assert.deepStrictEqual(a, b)
    })
  )

  it.effect("a long summary continues on further pages, each numbered", () =>
    Effect.gen(function* () {
      const configuration = Array.from({ length: 60 }, (_, i) => ({
        key: `p${i}`,
        label: { de: `Eigenschaft ${i + 1}`, en: `Property ${i + 1}` },
        value: `Wert ${i + 1} mit einer längeren Beschreibung, die über mehr als eine Zeile reichen kann, weil sie lang ist`
      }))
      const { pages, text } = yield* Effect.promise(async () =>
        extractText(await OrderSummaryPdf.renderOrderSummaryPdf(summary({ configuration })))
      )
      assert.isAtLeast(pages.length, 2)
      for (const [i, page] of pages.entries()) assert.include(page, `Seite ${i + 1} von ${pages.length}`)
      assert.include(text, "Eigenschaft 60")
      assert.include(text, "12.345,67 € monatlich")
    })
  )

  it.effect("the DocumentRenderer layer hands out the PDF with its media type", () =>
    Effect.gen(function* () {
      const document = yield* DocumentRenderer.use((r) => r.renderOrderSummary(summary()))
      assert.strictEqual(document.mediaType, "application/pdf")
      assert.strictEqual(new TextDecoder().decode(document.bytes.slice(0, 5)), "%PDF-")
    }).pipe(Effect.provide(OrderSummaryPdf.layer))
  )
})

describe("platform", () => {
  it("the package source uses no Node APIs, so it runs on workerd", () => {
    const files: Array<string> = []
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry)
        if (statSync(path).isDirectory()) walk(path)
        else files.push(path)
      }
    }
    walk(new URL("../src", import.meta.url).pathname)
    assert.isAbove(files.length, 10)
    for (const file of files) {
      const source = readFileSync(file, "utf8")
      assert.notMatch(source, /from "node:|require\(|\bprocess\.|\bBuffer\b/u, file)
    }
  })
})
