import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { base32 } from "../../src/kernel/Encoding.ts"

/** RFC 4648 base32, lower case, unpadded, written out bit by bit: the reference `base32` is held to. */
const reference = (bytes: Uint8Array): string => {
  const bits = Array.from(bytes, (byte) => byte.toString(2).padStart(8, "0")).join("")
  let out = ""
  for (let i = 0; i < bits.length; i += 5)
    out += "abcdefghijklmnopqrstuvwxyz234567"[Number.parseInt(bits.slice(i, i + 5).padEnd(5, "0"), 2)]
  return out
}

describe("base32 (ids)", () => {
  it("is RFC 4648 base32 in lower case without padding: the standard's test vectors", () => {
    const vectors: ReadonlyArray<readonly [string, string]> = [
      ["", ""],
      ["f", "my"],
      ["fo", "mzxq"],
      ["foo", "mzxw6"],
      ["foob", "mzxw6yq"],
      ["fooba", "mzxw6ytb"],
      ["foobar", "mzxw6ytboi"]
    ]
    for (const [text, encoded] of vectors) assert.strictEqual(base32(new TextEncoder().encode(text)), encoded)
  })

  it("encodes any bytes as the bit-by-bit reference does", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        assert.strictEqual(base32(bytes), reference(bytes))
      }),
      { numRuns: 500 }
    )
  })
})
