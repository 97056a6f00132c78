import { DateTime, Effect, Layer } from "effect"
import { PageSizes, PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from "pdf-lib"
import { formatDateTime, formatDeadline, statusLabel } from "../format.ts"
import {
  contractModelLabels,
  DocumentRenderer,
  DocumentRenderFailed,
  formatDe,
  type OrderSummary,
  type RenderedDocument
} from "../internal/core.ts"

// Labels the summary needs that core does not carry (yet); German only, like the document.
const administrativeLevels: Record<OrderSummary["customer"]["administrativeLevel"], string> = {
  federal: "Bund",
  state: "Land",
  municipal: "Kommune",
  other: "Sonstige"
}
const federalStates: Record<string, string> = {
  "DE-BW": "Baden-Württemberg",
  "DE-BY": "Bayern",
  "DE-BE": "Berlin",
  "DE-BB": "Brandenburg",
  "DE-HB": "Bremen",
  "DE-HH": "Hamburg",
  "DE-HE": "Hessen",
  "DE-MV": "Mecklenburg-Vorpommern",
  "DE-NI": "Niedersachsen",
  "DE-NW": "Nordrhein-Westfalen",
  "DE-RP": "Rheinland-Pfalz",
  "DE-SL": "Saarland",
  "DE-SN": "Sachsen",
  "DE-ST": "Sachsen-Anhalt",
  "DE-SH": "Schleswig-Holstein",
  "DE-TH": "Thüringen"
}
const billing: Record<OrderSummary["billing"], string> = {
  oneTime: "einmalig",
  monthly: "monatlich",
  free: "kostenfrei"
}

/** What the summary says, section by section: the single source for the PDF and for its text test. */
export interface SummarySection {
  readonly heading: string
  readonly rows: ReadonlyArray<readonly [label: string, value: string]>
}

export const documentTitle = "Übersicht der Bestellinformationen"

/** The content of the order summary, German (DOMAIN §8): everything the customer agreed to, nothing added. */
export const summarySections = (s: OrderSummary): ReadonlyArray<SummarySection> => {
  const c = s.customer
  const address = c.defaultAddress
  const yesNo = (v: unknown) => (typeof v === "boolean" ? (v ? "ja" : "nein") : String(v))
  return [
    {
      heading: "Bestellung",
      rows: [
        ["Bestellnummer", s.orderId],
        ["Bestellt am", formatDateTime(s.placedAt, "de")],
        ["Bestellt von", s.orderedBy],
        ["Status bei Bestellung", statusLabel("open", "de")],
        ["Entscheidungsfrist des Anbieters", `bis ${formatDeadline(s.deadline, "de")} (§§ 187, 188 BGB)`]
      ]
    },
    {
      heading: "Kunde (Stammdaten)",
      rows: [
        ["Organisation", c.name],
        ["Rechtsform", c.legalForm],
        ["Verwaltungsebene", administrativeLevels[c.administrativeLevel]],
        ...(c.federalState === null ? [] : [["Land", federalStates[c.federalState] ?? c.federalState] as const]),
        ...(address === null
          ? []
          : [
              ["Anschrift", `${address.street}, ${address.postalCode} ${address.city}`] as const,
              ...(address.phone === null ? [] : [["Telefon", address.phone] as const]),
              ...(address.leitwegId === null ? [] : [["Leitweg-ID", address.leitwegId] as const])
            ])
      ]
    },
    {
      heading: "Cloud-Service",
      rows: [
        ["Angebot", s.offering.name.de],
        ["Version des Angebots", String(s.offering.version)],
        ["Anbieter", s.offering.provider],
        ["Reifegrad", String(s.maturityLevel)]
      ]
    },
    {
      heading: "Konfiguration",
      rows:
        s.configuration.length === 0
          ? [["Eigenschaften", "keine konfigurierbaren Eigenschaften"]]
          : s.configuration.map((p) => [p.label.de, yesNo(p.value)] as const)
    },
    {
      heading: "Vertrag",
      rows: [
        ["Vertragsmodell", `${contractModelLabels[s.contractModel].de} (${s.contractModel})`],
        ["Vertragspartner und Rechnungssteller", s.contractPartner],
        ["CSP-AGB", `Version ${s.termsVersion}`],
        ["Servicespezifische Bedingungen", `Version ${s.conditionsVersion}`]
      ]
    },
    {
      heading: "Preis",
      rows: [
        ["Preisplan", s.pricePlan.de],
        ["Menge", String(s.quantity)],
        ["Gesamtpreis", `${formatDe(s.total)} ${billing[s.billing]}`]
      ]
    }
  ]
}

const closingNotes = [
  "Der Gesamtpreis ist der Endpreis: Es fallen keine weiteren Gebühren oder Aufschläge an.",
  "Die Bestellung ist erst mit der Bestellbestätigung durch den Anbieter rechtskräftig."
]

// The standard fonts speak WinAnsi (Windows-1252) only: German, „“, € and – are in it; anything else is
// reduced to its base letter (ő → o) or, failing that, shown as "?", rather than failing the whole order.
const winAnsiExtra = new Set([..."€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"])
const isWinAnsi = (ch: string) => {
  const code = ch.codePointAt(0) ?? 0
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || winAnsiExtra.has(ch)
}
export const toWinAnsi = (text: string): string =>
  [...text.normalize("NFC").replace(/\s+/gu, " ")]
    .map((ch) => {
      if (isWinAnsi(ch)) return ch
      const base = ch.normalize("NFKD").replace(/\p{M}/gu, "")
      return [...base].every(isWinAnsi) && base.length > 0 ? base : "?"
    })
    .join("")

const page = { width: PageSizes.A4[0], height: PageSizes.A4[1], margin: 56 }
const ink = rgb(0.1, 0.1, 0.1)
const muted = rgb(0.29, 0.29, 0.29)
const brand = rgb(0, 0.294, 0.529)

/** Greedy word wrap by measured width; a word longer than the line is cut where it must. */
const wrap = (text: string, font: PDFFont, size: number, width: number): Array<string> => {
  const lines: Array<string> = []
  let line = ""
  for (const word of text.split(" ")) {
    const candidate = line === "" ? word : `${line} ${word}`
    if (font.widthOfTextAtSize(candidate, size) <= width) {
      line = candidate
      continue
    }
    if (line !== "") lines.push(line)
    let rest = word
    while (font.widthOfTextAtSize(rest, size) > width && rest.length > 1) {
      let cut = rest.length - 1
      while (cut > 1 && font.widthOfTextAtSize(rest.slice(0, cut), size) > width) cut--
      lines.push(rest.slice(0, cut))
      rest = rest.slice(cut)
    }
    line = rest
  }
  if (line !== "") lines.push(line)
  return lines.length === 0 ? [""] : lines
}

/**
 * The order summary as an A4 PDF, German, with real text in the standard Helvetica (extractable, searchable,
 * nothing embedded). Deterministic: the same summary gives the same bytes, dated by the order, not by the
 * clock. Pure JavaScript (pdf-lib), so it runs on Node and on workerd alike.
 */
export const renderOrderSummaryPdf = async (summary: OrderSummary): Promise<Uint8Array> => {
  const doc = await PDFDocument.create({ updateMetadata: false })
  const placedAt = DateTime.toDateUtc(summary.placedAt)
  doc.setTitle(`${documentTitle} ${summary.orderId}`, { showInWindowTitleBar: true })
  doc.setSubject(`Bestellung ${summary.offering.name.de}`)
  doc.setAuthor("Cloud-Service-Portal der Deutschen Verwaltungscloud")
  doc.setCreator("cloudportal")
  doc.setProducer("cloudportal (pdf-lib)")
  doc.setLanguage("de-DE")
  doc.setCreationDate(placedAt)
  doc.setModificationDate(placedAt)

  const regular = await doc.embedFont(StandardFonts.Helvetica)
  const bold = await doc.embedFont(StandardFonts.HelveticaBold)
  const textWidth = page.width - 2 * page.margin
  const labelWidth = 190
  const valueWidth = textWidth - labelWidth - 10

  const pages: Array<PDFPage> = []
  let current = doc.addPage(PageSizes.A4)
  pages.push(current)
  let y = page.height - page.margin

  const ensure = (height: number) => {
    if (y - height >= page.margin + 24) return
    current = doc.addPage(PageSizes.A4)
    pages.push(current)
    y = page.height - page.margin
  }
  const draw = (text: string, x: number, font: PDFFont, size: number, color = ink) =>
    current.drawText(text, { x, y, font, size, color })

  draw("Cloud-Service-Portal der Deutschen Verwaltungscloud", page.margin, bold, 10, brand)
  y -= 26
  draw(documentTitle, page.margin, bold, 18)
  y -= 28

  for (const section of summarySections(summary)) {
    ensure(44)
    y -= 12
    draw(toWinAnsi(section.heading), page.margin, bold, 12, brand)
    y -= 6
    current.drawLine({
      start: { x: page.margin, y },
      end: { x: page.width - page.margin, y },
      thickness: 0.5,
      color: muted
    })
    y -= 14
    for (const [label, value] of section.rows) {
      const labelLines = wrap(toWinAnsi(label), regular, 10, labelWidth)
      const valueLines = wrap(toWinAnsi(value), regular, 10, valueWidth)
      const lines = Math.max(labelLines.length, valueLines.length)
      ensure(lines * 13)
      for (let i = 0; i < lines; i++) {
        const l = labelLines[i]
        const v = valueLines[i]
        if (l !== undefined) draw(l, page.margin, regular, 10, muted)
        if (v !== undefined) draw(v, page.margin + labelWidth + 10, regular, 10)
        y -= 13
      }
      y -= 1
    }
  }

  y -= 10
  for (const note of closingNotes) {
    const lines = wrap(toWinAnsi(note), regular, 10, textWidth)
    ensure(lines.length * 14)
    for (const line of lines) {
      draw(line, page.margin, regular, 10)
      y -= 14
    }
  }

  pages.forEach((p, i) => {
    const footer = toWinAnsi(`${documentTitle} · Bestellung ${summary.orderId} · Seite ${i + 1} von ${pages.length}`)
    p.drawText(footer, { x: page.margin, y: page.margin - 20, font: regular, size: 8, color: muted })
  })

  return doc.save({ useObjectStreams: false })
}

export const mediaType = "application/pdf"

/** Core's `DocumentRenderer` port, rendering the order summary as PDF. */
export const layer: Layer.Layer<DocumentRenderer> = Layer.succeed(DocumentRenderer)({
  renderOrderSummary: (summary) =>
    Effect.tryPromise({
      try: () => renderOrderSummaryPdf(summary),
      catch: (cause) => new DocumentRenderFailed({ cause })
    }).pipe(Effect.map((bytes): RenderedDocument => ({ mediaType, bytes })))
})
