import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect, Layer } from "effect"
import * as fc from "fast-check"
import type { Relationship } from "../../src/eligibility/EligibilityAnswer.ts"
import { InhouseDeclaration } from "../../src/eligibility/InhouseDeclaration.ts"
import { InhouseDeclarationStore } from "../../src/eligibility/InhouseDeclarationStore.ts"
import {
  type ControlEdge,
  InhouseGraph,
  InhouseGraphs,
  type InhouseRelationship,
  isEdgeValidAt
} from "../../src/eligibility/InhouseGraph.ts"
import type { AccountId, DeclarationId, OrganizationId } from "../../src/kernel/Ids.ts"
import { unitOfWorkMemory } from "../../src/kernel/UnitOfWork.ts"

const epoch = DateTime.makeUnsafe("2025-01-01T00:00:00Z")
const day = (n: number): DateTime.Utc => DateTime.add(epoch, { days: n })
const org = (name: string) => name as OrganizationId
let edgeCount = 0
const edge = (controller: string, controlled: string, from = -1000, until: number | null = null): ControlEdge => ({
  declarationId: `inh_${++edgeCount}` as DeclarationId,
  controller: org(controller),
  controlled: org(controlled),
  joint: true,
  validFrom: day(from),
  validUntil: until === null ? null : day(until)
})
const today = day(0)
const rel = (edges: ReadonlyArray<ControlEdge>, x: string, y: string, at = today) => {
  const r = InhouseGraph.fromEdges(edges).relationship(org(x), org(y), at)
  return r && { ...r, chain: r.chain as ReadonlyArray<string> }
}

describe("in-house relationships (§ 108 GWB)", () => {
  it("a chain of control from the customer down to the provider is a vertical relationship", () => {
    const r = rel([edge("kommune", "zweckverband"), edge("zweckverband", "itdl")], "kommune", "itdl")
    assert.deepStrictEqual(r?.relationship, "vertical")
    assert.deepStrictEqual(r?.chain, ["kommune", "zweckverband", "itdl"])
  })

  it("a chain of control from the provider down to the customer is an inverse relationship", () => {
    const r = rel([edge("land", "landesbetrieb"), edge("landesbetrieb", "tochter")], "tochter", "land")
    assert.deepStrictEqual(r?.relationship, "inverse")
    assert.deepStrictEqual(r?.chain, ["tochter", "landesbetrieb", "land"])
  })

  it("a common controller of both makes a horizontal relationship, proved through it", () => {
    const r = rel([edge("land", "a"), edge("a", "a1"), edge("land", "b")], "a1", "b")
    assert.deepStrictEqual(r?.relationship, "horizontal")
    assert.deepStrictEqual(r?.chain, ["a1", "a", "land", "b"])
  })

  it("both control the same third organization never counts", () => {
    const edges = [edge("kommune1", "itdl"), edge("kommune2", "itdl")]
    assert.isUndefined(rel(edges, "kommune1", "kommune2"))
    assert.isUndefined(rel(edges, "kommune2", "kommune1"))
  })

  it("chains of any depth count", () => {
    const names = Array.from({ length: 12 }, (_, i) => `o${i}`)
    const edges = names.slice(1).map((n, i) => edge(names[i]!, n))
    assert.deepStrictEqual(rel(edges, "o0", "o11")?.chain, names)
    assert.deepStrictEqual(rel(edges, "o11", "o0")?.relationship, "inverse")
  })

  it("the proof is a shortest chain", () => {
    const edges = [edge("a", "b"), edge("b", "c"), edge("c", "d"), edge("a", "x"), edge("x", "d")]
    assert.deepStrictEqual(rel(edges, "a", "d")?.chain, ["a", "x", "d"])
  })

  it("vertical wins over horizontal when both hold", () => {
    const edges = [edge("z", "a"), edge("z", "b"), edge("a", "b")]
    assert.deepStrictEqual(rel(edges, "a", "b")?.relationship, "vertical")
    assert.deepStrictEqual(rel(edges, "b", "a")?.relationship, "inverse")
  })

  it("an expired edge does not count", () => {
    assert.isUndefined(rel([edge("a", "b", -10, -1)], "a", "b"))
  })

  it("an edge not yet valid does not count", () => {
    assert.isUndefined(rel([edge("a", "b", 1)], "a", "b"))
  })

  it("an edge counts from its first instant and no longer at its end", () => {
    const e = edge("a", "b", 0, 5)
    assert.isDefined(rel([e], "a", "b", day(0)))
    assert.isDefined(rel([e], "a", "b", DateTime.subtract(day(5), { milliseconds: 1 })))
    assert.isUndefined(rel([e], "a", "b", day(5)))
    assert.isUndefined(rel([e], "a", "b", DateTime.subtract(day(0), { milliseconds: 1 })))
  })

  it("a chain counts only when every edge of it is valid at the date", () => {
    const edges = [edge("a", "b", -5, 5), edge("b", "c", 2)]
    assert.isUndefined(rel(edges, "a", "c", day(1)))
    assert.isDefined(rel(edges, "a", "c", day(3)))
    assert.isUndefined(rel(edges, "a", "c", day(6)))
  })

  it("circular declarations end the search instead of looping", () => {
    const edges = [edge("a", "b"), edge("b", "c"), edge("c", "a"), edge("c", "d")]
    assert.deepStrictEqual(rel(edges, "a", "d")?.chain, ["a", "b", "c", "d"])
    assert.deepStrictEqual(rel(edges, "b", "a")?.relationship, "vertical")
  })

  it("each hop of the proof names the declaration behind it", () => {
    const first = edge("a", "b")
    const second = edge("b", "c")
    assert.deepStrictEqual(rel([second, first], "a", "c")?.declarationIds, [first.declarationId, second.declarationId])
    assert.deepStrictEqual(rel([second, first], "c", "a")?.declarationIds, [second.declarationId, first.declarationId])
  })

  it("organizations unknown to the graph have no relationship", () => {
    assert.isUndefined(rel([edge("a", "b")], "a", "nobody"))
  })

  it("an organization is trivially related to itself", () => {
    assert.deepStrictEqual(rel([], "a", "a")?.chain, ["a"])
  })
})

// --- Property tests against a brute-force reference -------------------------------------------------

/** Reachability by repeated relaxation over the valid edges: x controls y through a chain of length ≥ 1. */
const closure = (n: number, edges: ReadonlyArray<ControlEdge>, at: DateTime.Utc) => {
  const reach = Array.from({ length: n }, () => new Array<boolean>(n).fill(false))
  const dist = Array.from({ length: n }, () => new Array<number>(n).fill(Number.POSITIVE_INFINITY))
  for (const e of edges)
    if (isEdgeValidAt(e, at) && e.controller !== e.controlled) {
      const a = Number(e.controller.slice(1))
      const b = Number(e.controlled.slice(1))
      reach[a]![b] = true
      dist[a]![b] = 1
    }
  for (let k = 0; k < n; k++)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        if (dist[i]![k]! + dist[k]![j]! < dist[i]![j]!) {
          dist[i]![j] = dist[i]![k]! + dist[k]![j]!
          reach[i]![j] = true
        }
  return { reach, dist }
}

const expected = (n: number, edges: ReadonlyArray<ControlEdge>, at: DateTime.Utc, x: number, y: number) => {
  const { reach, dist } = closure(n, edges, at)
  if (reach[x]![y]) return { relationship: "vertical" as Relationship, length: dist[x]![y]! }
  if (reach[y]![x]) return { relationship: "inverse" as Relationship, length: dist[y]![x]! }
  let best = Number.POSITIVE_INFINITY
  for (let z = 0; z < n; z++)
    if (z !== x && z !== y && reach[z]![x] && reach[z]![y]) best = Math.min(best, dist[z]![x]! + dist[z]![y]!)
  return best < Number.POSITIVE_INFINITY ? { relationship: "horizontal" as Relationship, length: best } : undefined
}

/** Whether `from → to` is an edge valid at `at` declared by `declarationId`. */
const isValidHop = (edges: ReadonlyArray<ControlEdge>, from: string, to: string, id: string, at: DateTime.Utc) =>
  edges.some((e) => e.controller === from && e.controlled === to && e.declarationId === id && isEdgeValidAt(e, at))

/** Checks that the chain walks real valid edges in the directions its relationship claims. */
const chainIsReal = (r: InhouseRelationship, edges: ReadonlyArray<ControlEdge>, at: DateTime.Utc): boolean => {
  const { chain, declarationIds } = r
  if (declarationIds.length !== chain.length - 1 || new Set(chain).size !== chain.length) return false
  // Horizontal chains go up to the common controller, then down; the turning point is the top.
  let up = r.relationship === "inverse" ? chain.length - 1 : 0
  if (r.relationship === "horizontal") {
    up = 0
    while (up < chain.length - 1 && isValidHop(edges, chain[up + 1]!, chain[up]!, declarationIds[up]!, at)) up++
    if (up === 0 || up === chain.length - 1) return false
  }
  for (let i = 0; i < chain.length - 1; i++) {
    const [a, b] = i < up ? [chain[i + 1]!, chain[i]!] : [chain[i]!, chain[i + 1]!]
    if (!isValidHop(edges, a, b, declarationIds[i]!, at)) return false
  }
  return true
}

const graphCase = fc.integer({ min: 2, max: 9 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    edges: fc.array(
      fc.record({
        from: fc.nat(n - 1),
        to: fc.nat(n - 1),
        validFrom: fc.integer({ min: -3, max: 3 }),
        length: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null })
      }),
      { maxLength: 3 * n }
    ),
    x: fc.nat(n - 1),
    y: fc.nat(n - 1),
    at: fc.integer({ min: -4, max: 6 })
  })
)

interface GraphCase {
  readonly edges: ReadonlyArray<{ from: number; to: number; validFrom: number; length: number | null }>
}

const toEdges = (c: GraphCase): Array<ControlEdge> =>
  c.edges.map((e, i) => ({
    declarationId: `inh_${String(i).padStart(3, "0")}` as DeclarationId,
    controller: org(`o${e.from}`),
    controlled: org(`o${e.to}`),
    joint: false,
    validFrom: day(e.validFrom),
    validUntil: e.length === null ? null : day(e.validFrom + e.length)
  }))

describe("in-house relationships on random graphs", () => {
  it("the answer agrees with a brute-force transitive closure for vertical, inverse and horizontal", () => {
    fc.assert(
      fc.property(graphCase, (c) => {
        fc.pre(c.x !== c.y)
        const edges = toEdges(c)
        const at = day(c.at)
        const r = InhouseGraph.fromEdges(edges).relationship(org(`o${c.x}`), org(`o${c.y}`), at)
        const want = expected(c.n, edges, at, c.x, c.y)
        assert.strictEqual(r?.relationship, want?.relationship)
        if (r && want) assert.strictEqual(r.chain.length - 1, want.length, "the chain is a shortest one")
      }),
      { numRuns: 2000 }
    )
  })

  it("every returned chain is a real path of edges valid at the date, from one party to the other", () => {
    fc.assert(
      fc.property(graphCase, (c) => {
        fc.pre(c.x !== c.y)
        const edges = toEdges(c)
        const at = day(c.at)
        const r = InhouseGraph.fromEdges(edges).relationship(org(`o${c.x}`), org(`o${c.y}`), at)
        if (!r) return
        assert.strictEqual(r.chain[0], `o${c.x}`)
        assert.strictEqual(r.chain.at(-1), `o${c.y}`)
        assert.isTrue(chainIsReal(r, edges, at), JSON.stringify(r))
      }),
      { numRuns: 2000 }
    )
  })

  it("the answer does not depend on the order the edges are given in", () => {
    fc.assert(
      fc.property(
        graphCase.chain((c) =>
          fc.record({ c: fc.constant(c), order: fc.shuffledSubarray(toEdges(c), { minLength: toEdges(c).length }) })
        ),
        ({ c, order }) => {
          const at = day(c.at)
          const x = org(`o${c.x}`)
          const y = org(`o${c.y}`)
          assert.deepStrictEqual(
            InhouseGraph.fromEdges(order).relationship(x, y, at),
            InhouseGraph.fromEdges(toEdges(c)).relationship(x, y, at)
          )
        }
      ),
      { numRuns: 500 }
    )
  })

  it("one graph answers for every date as a graph of only that date's edges does", () => {
    fc.assert(
      fc.property(graphCase, fc.array(fc.integer({ min: -4, max: 6 }), { minLength: 1, maxLength: 12 }), (c, dates) => {
        const edges = toEdges(c)
        const graph = InhouseGraph.fromEdges(edges)
        for (const d of dates) {
          const at = day(d)
          const fresh = InhouseGraph.fromEdges(edges.filter((e) => isEdgeValidAt(e, at)))
          const x = org(`o${c.x}`)
          const y = org(`o${c.y}`)
          assert.deepStrictEqual(graph.relationship(x, y, at), fresh.relationship(x, y, at))
        }
      }),
      { numRuns: 500 }
    )
  })
})

// --- The cached graph service -------------------------------------------------------------------------

const declaration = (id: string, controller: string, controlled: string) =>
  new InhouseDeclaration({
    id: id as DeclarationId,
    controller: org(controller),
    controlled: org(controlled),
    joint: false,
    evidence: "Satzung § 3",
    validFrom: day(-10),
    validUntil: null,
    declaredBy: { organizationId: org(controller), accountId: "acc_1" as AccountId },
    declaredAt: day(-10),
    ended: null
  })

/** The memory store, counting how often the whole table is read. */
const countingStore = (reads: { count: number }) =>
  Layer.effect(InhouseDeclarationStore)(
    Effect.gen(function* () {
      const store = yield* InhouseDeclarationStore
      return {
        ...store,
        listAll: () =>
          Effect.andThen(
            Effect.sync(() => reads.count++),
            store.listAll()
          )
      }
    })
  ).pipe(Layer.provide(InhouseDeclarationStore.layerMemory))

describe("the in-house graph service", () => {
  it.effect("the graph is rebuilt only when declarations change", () => {
    const reads = { count: 0 }
    const store = countingStore(reads)
    return Effect.gen(function* () {
      const graphs = yield* InhouseGraphs
      const declarations = yield* InhouseDeclarationStore
      const first = yield* graphs.current
      assert.strictEqual(yield* graphs.current, first)
      assert.strictEqual(reads.count, 1)
      yield* declarations.insert(declaration("inh_a", "a", "b"))
      const second = yield* graphs.current
      assert.notStrictEqual(second, first)
      assert.strictEqual(second.relationship(org("a"), org("b"), today)?.relationship, "vertical")
      assert.strictEqual(yield* graphs.current, second)
      assert.strictEqual(reads.count, 2)
      yield* declarations.end("inh_a" as DeclarationId, { at: day(-1), accountId: "acc_1" as AccountId }, day(-1))
      assert.isUndefined((yield* graphs.current).relationship(org("a"), org("b"), today))
      assert.strictEqual(reads.count, 3)
    }).pipe(Effect.provide(InhouseGraphs.layer.pipe(Layer.provideMerge(store), Layer.provideMerge(unitOfWorkMemory))))
  })
})
