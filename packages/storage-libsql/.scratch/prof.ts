import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Authentication, Catalog, layerCoreMemory, Ordering, platformDefaults, useCases } from "@cloudportal/core"
import { defaultDemoPassword, demoAccounts, seedDemoWorld } from "@cloudportal/core/demo"
import { Effect, Layer } from "effect"
import { LibsqlDatabase, layer } from "../src/index.ts"

const mode = process.argv[2] ?? "file"
const n = Number(process.argv[3] ?? 200)
const dir = mkdtempSync(join(tmpdir(), "prof-"))
const stores =
  mode === "memory"
    ? layerCoreMemory()
    : useCases.pipe(
        Layer.provideMerge(layer({ url: mode === "mem-sqlite" ? ":memory:" : `file:${join(dir, "p.db")}` })),
        Layer.provideMerge(platformDefaults())
      )
let statements = 0
const timing = new Map<string, { n: number; ms: number }>()
const rec = (sql: string, ms: number) => {
  const k = sql.slice(0, 110)
  const e = timing.get(k) ?? { n: 0, ms: 0 }
  e.n++
  e.ms += ms
  timing.set(k, e)
}
const program = Effect.gen(function* () {
  yield* seedDemoWorld()
  const auth = yield* Authentication
  const { session } = yield* auth.login({ email: demoAccounts.kommune, password: defaultDemoPassword })
  const kommune = (yield* auth.authenticate(session.token)).actor
  const offering = (yield* Catalog.use((c) => c.list(kommune, { limit: 50 }))).items.find(
    (o) => o.serviceType === "IaaS"
  )!
  const cart = {
    offeringId: offering.id,
    pricePlanId: "vm-monat",
    quantity: 2,
    configuration: { vcpus: 4, region: "Nürnberg" },
    contractModel: "DV"
  }
  const ordering = yield* Ordering
  if (mode !== "memory") {
    const { client } = yield* LibsqlDatabase
    const orig = client.transaction.bind(client)
    ;(client as any).transaction = async (m: any) => {
      const c0 = process.cpuUsage()
  const t0 = performance.now()
      const tx = await orig(m)
      rec("BEGIN", performance.now() - t0)
      const ex = tx.execute.bind(tx)
      ;(tx as any).execute = async (s: any) => {
        statements++
        const t = performance.now()
        try {
          return await ex(s)
        } finally {
          rec(typeof s === "string" ? s : s.sql, performance.now() - t)
        }
      }
      const cm = tx.commit.bind(tx)
      ;(tx as any).commit = async () => {
        const t = performance.now()
        try {
          return await cm()
        } finally {
          rec("COMMIT", performance.now() - t)
        }
      }
      return tx
    }
    const ex = client.execute.bind(client)
    ;(client as any).execute = (s: any) => {
      statements++
      return ex(s)
    }
  }
  for (let i = 0; i < 20; i++) yield* ordering.place(kommune, cart)
  statements = 0
  timing.clear()
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  let last = t0
  for (let i = 0; i < n; i++) {
    yield* ordering.place(kommune, cart)
    if ((i + 1) % 50 === 0) {
      const now = performance.now()
      console.log(`  ${i + 1}: ${((now - last) / 50).toFixed(2)} ms`)
      last = now
    }
  }
  const dt = performance.now() - t0
  for (const [k, v] of [...timing].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25))
    console.log(`${(v.ms / n).toFixed(3)} ms/order  n=${v.n}  ${k}`)
  const cu = process.cpuUsage(c0)
  console.log(mode, `cpu ${((cu.user + cu.system) / 1000 / n).toFixed(2)} ms/order`, `${(dt / n).toFixed(2)} ms/order`, `${(statements / n).toFixed(1)} statements/order`)
}).pipe(Effect.provide(stores))
await Effect.runPromise(program)
