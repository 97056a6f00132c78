import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { OrganizationStore, SecureRandom, UnitOfWork } from "../src/internal/core.ts"
import { layer } from "../src/LibsqlStorage.ts"
import { sampleWorld } from "./support/core.ts"
import { startSqld } from "./support/sqld.ts"

class Boom extends Schema.TaggedError<Boom>()("Boom", {}) {}

const commitAndRollBack = Effect.gen(function* () {
  const kept = yield* sampleWorld
  const dropped = yield* sampleWorld
  const insert = (w: typeof kept) => OrganizationStore.use((s) => s.insert(w.organization))
  yield* UnitOfWork.use((u) => u.transaction(insert(kept)))
  yield* Effect.flip(UnitOfWork.use((u) => u.transaction(Effect.andThen(insert(dropped), new Boom()))))
  const get = (w: typeof kept) => OrganizationStore.use((s) => s.get(w.organization.id))
  return { kept: (yield* get(kept))?.id === kept.organization.id, dropped: (yield* get(dropped)) === undefined }
})

describe("one sqld, every URL scheme of a libSQL server", () => {
  it.effect("units of work commit and roll back over http://, ws:// and libsql:// (tls=0)", () =>
    Effect.gen(function* () {
      const { url } = yield* startSqld()
      const host = url.replace("http://", "")
      for (const scheme of [`http://${host}`, `ws://${host}`, `libsql://${host}?tls=0`]) {
        const outcome = yield* commitAndRollBack.pipe(
          Effect.provide(Layer.merge(layer({ url: scheme }), SecureRandom.layerWebCrypto))
        )
        assert.deepStrictEqual(outcome, { kept: true, dropped: true }, scheme)
      }
    })
  )
})
