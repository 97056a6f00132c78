import { Schema, SchemaTransformation } from "effect"

/** Password length limits in Unicode code points after NFKC (DOMAIN §4). No composition rules, on purpose. */
export const passwordPolicy = { minCodePoints: 25, maxCodePoints: 1024 } as const

/**
 * The one form a password is hashed and compared in: NFKC, so that the same password typed on another
 * keyboard or OS (composed vs decomposed umlauts, full-width digits) is the same password.
 */
export const normalizePassword = (raw: string): string => raw.normalize("NFKC")

/** A new password under the policy; decoding normalizes (NFKC), and the length is counted after that. */
export const Password = Schema.String.pipe(
  Schema.decodeTo(
    Schema.String.pipe(
      Schema.check(
        Schema.isMinCodePoints(passwordPolicy.minCodePoints, {
          message: `Das Passwort muss mindestens ${passwordPolicy.minCodePoints} Zeichen lang sein / the password must be at least ${passwordPolicy.minCodePoints} characters long`
        }),
        Schema.isMaxCodePoints(passwordPolicy.maxCodePoints, {
          message: `Das Passwort darf höchstens ${passwordPolicy.maxCodePoints} Zeichen lang sein / the password must be at most ${passwordPolicy.maxCodePoints} characters long`
        })
      ),
      Schema.brand("Password")
    ),
    SchemaTransformation.transform({ decode: normalizePassword, encode: (s: string) => s })
  ),
  Schema.annotateKey({ messageMissingKey: "Passwort fehlt / password is required" })
)
export type Password = typeof Password.Type

/**
 * A password presented at login: not checked against the policy (older passwords may predate it), only
 * bounded so that nobody can make the server hash megabytes.
 */
export const PresentedPassword = Schema.String.pipe(
  Schema.check(
    Schema.isNonEmpty({ message: "Passwort fehlt / password is required" }),
    Schema.isMaxLength(4 * passwordPolicy.maxCodePoints, {
      message: "Passwort zu lang / password too long"
    })
  ),
  Schema.annotateKey({ messageMissingKey: "Passwort fehlt / password is required" })
)
