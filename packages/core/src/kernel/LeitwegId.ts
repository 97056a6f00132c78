import { Schema } from "effect"

/**
 * Leitweg-ID of a billing address (XRechnung routing id): "coarse-fine-check", e.g. "04011000-1234512345-06".
 * The two check digits follow ISO 7064 MOD 97-10 over the id without hyphens, letters mapped A=10 … Z=35.
 */
const shape = /^[0-9]{2,12}(-[0-9A-Z]{1,30})?-[0-9]{2}$/u

const mod97 = (digits: string): number => {
  let rest = 0
  for (const ch of digits) rest = (rest * 10 + Number(ch)) % 97
  return rest
}

const toDigits = (s: string): string =>
  Array.from(s, (ch) => (ch >= "A" && ch <= "Z" ? String(ch.charCodeAt(0) - 55) : ch)).join("")

/** The check digits that make `body` (the id without its last part) valid. */
export const checkDigits = (body: string): string => {
  const rest = mod97(`${toDigits(body.replaceAll("-", ""))}00`)
  return String(98 - rest).padStart(2, "0")
}

export const isValidLeitwegId = (raw: string): boolean => {
  if (!shape.test(raw)) return false
  return mod97(toDigits(raw.replaceAll("-", ""))) === 1
}

export const LeitwegId = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter((s: string) => isValidLeitwegId(s), {
      message: "Ungültige Leitweg-ID (Prüfziffern nach ISO 7064 MOD 97-10) / invalid Leitweg-ID"
    })
  ),
  Schema.brand("LeitwegId")
)
export type LeitwegId = typeof LeitwegId.Type
