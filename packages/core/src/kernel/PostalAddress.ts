import { Schema } from "effect"

const required = (label: string) =>
  Schema.String.pipe(
    Schema.check(Schema.isTrimmed(), Schema.isNonEmpty({ message: `${label} fehlt / ${label} is required` })),
    Schema.check(Schema.isMaxLength(200))
  )

export const Street = required("Straße")
export const City = required("Ort")
/** German postal codes have five digits. */
export const PostalCode = Schema.String.pipe(
  Schema.check(Schema.isPattern(/^[0-9]{5}$/u, { message: "Postleitzahl: fünf Ziffern / postal code: five digits" }))
)
/** Digits with optional +, spaces, slashes, hyphens and parentheses; at least 6 digits. */
export const Phone = Schema.String.pipe(
  Schema.check(
    Schema.isPattern(/^\+?[0-9 ()/-]{6,30}$/u, { message: "Ungültige Telefonnummer / invalid phone number" })
  )
)

export const PostalAddressFields = {
  street: Street,
  postalCode: PostalCode,
  city: City
} as const
