import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import {
  constantTimeEqual,
  hashPbkdf2,
  PasswordHasher,
  parsePbkdf2,
  pbkdf2Defaults,
  verifyPbkdf2
} from "../../src/identity/PasswordHasher.ts"
import { hex, utf8 } from "../../src/kernel/Encoding.ts"
import { SecureRandom } from "../../src/kernel/SecureRandom.ts"

const hasher = (iterations: number) =>
  PasswordHasher.layerWebCrypto({ iterations }).pipe(Layer.provide(SecureRandom.layerWebCrypto))

const password = "ein ganz langes Passwort für den Test"

describe("PasswordHasher (Web Crypto, PBKDF2-HMAC-SHA256)", () => {
  it.effect(
    "a hash is a PHC string $pbkdf2-sha256$i=<n>$<salt>$<hash> that verifies the password and nothing else",
    () =>
      Effect.gen(function* () {
        const h = yield* PasswordHasher
        const phc = yield* h.hash(password)
        assert.match(phc, /^\$pbkdf2-sha256\$i=1000\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/u)
        assert.isTrue(yield* h.verify(phc, password))
        assert.isFalse(yield* h.verify(phc, `${password} `))
        assert.isFalse(yield* h.verify(phc, ""))
      }).pipe(Effect.provide(hasher(1000)))
  )

  it.effect("every hash has its own salt", () =>
    Effect.gen(function* () {
      const h = yield* PasswordHasher
      const a = yield* h.hash(password)
      const b = yield* h.hash(password)
      assert.notStrictEqual(a, b)
      assert.notStrictEqual(parsePbkdf2(a)?.salt.join(), parsePbkdf2(b)?.salt.join())
    }).pipe(Effect.provide(hasher(1000)))
  )

  it.effect("the same password typed composed or decomposed verifies (NFKC)", () =>
    Effect.gen(function* () {
      const h = yield* PasswordHasher
      const phc = yield* h.hash("Grüße aus München, Straße 25 äöü")
      assert.isTrue(yield* h.verify(phc, "Gru\u0308ße aus Mu\u0308nchen, Straße 25 a\u0308o\u0308u\u0308"))
    }).pipe(Effect.provide(hasher(1000)))
  )

  it.effect("a hash with fewer iterations than configured, or of another algorithm, needs a rehash", () =>
    Effect.gen(function* () {
      const weak = yield* Effect.provide(
        PasswordHasher.use((h) => h.hash(password)),
        hasher(500)
      )
      const h = yield* PasswordHasher
      assert.isTrue(h.needsRehash(weak))
      assert.isTrue(yield* h.verify(weak, password))
      assert.isFalse(h.needsRehash(yield* h.hash(password)))
      const argon = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA"
      assert.isTrue(h.needsRehash(argon))
      assert.isFalse(yield* h.verify(argon, password))
    }).pipe(Effect.provide(hasher(1000)))
  )

  it("the default cost is OWASP's 600,000 iterations", () => {
    assert.strictEqual(pbkdf2Defaults.iterations, 600_000)
  })

  it.effect("PBKDF2-HMAC-SHA256 matches the RFC 7914 test vector", () =>
    Effect.gen(function* () {
      // RFC 7914 §11: P = "passwd", S = "salt", c = 1; the first 32 bytes of the 64-byte output.
      const phc = yield* hashPbkdf2("passwd", utf8("salt"), 1)
      assert.strictEqual(
        hex(parsePbkdf2(phc)!.hash),
        "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
      )
      assert.isTrue(yield* verifyPbkdf2(phc, "passwd"))
    })
  )

  it.effect("malformed hashes are unreadable: they verify nothing", () =>
    Effect.gen(function* () {
      for (const bad of [
        "",
        "plaintext",
        "$pbkdf2-sha256$i=0$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g",
        "$pbkdf2-sha256$i=1000$!!!$aGFzaGhhc2hoYXNoaGFzaGhhc2g",
        "$pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g"
      ]) {
        assert.strictEqual(parsePbkdf2(bad), undefined, bad)
        assert.isFalse(yield* verifyPbkdf2(bad, password))
      }
    })
  )

  it("hashes are compared in constant time over their whole length", () => {
    assert.isTrue(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3])))
    assert.isFalse(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4])))
    assert.isFalse(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2])))
  })

  it.effect("a non-positive iteration count is refused when the layer is built", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(
        Effect.provide(
          PasswordHasher.use(() => Effect.void),
          hasher(0)
        )
      )
      assert.strictEqual(exit._tag, "Failure")
    })
  )
})
