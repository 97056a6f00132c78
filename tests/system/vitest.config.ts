import { defineProject } from "vitest/config"

// Vitest 5 prints failures with Map.groupBy (Node >= 21); on Node 20 the report itself would crash and hide them
// when this package runs on its own (`pnpm --filter @cloudportal/system-tests test`).
const groupBy = <K, V>(items: Iterable<V>, key: (item: V, index: number) => K): Map<K, Array<V>> => {
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
const MapWithGroupBy = Map as unknown as { groupBy?: typeof groupBy }
MapWithGroupBy.groupBy ??= groupBy

export default defineProject({
  test: {
    name: "system",
    include: ["test/**/*.test.ts"],
    // Whole-system runs: hundreds of model sequences, thousands of fuzz requests, server processes.
    testTimeout: 180_000,
    hookTimeout: 120_000
  }
})
