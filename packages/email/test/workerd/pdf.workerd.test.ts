import { fileURLToPath } from "node:url"
import { workerdBundleOptions } from "@cloudportal/workerd-bundle"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { build, type Metafile } from "esbuild"
import { Miniflare } from "miniflare"
import { decodePDFRawStream, PDFArray, PDFDocument, PDFRawStream } from "pdf-lib"
import { formatDe } from "../../src/internal/core.ts"
import { renderOrderSummaryPdf } from "../../src/pdf/OrderSummaryPdf.ts"
import { fixedSummary } from "./summary.ts"

const entry = fileURLToPath(new URL("./worker.ts", import.meta.url))

// WinAnsiEncoding's 0x80–0x9F (TextDecoder treats "windows-1252" as Latin-1 there); the rest is Latin-1.
const winAnsiHigh = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ"
const decodeWinAnsi = (bytes: Uint8Array) =>
  String.fromCharCode(...bytes).replace(/[\u0080-\u009f]/gu, (c) => winAnsiHigh[c.charCodeAt(0) - 0x80] ?? c)

/** Every string the PDF shows with Tj, in drawing order, one per line: what a reader extracts. */
const shownText = async (bytes: Uint8Array): Promise<string> => {
  const doc = await PDFDocument.load(bytes)
  return doc
    .getPages()
    .flatMap((page) => {
      const contents = page.node.Contents()
      return contents instanceof PDFArray ? contents.asArray().map((r) => doc.context.lookup(r)) : [contents]
    })
    .map((stream) => {
      assert.isTrue(stream instanceof PDFRawStream, "content streams are raw (compressed) streams")
      const operators = new TextDecoder("latin1").decode(decodePDFRawStream(stream as PDFRawStream).decode())
      return [...operators.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/gu)]
        .map(([, hex]) => decodeWinAnsi(Uint8Array.from(hex?.match(/../gu) ?? [], (h) => Number.parseInt(h, 16))))
        .join("\n")
    })
    .join("\n")
}

describe("the order-summary PDF in workerd", () => {
  let mf: Miniflare | undefined
  let metafile: Metafile | undefined

  beforeAll(async () => {
    // The package's public entry, bundled as a Worker would be: Web-standard modules only.
    const result = await build({
      ...workerdBundleOptions,
      entryPoints: [entry],
      write: false,
      metafile: true,
      logLevel: "silent"
    })
    metafile = result.metafile
    mf = new Miniflare({ modules: true, script: result.outputFiles[0]!.text, compatibilityDate: "2025-09-01" })
    await mf.ready
  }, 60_000)

  afterAll(async () => {
    await mf?.dispose()
  })

  const renderInWorkerd = async () => {
    const response = await mf!.dispatchFetch("http://localhost/")
    assert.strictEqual(response.status, 200, await response.clone().text())
    assert.strictEqual(response.headers.get("content-type"), "application/pdf")
    return new Uint8Array(await response.arrayBuffer())
  }

  it("the worker bundle needs no Node built-in", () => {
    const imports = Object.values(metafile!.outputs).flatMap((o) => o.imports.map((i) => i.path))
    assert.deepStrictEqual(imports, [])
  })

  it("the order summary renders in workerd with the order number, the price as ordered and the AGB version", async () => {
    const bytes = await renderInWorkerd()
    assert.strictEqual(new TextDecoder().decode(bytes.slice(0, 5)), "%PDF-")
    const text = await shownText(bytes)
    assert.include(text, fixedSummary.orderId)
    // The price string exactly as the order carries it (core's German money format), with its billing.
    assert.strictEqual(formatDe(fixedSummary.total), "12.345,67 €")
    assert.include(text, `${formatDe(fixedSummary.total)} monatlich`)
    assert.include(text, `Version ${fixedSummary.termsVersion}`)
    assert.include(text, "CSP-AGB")
    assert.include(text, "Übersicht der Bestellinformationen")
    const doc = await PDFDocument.load(bytes)
    assert.strictEqual(doc.getTitle(), `Übersicht der Bestellinformationen ${fixedSummary.orderId}`)
  })

  it("workerd renders the same bytes as Node: the summary depends on the order only", async () => {
    const [inWorkerd, onNode] = [await renderInWorkerd(), await renderOrderSummaryPdf(fixedSummary)]
    assert.strictEqual(inWorkerd.length, onNode.length)
    assert.isTrue(inWorkerd.every((byte, i) => byte === onNode[i]))
  })
})
