import { defineConfig } from "vitest/config"

// Vitest 5's summary reporter calls Map.groupBy (Node >= 21); Node 20 is our floor, so the reporter
// would crash on the first failing test and hide its details. Polyfill it in the main process.
if (!("groupBy" in Map)) {
  Object.defineProperty(Map, "groupBy", {
    value: <K, V>(items: Iterable<V>, key: (item: V, index: number) => K): Map<K, Array<V>> => {
      const groups = new Map<K, Array<V>>()
      let index = 0
      for (const item of items) {
        const k = key(item, index++)
        const group = groups.get(k)
        if (group) group.push(item)
        else groups.set(k, [item])
      }
      return groups
    }
  })
}

// Vitest 5 reads no workspace file by itself: this root config lists every package as a project.
export default defineConfig({
  test: {
    projects: ["packages/*/vitest.config.ts", "examples/*/vitest.config.ts", "tests/*/vitest.config.ts"]
  }
})
