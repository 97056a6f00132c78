import {
  Account,
  type AccountId,
  AccountStore,
  Authentication,
  PasswordHasher,
  SecureRandom,
  storesMemory
} from "@cloudportal/core"
import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect, Layer } from "effect"
import { argon2Defaults, layerArgon2, parseArgon2id } from "../src/index.ts"

const argon2 = (options?: Parameters<typeof layerArgon2>[0]) =>
  layerArgon2(options).pipe(Layer.provide(SecureRandom.layerWebCrypto))
const edge = PasswordHasher.layerWebCrypto({ iterations: 1000 }).pipe(Layer.provide(SecureRandom.layerWebCrypto))

const password = "ein ganz langes Passwort für den Test ✓"
const hashWith = (layer: Layer.Layer<PasswordHasher>, pw = password) =>
  Effect.provide(
    PasswordHasher.use((h) => h.hash(pw)),
    layer
  )

describe("PasswordHasher on argon2id", () => {
  it.effect("hashes are argon2id with OWASP's parameters: 19 MiB, 2 passes, 1 lane", () =>
    Effect.gen(function* () {
      const h = yield* PasswordHasher
      const phc = yield* h.hash(password)
      assert.match(phc, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/u)
      assert.deepStrictEqual(parseArgon2id(phc), { memoryCost: 19_456, timeCost: 2, parallelism: 1 })
      assert.isTrue(yield* h.verify(phc, password))
      assert.isFalse(yield* h.verify(phc, `${password}!`))
      assert.isFalse(h.needsRehash(phc))
    }).pipe(Effect.provide(argon2()))
  )

  it.effect("every hash has its own salt", () =>
    Effect.gen(function* () {
      const h = yield* PasswordHasher
      assert.notStrictEqual(yield* h.hash(password), yield* h.hash(password))
    }).pipe(Effect.provide(argon2({ memoryCost: 1024, timeCost: 1 })))
  )

  it.effect("an edge PBKDF2 hash verifies and needs a rehash, so the next login moves it to argon2id", () =>
    Effect.gen(function* () {
      const pbkdf2 = yield* hashWith(edge)
      const h = yield* PasswordHasher
      assert.isTrue(yield* h.verify(pbkdf2, password))
      assert.isFalse(yield* h.verify(pbkdf2, "falsch"))
      assert.isTrue(h.needsRehash(pbkdf2))
      const moved = yield* h.hash(password)
      assert.isFalse(h.needsRehash(moved))
      assert.isTrue(yield* h.verify(moved, password))
    }).pipe(Effect.provide(argon2()))
  )

  it.effect("argon2id hashes made with other parameters need a rehash", () =>
    Effect.gen(function* () {
      const light = yield* hashWith(argon2({ memoryCost: 1024, timeCost: 1 }))
      const h = yield* PasswordHasher
      assert.isTrue(yield* h.verify(light, password))
      assert.isTrue(h.needsRehash(light))
    }).pipe(Effect.provide(argon2()))
  )

  it.effect("the same password typed composed or decomposed verifies (NFKC), as on the edge", () =>
    Effect.gen(function* () {
      const composed = "Grüße aus München, Straße 25 äöü"
      const decomposed = composed.normalize("NFD")
      const h = yield* PasswordHasher
      assert.isTrue(yield* h.verify(yield* h.hash(composed), decomposed))
      assert.isTrue(yield* h.verify(yield* hashWith(edge, decomposed), composed))
    }).pipe(Effect.provide(argon2({ memoryCost: 1024, timeCost: 1 })))
  )

  it.effect("an unreadable hash verifies nothing and needs a rehash", () =>
    Effect.gen(function* () {
      const h = yield* PasswordHasher
      for (const bad of ["", "klartext", "$argon2id$v=19$m=19456,t=2,p=1$kaputt", "$2b$10$abcdefghijklmnopqrstuv"]) {
        assert.isFalse(yield* h.verify(bad, password), bad)
        assert.isTrue(h.needsRehash(bad), bad)
      }
    }).pipe(Effect.provide(argon2()))
  )

  it("the defaults are OWASP's argon2id minimum", () => {
    assert.deepStrictEqual(
      { m: argon2Defaults.memoryCost, t: argon2Defaults.timeCost, p: argon2Defaults.parallelism },
      { m: 19_456, t: 2, p: 1 }
    )
  })
})

describe("moving accounts to argon2id", () => {
  // Core's sign-in over its memory stores, with this package's hasher instead of the edge one.
  const node = Authentication.layer.pipe(
    Layer.provideMerge(storesMemory),
    Layer.provideMerge(layerArgon2().pipe(Layer.provideMerge(SecureRandom.layerWebCrypto)))
  )

  it.effect("an account hashed on the edge moves to argon2id on its first login on Node", () =>
    Effect.gen(function* () {
      const now = yield* DateTime.now
      const edgeHash = yield* hashWith(edge)
      const account = new Account({
        id: "acc_betrieb_1" as AccountId,
        kind: "operator",
        organizationId: null,
        email: "betrieb@dvc.example" as Account["email"],
        firstName: "Olga",
        lastName: "Operator",
        status: "active",
        isMainAdmin: false,
        roleIds: [],
        passwordHash: edgeHash,
        passwordResetRequired: false,
        createdAt: now,
        updatedAt: now
      })
      yield* AccountStore.use((s) => s.insert(account)).pipe(Effect.orDie)
      yield* Authentication.use((a) => a.login({ email: account.email, password }))
      const moved = (yield* AccountStore.use((s) => s.get(account.id)))?.passwordHash ?? ""
      assert.match(moved, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/u)
      yield* Authentication.use((a) => a.login({ email: account.email, password }))
      assert.strictEqual((yield* AccountStore.use((s) => s.get(account.id)))?.passwordHash, moved)
    }).pipe(Effect.provide(node))
  )
})
