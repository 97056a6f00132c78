import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fc from "fast-check"
import { hashSecret } from "../../src/identity/Session.ts"
import { sha256HexSync } from "../../src/identity/Sha256.ts"

describe("SHA-256 in JavaScript", () => {
  it("answers the FIPS 180-4 example digests", () => {
    assert.strictEqual(sha256HexSync(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    assert.strictEqual(sha256HexSync("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    assert.strictEqual(
      sha256HexSync("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    )
    assert.strictEqual(
      sha256HexSync("a".repeat(1_000_000)),
      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
    )
  })

  it.effect("a session secret hashes as hashSecret (Web Crypto) hashes it, at every length and in any script", () =>
    Effect.gen(function* () {
      const samples = fc.sample(
        fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: "grapheme", maxLength: 80 })),
        300
      )
      // The block boundaries: 55, 56 and 64 bytes are where the padding spills into a second block.
      for (let n = 0; n <= 130; n++) samples.push("x".repeat(n))
      for (const text of samples) assert.strictEqual(sha256HexSync(text), yield* hashSecret(text), JSON.stringify(text))
    })
  )
})
