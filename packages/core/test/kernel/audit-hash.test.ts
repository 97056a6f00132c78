import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fc from "fast-check"
import { canonicalJson, sha256Hex, sha256HexPortable } from "../../src/kernel/Digest.ts"

/** The reference the JavaScript SHA-256 is held to: Web Crypto's. */
const webCryptoSha256Hex = async (text: string): Promise<string> =>
  Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))), (byte) =>
    byte.toString(16).padStart(2, "0")
  ).join("")

describe("the audit hash", () => {
  // On Node `sha256Hex` is the platform's native digest, `sha256HexPortable` the JavaScript one workerd and
  // browsers fall back to: both are held to the vectors and to Web Crypto.
  for (const [name, hash] of [
    ["sha256Hex", sha256Hex],
    ["sha256HexPortable", sha256HexPortable]
  ] as const) {
    it(`is SHA-256: the standard test vectors (${name})`, () => {
      assert.strictEqual(hash(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
      assert.strictEqual(hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
      assert.strictEqual(
        hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
      )
      assert.strictEqual(
        hash("a".repeat(1_000_000)),
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
      )
    })

    it.effect(
      `is the digest Web Crypto computes, for any text and every length around a block boundary (${name})`,
      () =>
        Effect.promise(() =>
          fc.assert(
            fc.asyncProperty(
              fc.oneof(
                fc.string({ unit: "grapheme", maxLength: 300 }),
                fc.string({ unit: "binary", maxLength: 300 }),
                fc.integer({ min: 0, max: 200 }).map((n) => "x".repeat(n))
              ),
              async (text) => {
                assert.strictEqual(hash(text), await webCryptoSha256Hex(text))
              }
            ),
            { numRuns: 300 }
          )
        )
    )
  }

  it("a key named __proto__ is hashed like any other key, in or out of order", () => {
    const inOrder = JSON.parse('{"__proto__":1,"a":2}') as unknown
    const outOfOrder = JSON.parse('{"b":2,"__proto__":1}') as unknown
    assert.strictEqual(canonicalJson(inOrder), '{"__proto__":1,"a":2}')
    assert.strictEqual(canonicalJson(outOfOrder), '{"__proto__":1,"b":2}')
  })

  it("hashes canonical JSON: the text of the value with every object's keys sorted, whatever order they came in", () => {
    // The rule written out plainly: a sorted copy of every object, whether its keys are in order or not.
    const reference = (value: unknown): string =>
      JSON.stringify(value, (_key, v: unknown) =>
        v !== null && typeof v === "object" && !Array.isArray(v)
          ? Object.fromEntries(
              Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            )
          : v
      )
    const reversed = (value: unknown): unknown =>
      value !== null && typeof value === "object"
        ? Array.isArray(value)
          ? value.map(reversed)
          : Object.fromEntries(
              Object.entries(value as Record<string, unknown>)
                .reverse()
                .map(([k, v]) => [k, reversed(v)])
            )
        : value
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        assert.strictEqual(canonicalJson(value), reference(value))
        assert.strictEqual(canonicalJson(reversed(value)), reference(value))
      }),
      { numRuns: 500 }
    )
    // Beyond JSON: instants, `undefined`, objects without a prototype, sparse arrays, keys such as `__proto__`.
    fc.assert(
      fc.property(
        fc.anything({ withDate: true, withNullPrototype: true, withSparseArray: true, withObjectString: true }),
        (value) => {
          assert.strictEqual(canonicalJson(value), reference(value))
        }
      ),
      { numRuns: 500 }
    )
  })

  it("hashes what toJSON gives, with its keys sorted too", () => {
    const instant = new Date(Date.UTC(2026, 10, 28, 12))
    const custom = { toJSON: (key: string) => ({ z: key, a: [{ y: 1, b: 2 }] }) }
    assert.strictEqual(
      canonicalJson({ when: instant, custom }),
      '{"custom":{"a":[{"b":2,"y":1}],"z":"custom"},"when":"2026-11-28T12:00:00.000Z"}'
    )
  })
})
