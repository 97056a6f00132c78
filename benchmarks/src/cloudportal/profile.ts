/**
 * Where the example server spends its time under one workload: seeds a database as the HTTP benchmark does,
 * starts the server with `--cpu-prof`, loads one path with autocannon (50 connections), stops the server
 * and prints the functions and packages with the most self time. A tool for finding costs, not a benchmark.
 *
 *   node --import tsx src/cloudportal/profile.ts --path /api/me [--seconds 8] [--members 600] [--method POST --body '{…}']
 *
 * The profile stays in the printed folder for a closer look (Chrome DevTools, speedscope).
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseArgs } from "node:util"
import { type LoadResult, measure, type Workload } from "../lib/load.ts"
import { clientAddress, seedDatabase, signIn, startPortal } from "./server.ts"

const { values: args } = parseArgs({
  options: {
    path: { type: "string", default: "/api/me" },
    method: { type: "string", default: "GET" },
    body: { type: "string" },
    seconds: { type: "string", default: "8" },
    members: { type: "string", default: "600" },
    orders: { type: "string", default: "100" },
    top: { type: "string", default: "40" },
    /** `{i}` in the body becomes the request number modulo this (e.g. to rotate logins over the members). */
    rotate: { type: "string", default: "1000000000" },
    /** Without a session (a login, say). */
    anonymous: { type: "boolean", default: false }
  }
})

const password = "Benchmark-Passwort für beide Seiten 2026"
const directory = mkdtempSync(join(tmpdir(), "cloudportal-profile-"))
const database = await seedDatabase({ orders: Number(args.orders), members: Number(args.members), organizations: 0 })
const portal = await startPortal(database, { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${directory}`] })
let result: LoadResult
// Parent-clock times, to keep only the samples of the measured run (not startup, seeding or warm-up).
let measuredFrom = 0
let measuredTo = 0
let stopped = 0
try {
  const token = await signIn(portal.api, database.seeded.kommuneAdmin, password)
  const rotate = Number(args.rotate)
  const bodyOf =
    args.body === undefined
      ? undefined
      : (i: number) =>
          JSON.parse(
            args
              .body!.replaceAll("{i}", String(i % rotate))
              .replaceAll("{member}", database.seeded.memberEmail.replace("{i}", String(i % rotate)))
          ) as unknown
  const workload: Workload = {
    name: `${args.method} ${args.path}`,
    method: args.method as Workload["method"],
    path: args.path,
    headers: args.anonymous ? {} : { authorization: `Bearer ${token}` },
    headersOf: (i) => ({ "x-forwarded-for": clientAddress(i) }),
    ...(bodyOf === undefined ? {} : { body: bodyOf })
  }
  await measure(portal.origin, workload, portal.child, { connections: 50, warmupSeconds: 0, seconds: 2 })
  measuredFrom = performance.now()
  result = await measure(portal.origin, workload, portal.child, {
    connections: 50,
    warmupSeconds: 0,
    seconds: Number(args.seconds)
  })
  measuredTo = performance.now()
} finally {
  await portal.child.stop()
  stopped = performance.now()
  database.remove()
}

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
  readonly children?: ReadonlyArray<number>
}
interface Profile {
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
  readonly endTime: number
  readonly startTime: number
}

const file = readdirSync(directory).find((f) => f.endsWith(".cpuprofile"))
if (!file) throw new Error(`no profile written to ${directory}`)
const profile = JSON.parse(readFileSync(join(directory, file), "utf8")) as Profile
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const self = new Map<number, number>()
let total = 0
// The child's profile ends when it exits, about when the parent saw it stop: map the window onto its clock.
const from = profile.endTime - (stopped - measuredFrom) * 1000
const to = profile.endTime - (stopped - measuredTo) * 1000
let at = profile.startTime
profile.samples.forEach((id, k) => {
  const dt = profile.timeDeltas[k] ?? 0
  at += dt
  if (at < from || at > to) return
  self.set(id, (self.get(id) ?? 0) + dt)
  total += dt
})

const packageOf = (url: string): string => {
  const match = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/u.exec(url)
  if (match) return match[1]!
  if (url.includes("/packages/")) return `cloudportal/${url.split("/packages/")[1]?.split("/")[0]}`
  if (url.startsWith("node:") || url === "") return "(node / native)"
  return url.split("/").slice(-2).join("/")
}

const functions = new Map<string, number>()
const packages = new Map<string, number>()
for (const [id, time] of self) {
  const node = byId.get(id)!
  const { functionName, url, lineNumber } = node.callFrame
  const key = `${functionName || "(anonymous)"} ${url.split("/").slice(-2).join("/")}:${lineNumber + 1}`
  functions.set(key, (functions.get(key) ?? 0) + time)
  const pkg = packageOf(url)
  packages.set(pkg, (packages.get(pkg) ?? 0) + time)
}
const top = (m: Map<string, number>, n: number) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`)
    .join("\n")

process.stdout.write(
  `${result.name}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ` +
    `errors ${result.errors}${result.firstError ? ` (${result.firstError})` : ""}\n` +
    `profile: ${join(directory, file)} (${(total / 1e6).toFixed(1)} s sampled)\n\n` +
    `self time by package:\n${top(packages, 15)}\n\nself time by function:\n${top(functions, Number(args.top))}\n`
)
