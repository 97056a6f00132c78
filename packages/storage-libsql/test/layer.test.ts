import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { layer, type Services } from "../src/LibsqlStorage.ts"
import { storesMemory } from "./support/core.ts"

// Fails the type-check when core adds a store port to `storesMemory` that `Services` does not name.
type MemoryServices = Layer.Success<typeof storesMemory>
const _everyPortNamed: [MemoryServices] extends [Services] ? true : never = true
const _nothingExtra: [Services] extends [MemoryServices] ? true : never = true

describe("the libSQL layer", () => {
  it.effect("provides every service core's storesMemory provides, so no store port can be forgotten", () =>
    Effect.gen(function* () {
      const memory = yield* Layer.build(storesMemory)
      const libsql = yield* Layer.build(layer({ url: ":memory:" }))
      const missing = [...memory.mapUnsafe.keys()].filter((key) => !libsql.mapUnsafe.has(key))
      assert.deepStrictEqual(missing, [])
      // And each of them is its own implementation, not a memory layer passed through.
      for (const key of memory.mapUnsafe.keys())
        assert.notStrictEqual(libsql.mapUnsafe.get(key), memory.mapUnsafe.get(key), key)
      assert.isAtLeast(memory.mapUnsafe.size, 18)
    })
  )
})
