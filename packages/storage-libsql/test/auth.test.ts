import { generateKeyPairSync, sign } from "node:crypto"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect } from "effect"
import { TermsStore, TermsVersion } from "../src/internal/core.ts"
import { layer } from "../src/LibsqlStorage.ts"
import { tempDir } from "./support/databases.ts"
import { startSqld } from "./support/sqld.ts"

const base64url = (data: string | Buffer) => Buffer.from(data).toString("base64url")

/** sqld (and Turso) accept EdDSA-signed JWTs; "a": "rw" grants read and write. */
const jwt = (privateKey: ReturnType<typeof generateKeyPairSync>["privateKey"]) => {
  const input = `${base64url(JSON.stringify({ alg: "EdDSA", typ: "JWT" }))}.${base64url(JSON.stringify({ a: "rw" }))}`
  return `${input}.${base64url(sign(null, Buffer.from(input), privateKey))}`
}

describe("a libSQL server with authentication (sqld with JWT keys, as Turso uses)", () => {
  it.effect("the layer works with the auth token from the configuration and fails without it", () =>
    Effect.gen(function* () {
      const { publicKey, privateKey } = generateKeyPairSync("ed25519")
      const keyFile = join(yield* tempDir, "jwt.pem")
      writeFileSync(keyFile, publicKey.export({ type: "spki", format: "pem" }))
      const { url } = yield* startSqld({ jwtKeyFile: keyFile })

      const terms = new TermsVersion({
        id: "terms_auth" as TermsVersion["id"],
        version: "2025-01",
        effectiveFrom: DateTime.makeUnsafe("2025-01-01T00:00:00Z"),
        url: null,
        text: "AGB"
      })
      const stored = yield* Effect.gen(function* () {
        yield* TermsStore.use((s) => s.insert(terms))
        return yield* TermsStore.use((s) => s.get(terms.id))
      }).pipe(Effect.provide(layer({ url, authToken: jwt(privateKey) })))
      assert.strictEqual(stored?.id, terms.id)

      for (const authToken of [undefined, jwt(generateKeyPairSync("ed25519").privateKey)]) {
        const error = yield* Effect.flip(
          TermsStore.use((s) => s.list()).pipe(Effect.provide(layer({ url, authToken })))
        )
        assert.strictEqual(error._tag, "StorageError")
      }
    })
  )
})
