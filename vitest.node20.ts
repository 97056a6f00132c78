// Vitest 5's summary reporter calls Map.groupBy (Node >= 21); Node 20 is our floor, so the reporter would crash
// on the first failing test and hide its details. Every Vitest config that can run on its own imports this file.
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
