/** The two locales of the portal: German is the default, English the second. */
export type Locale = "de" | "en"

/**
 * The locale an `Accept-Language` header asks for: the first of de/en by preference (q-values honoured),
 * German when neither is named.
 */
export const localeOf = (acceptLanguage: string | undefined): Locale => {
  if (!acceptLanguage) return "de"
  const ranked = acceptLanguage
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";")
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="))
      const weight = q === undefined ? 1 : Number(q.slice(2))
      return {
        primary: tag.trim().toLowerCase().split("-")[0] ?? "",
        weight: Number.isFinite(weight) ? weight : 0,
        index
      }
    })
    .filter((l) => l.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
  for (const l of ranked) if (l.primary === "de" || l.primary === "en") return l.primary
  return "de"
}
