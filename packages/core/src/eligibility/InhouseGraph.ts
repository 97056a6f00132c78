import { Context, DateTime, Effect, Layer, Semaphore } from "effect"
import type { StorageError } from "../kernel/Errors.ts"
import type { DeclarationId, OrganizationId } from "../kernel/Ids.ts"
import type { Relationship } from "./EligibilityAnswer.ts"
import { toControlEdge } from "./InhouseDeclaration.ts"
import { InhouseDeclarationStore } from "./InhouseDeclarationStore.ts"

/**
 * `controller` controls `controlled` (alone or jointly with others, § 108 (4) GWB) from `validFrom`
 * (inclusive) until `validUntil` (exclusive; null = open-ended), as one declaration asserts it.
 */
export interface ControlEdge {
  readonly declarationId: DeclarationId
  readonly controller: OrganizationId
  readonly controlled: OrganizationId
  readonly joint: boolean
  readonly validFrom: DateTime.Utc
  readonly validUntil: DateTime.Utc | null
}

/**
 * An in-house relationship between `x` and `y` (§ 108 GWB) and its proof. `chain` runs from `x` to `y`:
 * down the control edges (vertical), up them (inverse), or up to the common controller and down again
 * (horizontal). `declarationIds` names the declaration behind each hop, in chain order.
 */
export interface InhouseRelationship {
  readonly relationship: Relationship
  readonly chain: ReadonlyArray<OrganizationId>
  readonly declarationIds: ReadonlyArray<DeclarationId>
}

/** Whether an edge counts at `at`: validFrom ≤ at < validUntil. */
export const isEdgeValidAt = (edge: ControlEdge, at: DateTime.Utc): boolean => {
  const t = DateTime.toEpochMillis(at)
  return (
    DateTime.toEpochMillis(edge.validFrom) <= t &&
    (edge.validUntil === null || t < DateTime.toEpochMillis(edge.validUntil))
  )
}

/** Below this many ancestors a linear scan beats a hash lookup. */
const linearScanLimit = 16

/**
 * The relationships of one fixed set of edges (those valid during one validity interval). For every
 * organization it holds the set of its controllers along chains of any depth (itself at depth 0) with,
 * per controller, the depth of a shortest chain, the next organization down that chain and the edge taken.
 * A relationship check is then two set lookups (vertical, inverse) or one intersection of two small sets
 * (horizontal), plus walking the stored chain.
 */
export class InhouseIndex {
  private readonly indexOf = new Map<string, number>()
  private readonly ids: ReadonlyArray<OrganizationId>
  /** Ancestors of node v live in slots ancStart[v] .. ancStart[v + 1] - 1, in BFS order (shortest first). */
  private readonly ancStart: Int32Array
  private readonly ancNode: Int32Array
  private readonly ancDepth: Int32Array
  /** The node one step further down the chain towards v (-1 for v itself). */
  private readonly ancNext: Int32Array
  /** The edge from the ancestor to `ancNext` (-1 for v itself). */
  private readonly ancEdge: Int32Array
  /** For nodes with many ancestors: ancestor → slot. */
  private readonly ancLookup: Array<Map<number, number> | undefined>
  private readonly edgeDeclaration: ReadonlyArray<DeclarationId>

  /** `edges` are taken as valid; self-edges are ignored; of several edges for one pair the first is kept. */
  constructor(edges: ReadonlyArray<ControlEdge>) {
    const idSet = new Set<OrganizationId>()
    for (const e of edges) {
      idSet.add(e.controller)
      idSet.add(e.controlled)
    }
    // Sorted ids make every tie-break (and so every answer) independent of the order edges arrive in.
    this.ids = [...idSet].sort()
    for (const [i, id] of this.ids.entries()) this.indexOf.set(id, i)
    const n = this.ids.length

    const sorted = edges
      .filter((e) => e.controller !== e.controlled)
      .map((e) => ({ from: this.indexOf.get(e.controller)!, to: this.indexOf.get(e.controlled)!, id: e.declarationId }))
      .sort((a, b) => a.to - b.to || a.from - b.from || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    const kept = sorted.filter((e, i) => {
      const prev = sorted[i - 1]
      return !prev || prev.to !== e.to || prev.from !== e.from
    })
    this.edgeDeclaration = kept.map((e) => e.id)

    // Controllers of each node (compressed sparse rows, sorted by controller).
    const parentStart = new Int32Array(n + 1)
    for (const e of kept) parentStart[e.to + 1]!++
    for (let v = 0; v < n; v++) parentStart[v + 1]! += parentStart[v]!
    const parentNode = new Int32Array(kept.length)
    const parentEdge = new Int32Array(kept.length)
    const fill = parentStart.slice(0, n)
    kept.forEach((e, i) => {
      const at = fill[e.to]!++
      parentNode[at] = e.from
      parentEdge[at] = i
    })

    // One breadth-first search up from every node; `seen` is stamped with v + 1 to avoid clearing it.
    const seen = new Int32Array(n)
    let node: Array<number> = []
    let depth: Array<number> = []
    let next: Array<number> = []
    let edge: Array<number> = []
    const ancStart = new Int32Array(n + 1)
    const ancLookup: Array<Map<number, number> | undefined> = new Array(n)
    for (let v = 0; v < n; v++) {
      const start = node.length
      ancStart[v] = start
      seen[v] = v + 1
      node.push(v)
      depth.push(0)
      next.push(-1)
      edge.push(-1)
      for (let head = start; head < node.length; head++) {
        const c = node[head]!
        for (let p = parentStart[c]!; p < parentStart[c + 1]!; p++) {
          const a = parentNode[p]!
          if (seen[a] === v + 1) continue
          seen[a] = v + 1
          node.push(a)
          depth.push(depth[head]! + 1)
          next.push(c)
          edge.push(parentEdge[p]!)
        }
      }
      if (node.length - start > linearScanLimit) {
        const lookup = new Map<number, number>()
        for (let s = start; s < node.length; s++) lookup.set(node[s]!, s)
        ancLookup[v] = lookup
      }
    }
    ancStart[n] = node.length
    this.ancStart = ancStart
    this.ancNode = Int32Array.from(node)
    this.ancDepth = Int32Array.from(depth)
    this.ancNext = Int32Array.from(next)
    this.ancEdge = Int32Array.from(edge)
    this.ancLookup = ancLookup
    node = depth = next = edge = []
  }

  /** Organizations that appear in at least one edge. */
  get organizationCount(): number {
    return this.ids.length
  }

  /** The slot of ancestor `a` of `v`, or -1. */
  private slot(v: number, a: number): number {
    const lookup = this.ancLookup[v]
    if (lookup) return lookup.get(a) ?? -1
    for (let s = this.ancStart[v]!; s < this.ancStart[v + 1]!; s++) if (this.ancNode[s] === a) return s
    return -1
  }

  /** Walks a shortest chain from ancestor `a` down to `v`, appending nodes and declarations. */
  private down(a: number, v: number, nodes: Array<OrganizationId>, declarations: Array<DeclarationId>): void {
    let s = this.slot(v, a)
    let current = a
    nodes.push(this.ids[current]!)
    while (current !== v) {
      declarations.push(this.edgeDeclaration[this.ancEdge[s]!]!)
      current = this.ancNext[s]!
      nodes.push(this.ids[current]!)
      s = this.slot(v, current)
    }
  }

  /** True when `controller` controls `controlled` through a chain of any depth (or is it). */
  controls(controller: OrganizationId, controlled: OrganizationId): boolean {
    const a = this.indexOf.get(controller)
    const v = this.indexOf.get(controlled)
    return a !== undefined && v !== undefined && this.slot(v, a) >= 0
  }

  /**
   * The in-house relationship between `x` and `y`, preferring vertical over inverse over horizontal,
   * each along a shortest chain (horizontal: the common controller with the shortest total chain).
   * An organization is trivially related to itself (a contract with oneself is no public contract):
   * vertical with the one-element chain [x].
   */
  relationship(x: OrganizationId, y: OrganizationId): InhouseRelationship | undefined {
    if (x === y) return { relationship: "vertical", chain: [x], declarationIds: [] }
    const xi = this.indexOf.get(x)
    const yi = this.indexOf.get(y)
    if (xi === undefined || yi === undefined) return undefined
    const nodes: Array<OrganizationId> = []
    const declarations: Array<DeclarationId> = []
    if (this.slot(yi, xi) >= 0) {
      this.down(xi, yi, nodes, declarations)
      return { relationship: "vertical", chain: nodes, declarationIds: declarations }
    }
    if (this.slot(xi, yi) >= 0) {
      this.down(yi, xi, nodes, declarations)
      return { relationship: "inverse", chain: nodes.reverse(), declarationIds: declarations.reverse() }
    }
    // Horizontal: the common controller z (neither x nor y) with the least total depth, lowest id on ties.
    const xs = this.ancStart[xi]!
    const xe = this.ancStart[xi + 1]!
    const ys = this.ancStart[yi]!
    const ye = this.ancStart[yi + 1]!
    const scanX = xe - xs <= ye - ys
    const [from, to, other] = scanX ? [xs, xe, yi] : [ys, ye, xi]
    let best = -1
    let bestDepth = Number.MAX_SAFE_INTEGER
    for (let s = from + 1; s < to; s++) {
      const z = this.ancNode[s]!
      if (this.ancDepth[s]! >= bestDepth) break
      const t = this.slot(other, z)
      if (t < 0) continue
      const total = this.ancDepth[s]! + this.ancDepth[t]!
      if (total < bestDepth || (total === bestDepth && z < best)) {
        best = z
        bestDepth = total
      }
    }
    if (best < 0) return undefined
    this.down(best, xi, nodes, declarations)
    nodes.reverse()
    declarations.reverse()
    const right: Array<OrganizationId> = []
    this.down(best, yi, right, declarations)
    for (let i = 1; i < right.length; i++) nodes.push(right[i]!)
    return { relationship: "horizontal", chain: nodes, declarationIds: declarations }
  }
}

/** How many per-interval indexes a graph keeps; evaluations cluster around "now", so few are needed. */
const cachedIntervals = 8

/**
 * The in-house graph: every declared control edge with its validity period. Immutable; it answers for
 * any date by indexing, lazily and once, the edges valid in the validity interval that date falls in
 * (the valid set changes only at the edges' own validFrom/validUntil instants).
 */
export class InhouseGraph {
  /** Every instant at which the set of valid edges changes, ascending. */
  private readonly boundaries: Float64Array
  private readonly indexes = new Map<number, InhouseIndex>()

  private constructor(readonly edges: ReadonlyArray<ControlEdge>) {
    const instants = new Set<number>()
    for (const e of edges) {
      instants.add(DateTime.toEpochMillis(e.validFrom))
      if (e.validUntil !== null) instants.add(DateTime.toEpochMillis(e.validUntil))
    }
    this.boundaries = Float64Array.from([...instants].sort((a, b) => a - b))
  }

  static readonly fromEdges = (edges: Iterable<ControlEdge>): InhouseGraph => new InhouseGraph([...edges])

  static readonly empty: InhouseGraph = InhouseGraph.fromEdges([])

  /** The index of the edges valid at `at`. */
  at(at: DateTime.Utc): InhouseIndex {
    const t = DateTime.toEpochMillis(at)
    // Interval k holds the instants in [boundaries[k - 1], boundaries[k]).
    let lo = 0
    let hi = this.boundaries.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.boundaries[mid]! <= t) lo = mid + 1
      else hi = mid
    }
    const cached = this.indexes.get(lo)
    if (cached) return cached
    const index = new InhouseIndex(this.edges.filter((e) => isEdgeValidAt(e, at)))
    if (this.indexes.size >= cachedIntervals) this.indexes.delete(this.indexes.keys().next().value!)
    this.indexes.set(lo, index)
    return index
  }

  /** The in-house relationship between `x` and `y` at `at`, with its proving chain; undefined if none. */
  relationship(x: OrganizationId, y: OrganizationId, at: DateTime.Utc): InhouseRelationship | undefined {
    return this.at(at).relationship(x, y)
  }
}

/**
 * The current in-house graph, built from the declarations in the store. The built graph (and its
 * per-interval indexes) is cached and rebuilt only when the store's revision changes.
 */
export class InhouseGraphs extends Context.Service<
  InhouseGraphs,
  { readonly current: Effect.Effect<InhouseGraph, StorageError> }
>()("@cloudportal/core/InhouseGraphs") {
  static readonly layer = Layer.effect(InhouseGraphs)(
    Effect.gen(function* () {
      const store = yield* InhouseDeclarationStore
      const rebuild = Semaphore.makeUnsafe(1)
      let cached: { readonly revision: string; readonly graph: InhouseGraph } | undefined
      const build = Effect.gen(function* () {
        const revision = yield* store.revision()
        if (cached?.revision === revision) return cached.graph
        const graph = InhouseGraph.fromEdges((yield* store.listAll()).map(toControlEdge))
        cached = { revision, graph }
        return graph
      })
      return {
        current: Effect.gen(function* () {
          const revision = yield* store.revision()
          if (cached?.revision === revision) return cached.graph
          // One rebuild at a time; whoever waited re-checks the revision and usually finds it done.
          return yield* rebuild.withPermit(build)
        })
      }
    })
  )
}
