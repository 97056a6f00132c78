import { Schema, SchemaTransformation } from "effect"

/**
 * An email address as the portal compares it: NFKC-normalized, trimmed and lower-cased,
 * so that "Anna@Kommune.de " and "anna@kommune.de" are one account (DOMAIN §4).
 */
export const normalizeEmail = (raw: string): string => raw.normalize("NFKC").trim().toLowerCase()

// Deliberately permissive (one @, a dot in the domain, no spaces): the confirmation mail is the real check.
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/u

/** A normalized email address. Decoding normalizes; the brand proves it happened. */
export const Email = Schema.String.pipe(
  Schema.decodeTo(
    Schema.String.pipe(
      Schema.check(
        Schema.isMaxLength(254),
        Schema.isPattern(emailPattern, { message: "Ungültige E-Mail-Adresse / invalid email address" })
      ),
      Schema.brand("Email")
    ),
    SchemaTransformation.transform({ decode: normalizeEmail, encode: (s: string) => s })
  )
)
export type Email = typeof Email.Type
