import { assert, describe, it } from "@effect/vitest"
import { Result, Schema } from "effect"
import { Password, passwordPolicy } from "../../src/identity/Password.ts"
import { issuesOf } from "../../src/kernel/Errors.ts"

const decode = Schema.decodeUnknownResult(Password)
const accepted = (raw: string) => Result.isSuccess(decode(raw))
const messages = (raw: unknown) => {
  const r = decode(raw)
  return Result.isFailure(r) ? issuesOf(r.failure.issue).map((i) => i.message) : []
}

describe("password policy", () => {
  it("a password has at least 25 characters", () => {
    assert.isFalse(accepted("a".repeat(24)))
    assert.isTrue(accepted("a".repeat(25)))
    assert.deepStrictEqual(messages("kurz"), [
      "Das Passwort muss mindestens 25 Zeichen lang sein / the password must be at least 25 characters long"
    ])
  })

  it("characters are Unicode code points, not UTF-16 units", () => {
    // 24 emoji are 48 UTF-16 units but 24 code points: too short. 25 are enough.
    assert.isFalse(accepted("🔐".repeat(24)))
    assert.isTrue(accepted("🔐".repeat(25)))
  })

  it("characters are counted after NFKC normalization", () => {
    // "ﬀ" (one code point) becomes "ff" (two) under NFKC: 13 ligatures count as 26.
    assert.isTrue(accepted("ﬀ".repeat(13)))
    // A decomposed "ü" (u + combining diaeresis) composes to one code point: 26 of them are 26, not 52.
    assert.isTrue(accepted("u\u0308".repeat(25)))
    assert.isFalse(accepted("u\u0308".repeat(24)))
    const r = decode("u\u0308".repeat(25))
    assert.strictEqual(Result.isSuccess(r) && (r.success as string), "ü".repeat(25))
  })

  it("a password has at most 1024 characters", () => {
    assert.isTrue(accepted("x".repeat(passwordPolicy.maxCodePoints)))
    assert.isFalse(accepted("x".repeat(passwordPolicy.maxCodePoints + 1)))
  })

  it("passwords need no composition rules", () => {
    // No digits, no capitals, no symbols, just long enough.
    assert.isTrue(accepted("nur kleine buchstaben und leerzeichen"))
    assert.isTrue(accepted("aaaaaaaaaaaaaaaaaaaaaaaaa"))
  })

  it("a password is a string", () => {
    assert.isFalse(accepted(1234567890 as unknown as string))
  })
})
