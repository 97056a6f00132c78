/** Small, dependency-free encodings for ids, tokens and hashes. */

const base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567"

/**
 * Lower-case RFC 4648 base32 without padding: URL-safe and case-insensitive, used for ids. The digits are
 * gathered as character codes and made into one string: appending them one by one copies every prefix (an id
 * of 26 digits made 26 strings, and an order takes about ten ids).
 */
export const base32 = (bytes: Uint8Array): string => {
  const codes: Array<number> = []
  let buffer = 0
  let bits = 0
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte
    bits += 8
    while (bits >= 5) {
      codes.push(base32Alphabet.charCodeAt((buffer >>> (bits - 5)) & 31))
      bits -= 5
    }
  }
  if (bits > 0) codes.push(base32Alphabet.charCodeAt((buffer << (5 - bits)) & 31))
  return String.fromCharCode(...codes)
}

export const base64url = (bytes: Uint8Array): string => {
  let binary = ""
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/u, "")
}

export const fromBase64url = (text: string): Uint8Array => {
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"))
  return Uint8Array.from(binary, (c) => c.charCodeAt(0))
}

const hexDigits = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"))

export const hex = (bytes: Uint8Array): string => {
  let out = ""
  for (const byte of bytes) out += hexDigits[byte]
  return out
}

const encoder = new TextEncoder()

export const utf8 = (text: string): Uint8Array => encoder.encode(text)
