/**
 * Eligibility benchmark: the in-house index at national scale against a recursive SQL query.
 *
 *   pnpm --filter @cloudportal/benchmarks bench:eligibility [-- --checks 200000 --sql-checks 1000 --sql-url :memory:]
 *
 * Prints figures; not a test. The graph is generated from a fixed seed, so runs are comparable.
 */
import { cpus, totalmem } from "node:os"
import { parseArgs } from "node:util"
import { createClient } from "@libsql/client"
import { DateTime } from "effect"
import { Offering } from "../../packages/core/src/catalog/Offering.ts"
// Core is imported by path until its index exports the eligibility modules.
import { evaluateEligibility } from "../../packages/core/src/eligibility/Eligibility.ts"
import type { Relationship } from "../../packages/core/src/eligibility/EligibilityAnswer.ts"
import {
  type ControlEdge,
  InhouseGraph,
  type InhouseRelationship
} from "../../packages/core/src/eligibility/InhouseGraph.ts"
import { defaultThresholds } from "../../packages/core/src/eligibility/Threshold.ts"
import type { DeclarationId, OfferingId, OrganizationId, PricePlanId } from "../../packages/core/src/kernel/Ids.ts"
import { Money } from "../../packages/core/src/kernel/Money.ts"
import { type AdministrativeLevel, Organization } from "../../packages/core/src/organization/Organization.ts"

const { values: args } = parseArgs({
  options: {
    checks: { type: "string", default: "200000" },
    "sql-checks": { type: "string", default: "1000" },
    "sql-url": { type: "string", default: ":memory:" },
    seed: { type: "string", default: "20250601" }
  }
})
const checks = Number(args.checks)
const sqlChecks = Number(args["sql-checks"])

// --- A deterministic national-scale graph -------------------------------------------------------------

let state = Number(args.seed) | 0 || 1
const random = (): number => {
  state ^= state << 13
  state ^= state >>> 17
  state ^= state << 5
  return (state >>> 0) / 4294967296
}
const pick = <A>(items: ReadonlyArray<A>): A => items[Math.floor(random() * items.length)]!

const now = DateTime.makeUnsafe("2025-06-01T10:00:00Z")
const past = DateTime.makeUnsafe("2020-01-01T00:00:00Z")
const edges: Array<ControlEdge> = []
const levels = new Map<OrganizationId, AdministrativeLevel>()
const org = (id: string, level: AdministrativeLevel): OrganizationId => {
  levels.set(id as OrganizationId, level)
  return id as OrganizationId
}
/** Most edges are open-ended; about 2 % expired and 1 % not yet valid, so the date filter has work to do. */
const control = (controller: OrganizationId, controlled: OrganizationId) => {
  const r = random()
  edges.push({
    declarationId: `inh_${edges.length}` as DeclarationId,
    controller,
    controlled,
    joint: true,
    validFrom: r < 0.01 ? DateTime.makeUnsafe("2026-01-01T00:00:00Z") : past,
    validUntil: r > 0.98 ? DateTime.makeUnsafe("2024-12-31T23:00:00Z") : null
  })
}

const govdigital = org("org_govdigital", "other")
const laender = Array.from({ length: 16 }, (_, i) => org(`org_land_${i}`, "state"))
const landItdl = laender.map((land, i) => {
  const itdl = org(`org_itdl_land_${i}`, "other")
  control(land, itdl)
  return itdl
})
// A multi-Land provider held jointly by five Länder.
const multiLand = org("org_itdl_multiland", "other")
for (const land of laender.slice(0, 5)) control(land, multiLand)
// Landesbetriebe: siblings of the Land provider under their Land (horizontal relationships).
const agencies = laender.flatMap((land, i) =>
  Array.from({ length: 3 }, (_, j) => {
    const agency = org(`org_agency_${i}_${j}`, "state")
    control(land, agency)
    return agency
  })
)
// Municipal providers: 15 regional (A1), 15 upper regional (A2, members include an A1), 13 federations (B).
const a1 = Array.from({ length: 15 }, (_, i) => org(`org_itdl_a1_${i}`, "other"))
const a2 = Array.from({ length: 15 }, (_, i) => org(`org_itdl_a2_${i}`, "other"))
const b = Array.from({ length: 13 }, (_, i) => org(`org_itdl_b_${i}`, "other"))
for (const [i, x] of a1.entries()) control(x, a2[i]!)
for (const [i, x] of a2.entries()) control(x, b[i % b.length]!)
for (const member of [...b, ...landItdl, multiLand]) control(member, govdigital)
const municipalProviders = [...a1, ...a2]
const districts = Array.from({ length: 400 }, (_, i) => {
  const district = org(`org_district_${i}`, "municipal")
  control(district, municipalProviders[i % municipalProviders.length]!)
  return district
})
const municipalities = Array.from({ length: 11_000 }, (_, i) => {
  const m = org(`org_municipality_${i}`, "municipal")
  control(m, municipalProviders[Math.floor((i / 11_000) * municipalProviders.length)]!)
  return m
})
// Municipal companies (Stadtwerke) owned by a town: customers whose provider is their owner (inverse).
const owners = new Map<OrganizationId, OrganizationId>()
const companies = Array.from({ length: 200 }, (_, i) => {
  const c = org(`org_company_${i}`, "other")
  owners.set(c, municipalities[i * 53]!)
  control(municipalities[i * 53]!, c)
  return c
})
const providers = [...landItdl, multiLand, ...municipalProviders, ...b]

// --- Query mix ----------------------------------------------------------------------------------------

type Pair = readonly [OrganizationId, OrganizationId]
const makePairs = (n: number): Array<Pair> =>
  Array.from({ length: n }, (): Pair => {
    const r = random()
    if (r < 0.3) return [pick(municipalities), pick(providers)] // DV: vertical or none
    if (r < 0.55) return [pick(municipalities), govdigital] // UV, customer side: chains of depth 1–4
    if (r < 0.7) return [pick(providers), govdigital] // UV, provider side
    if (r < 0.8) return [pick(agencies), pick(landItdl)] // horizontal through a Land, or none
    if (r < 0.9) {
      const company = pick(companies)
      return [company, random() < 0.5 ? owners.get(company)! : pick(municipalities)] // inverse, or none
    }
    return [pick(municipalities), pick(municipalities)] // both control the same provider: never related
  })

const percentile = (sorted: Float64Array, p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!
const stats = (samples: Float64Array) => {
  const sorted = Float64Array.from(samples).sort()
  return { median: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted[sorted.length - 1]! }
}
const us = (ns: number) => `${(ns / 1000).toFixed(2)} µs`
const ms = (ns: number) => `${(ns / 1e6).toFixed(1)} ms`

// --- In-memory index ----------------------------------------------------------------------------------

const organizations = levels.size
console.log("Eligibility benchmark: in-house index vs. recursive SQL")
console.log(
  `machine: ${cpus().length} cores (${cpus()[0]?.model ?? "unknown"}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`
)
console.log(
  `graph: ${organizations} organizations (${municipalities.length} municipalities, ${districts.length} districts, ` +
    `${laender.length} Länder, ${providers.length} IT service providers, govdigital, ${agencies.length} agencies, ` +
    `${companies.length} companies), ${edges.length} control edges, chains up to depth 4`
)

let t0 = process.hrtime.bigint()
const graph = InhouseGraph.fromEdges(edges)
const index = graph.at(now)
const buildNs = Number(process.hrtime.bigint() - t0)
console.log(`index build (graph and index of the edges valid at ${DateTime.formatIso(now)}): ${ms(buildNs)}`)

const pairs = makePairs(checks)
const samples = new Float64Array(pairs.length)
const counts: Record<Relationship | "none", number> = { vertical: 0, inverse: 0, horizontal: 0, none: 0 }
let chainHops = 0
// Warm-up so the JIT has compiled the lookup before we time it.
for (let i = 0; i < Math.min(20_000, pairs.length); i++) graph.relationship(pairs[i]![0], pairs[i]![1], now)
for (let i = 0; i < pairs.length; i++) {
  const [x, y] = pairs[i]!
  t0 = process.hrtime.bigint()
  const r = graph.relationship(x, y, now)
  samples[i] = Number(process.hrtime.bigint() - t0)
  counts[r?.relationship ?? "none"]++
  chainHops += r ? r.chain.length - 1 : 0
}
const memory = stats(samples)
console.log(
  `check with proving chain (graph.relationship(x, y, at), ${pairs.length} checks, timer overhead included): ` +
    `median ${us(memory.median)}, p99 ${us(memory.p99)}, max ${us(memory.max)}`
)
console.log(
  `  answers: ${counts.vertical} vertical, ${counts.inverse} inverse, ${counts.horizontal} horizontal, ` +
    `${counts.none} none; mean chain ${(chainHops / Math.max(1, pairs.length - counts.none)).toFixed(2)} hops`
)
let timerNs = 0
for (let i = 0; i < 10_000; i++) {
  t0 = process.hrtime.bigint()
  timerNs += Number(process.hrtime.bigint() - t0)
}
console.log(`  (an empty timed region costs ${us(timerNs / 10_000)} on this machine)`)

// The whole rule for one cart, DV and UV, on the same index.
const orgObject = (id: OrganizationId) =>
  new Organization({
    id,
    name: id,
    legalForm: "KdöR",
    administrativeLevel: levels.get(id) ?? "other",
    federalState: "DE-BY",
    capabilities: ["customer", "provider", "intermediary"],
    supplementary: { website: null, contactEmail: null, note: null },
    masterDataReviewRequired: false,
    createdAt: past,
    updatedAt: past
  })
const plan = {
  _tag: "MonthlyRecurring",
  id: "p" as PricePlanId,
  name: { de: "M", en: "M" },
  monthlyCents: 250_00,
  termMonths: null
} as const
const offeringOf = (provider: OrganizationId) =>
  new Offering({
    id: "off_bench" as OfferingId,
    version: 1,
    providerId: provider,
    name: { de: "Dienst", en: "Service" },
    description: { de: "D", en: "D" },
    portfolioCategory: "Bench",
    serviceType: "SaaS",
    pricePlans: [plan],
    properties: [],
    provisioningTime: { de: "sofort", en: "immediately" },
    maturity: { level: 1, description: { de: "x", en: "x" } },
    conditions: { version: "1", text: "" },
    supportedContractModels: ["DV", "UV"],
    customerCircles: { DV: null, UV: null },
    intermediaryId: govdigital,
    efa: false,
    active: true,
    createdAt: past
  })
const carts = Array.from({ length: 2000 }, () => {
  const provider = pick(providers)
  return {
    customer: orgObject(pick(municipalities)),
    provider: orgObject(provider),
    offering: offeringOf(provider)
  }
})
const intermediary = orgObject(govdigital)
const evalSamples = new Float64Array(50_000)
const evaluate = (i: number) => {
  const c = carts[i % carts.length]!
  return evaluateEligibility({
    ...c,
    intermediary,
    pricePlan: plan,
    quantity: 1,
    graph,
    thresholds: defaultThresholds,
    priorCountedValue: Money.zero,
    at: now,
    customerHasInhouseDeclaration: true
  })
}
for (let i = 0; i < 5000; i++) evaluate(i)
for (let i = 0; i < evalSamples.length; i++) {
  t0 = process.hrtime.bigint()
  evaluate(i)
  evalSamples[i] = Number(process.hrtime.bigint() - t0)
}
const evaluation = stats(evalSamples)
console.log(
  `full evaluateEligibility (DV + UV, 3 relationship checks, German texts): median ${us(evaluation.median)}, p99 ${us(evaluation.p99)}`
)

// --- The same question in SQL -------------------------------------------------------------------------

const client = createClient({ url: args["sql-url"] === ":memory:" ? ":memory:" : args["sql-url"] })
await client.execute(
  "CREATE TABLE control_edges (id TEXT PRIMARY KEY, controller TEXT NOT NULL, controlled TEXT NOT NULL, valid_from INTEGER NOT NULL, valid_until INTEGER)"
)
await client.execute("CREATE INDEX control_edges_controlled ON control_edges (controlled, controller)")
t0 = process.hrtime.bigint()
const rows = edges.map((e) => ({
  sql: "INSERT INTO control_edges VALUES (?, ?, ?, ?, ?)",
  args: [
    e.declarationId,
    e.controller,
    e.controlled,
    DateTime.toEpochMillis(e.validFrom),
    e.validUntil === null ? null : DateTime.toEpochMillis(e.validUntil)
  ]
}))
for (let i = 0; i < rows.length; i += 5000) await client.batch(rows.slice(i, i + 5000), "write")
await client.execute("ANALYZE")
const loadNs = Number(process.hrtime.bigint() - t0)

/**
 * Walks up from both parties (every controller along every chain, edges valid at :at, no cycles), then
 * takes the common ancestor: x itself (vertical), y itself (inverse) or another one (horizontal), shortest first.
 */
const relationshipSql = `
WITH RECURSIVE up(origin, node, depth, path) AS (
  SELECT 'x', :x, 0, '>' || :x || '>'
  UNION ALL
  SELECT 'y', :y, 0, '>' || :y || '>'
  UNION ALL
  SELECT up.origin, e.controller, up.depth + 1, '>' || e.controller || up.path
  FROM up JOIN control_edges e ON e.controlled = up.node
  WHERE e.valid_from <= :at AND (e.valid_until IS NULL OR e.valid_until > :at)
    AND up.depth < 8 AND instr(up.path, '>' || e.controller || '>') = 0
)
SELECT CASE WHEN a.node = :x THEN 'vertical' WHEN b.node = :y THEN 'inverse' ELSE 'horizontal' END AS relationship,
       a.path AS path_x, b.path AS path_y
FROM up a JOIN up b ON a.node = b.node
WHERE a.origin = 'x' AND b.origin = 'y'
ORDER BY CASE WHEN a.node = :x THEN 0 WHEN b.node = :y THEN 1 ELSE 2 END, a.depth + b.depth, a.node
LIMIT 1`

const chainOf = (relationship: string, pathX: string, pathY: string): Array<string> => {
  const px = pathX.split(">").filter(Boolean) // top … x
  const py = pathY.split(">").filter(Boolean) // top … y
  if (relationship === "vertical") return py
  if (relationship === "inverse") return px.reverse()
  return [...px.reverse(), ...py.slice(1)]
}

const sqlPairs = pairs.slice(0, sqlChecks)
const sqlSamples = new Float64Array(sqlPairs.length)
const atMillis = DateTime.toEpochMillis(now)
let mismatches = 0
const agree = (r: InhouseRelationship | undefined, row: { relationship: string; chain: Array<string> } | undefined) =>
  r === undefined
    ? row === undefined
    : row !== undefined && row.relationship === r.relationship && row.chain.length === r.chain.length
for (let i = 0; i < Math.min(50, sqlPairs.length); i++)
  await client.execute({ sql: relationshipSql, args: { x: sqlPairs[i]![0], y: sqlPairs[i]![1], at: atMillis } })
for (let i = 0; i < sqlPairs.length; i++) {
  const [x, y] = sqlPairs[i]!
  t0 = process.hrtime.bigint()
  const result = await client.execute({ sql: relationshipSql, args: { x, y, at: atMillis } })
  const row = result.rows[0]
  const answer = row && {
    relationship: String(row.relationship),
    chain: chainOf(String(row.relationship), String(row.path_x), String(row.path_y))
  }
  sqlSamples[i] = Number(process.hrtime.bigint() - t0)
  if (!agree(graph.relationship(x, y, now), answer)) mismatches++
}
client.close()
const sql = stats(sqlSamples)
console.log(
  `SQLite via @libsql/client (${args["sql-url"]}), WITH RECURSIVE over ${edges.length} edges (loaded in ${ms(loadNs)}), ` +
    `${sqlPairs.length} checks of the same mix: median ${us(sql.median)}, p99 ${us(sql.p99)}, max ${us(sql.max)}`
)
console.log(
  `ratio SQL / index: median ${(sql.median / memory.median).toFixed(0)}×, p99 ${(sql.p99 / memory.p99).toFixed(0)}×; ` +
    `answers that differ (relationship or chain length): ${mismatches} of ${sqlPairs.length}`
)
console.log(
  `targets: build < 1 s ${buildNs < 1e9 ? "met" : "MISSED"}; check median < 10 µs ${memory.median < 10_000 ? "met" : "MISSED"}; ` +
    `p99 < 100 µs ${memory.p99 < 100_000 ? "met" : "MISSED"}`
)
void index
