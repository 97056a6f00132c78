import { defineProject } from "vitest/config"

// Vitest 5 prints failures with Map.groupBy (Node >= 21); on Node 20 the report itself would crash and hide them.
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
    name: "storage-libsql",
    include: ["test/**/*.test.ts"],
    // The sqld and child-process tests start real servers and processes; give them room on a busy machine.
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
