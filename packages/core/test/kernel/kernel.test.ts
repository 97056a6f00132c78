import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import * as fc from "fast-check"
import { system } from "../../src/kernel/Actor.ts"
import { AuditLog, record, verifyChain } from "../../src/kernel/Audit.ts"
import { Email } from "../../src/kernel/Email.ts"
import { decodeInput } from "../../src/kernel/Errors.ts"
import { checkDigits, isValidLeitwegId } from "../../src/kernel/LeitwegId.ts"
import { SecureRandom } from "../../src/kernel/SecureRandom.ts"
import { MemoryTable, UnitOfWork, unitOfWorkMemory } from "../../src/kernel/UnitOfWork.ts"

describe("email", () => {
  it("emails compare case-insensitively after normalization", () => {
    assert.strictEqual(Schema.decodeUnknownSync(Email)("  Anna.Muster@Kommune.DE "), "anna.muster@kommune.de")
  })
})

describe("Leitweg-ID", () => {
  it("a Leitweg-ID is valid only with its ISO 7064 MOD 97-10 check digits", () => {
    assert.isTrue(isValidLeitwegId("04011000-1234512345-06"))
    assert.isFalse(isValidLeitwegId("04011000-1234512345-07"))
    assert.isFalse(isValidLeitwegId("991-33333TEST-33") === isValidLeitwegId("991-33333TEST-34"))
  })
  it("check digits 99 do not stand in for 02, nor 00 and 01 for 97 and 98, although the number mod 97 is 1", () => {
    const body = Array.from({ length: 200 }, (_, i) => `04011000-${i}`).find((b) => checkDigits(b) === "02")!
    assert.isTrue(isValidLeitwegId(`${body}-02`))
    assert.isFalse(isValidLeitwegId(`${body}-99`))
  })

  it("check digits computed for any body validate, and any other pair does not", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{2,12}-[0-9A-Z]{1,30}$/), fc.integer({ min: 0, max: 99 }), (body, other) => {
        const good = checkDigits(body)
        assert.isTrue(isValidLeitwegId(`${body}-${good}`))
        const bad = String(other).padStart(2, "0")
        if (bad !== good) assert.isFalse(isValidLeitwegId(`${body}-${bad}`))
      })
    )
  })
})

describe("bad input", () => {
  it.effect("bad input names every offending field at once", () =>
    Effect.gen(function* () {
      const S = Schema.Struct({ a: Schema.Struct({ b: Schema.String }), c: Schema.Int })
      const error = yield* Effect.flip(decodeInput(S)({ a: { b: 1 }, c: "x" }))
      assert.deepStrictEqual(
        error.issues.map((i) => i.path),
        ["a.b", "c"]
      )
    })
  )
})

const TestLayer = Layer.mergeAll(unitOfWorkMemory, AuditLog.layerMemory, SecureRandom.layerSeeded(7))

describe("unit of work (memory)", () => {
  it.effect("a failed unit of work leaves no write behind", () =>
    Effect.gen(function* () {
      const table = new MemoryTable<string, number>()
      yield* table.set("kept", 1)
      const uow = yield* UnitOfWork
      const result = yield* Effect.flip(
        uow.transaction(
          Effect.gen(function* () {
            yield* table.set("kept", 2)
            yield* table.set("new", 3)
            yield* table.delete("kept")
            return yield* Effect.fail("boom" as const)
          })
        )
      )
      assert.strictEqual(result, "boom")
      assert.strictEqual(table.get("kept"), 1)
      assert.strictEqual(table.get("new"), undefined)
    }).pipe(Effect.provide(TestLayer))
  )
})

describe("audit chain", () => {
  it.effect("every audit event carries the hash of the one before it in its organization", () =>
    Effect.gen(function* () {
      const draft = (n: number) => ({
        chain: "org_a",
        actor: system,
        action: "test",
        subject: { type: "thing", id: String(n) },
        before: null,
        after: { n }
      })
      const a = yield* record(draft(1))
      const b = yield* record(draft(2))
      yield* record({ ...draft(3), chain: "org_b" })
      assert.strictEqual(b.previousHash, a.hash)
      const events = yield* AuditLog.use((l) => l.list("org_a", { afterSequence: 0, limit: 10 }))
      assert.deepStrictEqual(yield* verifyChain(events), { ok: true })
      const tampered = [events[0]!, { ...events[1]!, after: { n: 99 } } as typeof b]
      assert.deepStrictEqual(yield* verifyChain(tampered), { ok: false, brokenAt: b.id })
    }).pipe(Effect.provide(TestLayer))
  )
})

describe("unstorable input", () => {
  it.effect("text with NUL or an unpaired surrogate is refused with its field, before any rule runs", () =>
    Effect.gen(function* () {
      const S = Schema.Struct({ name: Schema.String, person: Schema.Struct({ city: Schema.String }) })
      const error = yield* Effect.flip(decodeInput(S)({ name: "Amt\u0000", person: { city: "K\uD800ln" } }))
      assert.deepStrictEqual(
        error.issues.map((i) => i.path),
        ["name", "person.city"]
      )
      assert.deepStrictEqual(yield* decodeInput(S)({ name: "Amt 🏛", person: { city: "Köln" } }), {
        name: "Amt 🏛",
        person: { city: "Köln" }
      })
    })
  )

  it.effect("input nested deeper than any use case takes is refused", () =>
    Effect.gen(function* () {
      let deep: unknown = "x"
      for (let i = 0; i < 10_000; i++) deep = { a: deep }
      const error = yield* Effect.flip(decodeInput(Schema.Struct({ a: Schema.Unknown }))(deep))
      assert.strictEqual(error.issues.length, 1)
      assert.include(error.issues[0]!.message, "verschachtelt")
    })
  )
})

describe("secure randomness (Web Crypto, pooled)", () => {
  it.effect("bytes are never handed out twice, whatever the lengths asked, across refills of the pool", () =>
    Effect.gen(function* () {
      const random = yield* SecureRandom
      const seen = new Set<string>()
      // 16-byte draws past several refills of the 4 KiB pool, with odd lengths in between and one larger than it.
      for (let i = 0; i < 2_000; i++) {
        const bytes = yield* random.bytes(i % 7 === 0 ? 5 : 16)
        assert.strictEqual(bytes.length, i % 7 === 0 ? 5 : 16)
        if (bytes.length === 16) {
          const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")
          assert.isFalse(seen.has(hex), "a 16-byte draw repeated")
          seen.add(hex)
        }
      }
      const large = yield* random.bytes(10_000)
      assert.strictEqual(large.length, 10_000)
      assert.isTrue(large.some((b) => b !== 0))
      // What a caller gets is its own copy: changing it changes nothing the next caller receives.
      const first = yield* random.bytes(16)
      first.fill(0)
      assert.isTrue((yield* random.bytes(16)).some((b) => b !== 0))
    }).pipe(Effect.provide(SecureRandom.layerWebCrypto))
  )
})
