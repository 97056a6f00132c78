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

/**
 * Valid when the check digits are the ones `checkDigits` computes. Not merely "the whole number mod 97 is 1":
 * computed check digits lie between 02 and 98, and that test would also pass 99 for 02 (and 00, 01 for 97, 98),
 * pairs no issuer ever hands out.
 */
export const isValidLeitwegId = (raw: string): boolean =>
  shape.test(raw) && raw.slice(-2) === checkDigits(raw.slice(0, -3))

export const LeitwegId = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter((s: string) => isValidLeitwegId(s), {
      message: "Ungültige Leitweg-ID (Prüfziffern nach ISO 7064 MOD 97-10) / invalid Leitweg-ID"
    })
  ),
  Schema.brand("LeitwegId")
)
export type LeitwegId = typeof LeitwegId.Type
