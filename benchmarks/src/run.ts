/**
 * `pnpm bench`: runs every benchmark, one child process each (so one's heap and JIT never colour the
 * next), prints one Markdown report with the machine, and writes `benchmarks/results/latest.json`.
 *
 *   pnpm bench [--quick] [--only decisions,http] [--list]
 *
 * Not a test: nothing here fails on a slow figure. A missed target is printed as MISSED; the exit code is
 * non-zero only when a benchmark could not run at all.
 */
import { spawn } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import {
  type Machine,
  machine,
  machineLine,
  markdownSection,
  type Section,
  type Target,
  verdict
} from "./lib/report.ts"
import { parseEligibility } from "./lib/textSections.ts"

const root = dirname(dirname(fileURLToPath(import.meta.url)))

interface Benchmark {
  readonly id: string
  readonly title: string
  readonly script: string
  readonly args: (quick: boolean) => ReadonlyArray<string>
  /** For a benchmark that prints text only: turns its output into a section. */
  readonly parse?: (stdout: string) => Pick<Section, "tables" | "figures" | "targets" | "notes">
  /** Longest it may take before it is stopped (full run; a quick run gets half). */
  readonly timeoutSeconds: number
}

const benchmarks: ReadonlyArray<Benchmark> = [
  {
    id: "decisions",
    title: "Core decisions in process: order transitions",
    script: "src/decisions.ts",
    args: () => [],
    timeoutSeconds: 120
  },
  {
    id: "eligibility",
    title: "Eligibility with proving chains on the national-scale graph vs. recursive SQL",
    script: "src/eligibility.ts",
    args: (quick) => (quick ? ["--checks", "50000", "--sql-checks", "300"] : []),
    parse: parseEligibility,
    timeoutSeconds: 180
  },
  {
    id: "storage",
    title: "Storage: placing an order through the use case vs. raw inserts",
    script: "src/storage.ts",
    args: (quick) => (quick ? ["--quick"] : []),
    timeoutSeconds: 240
  },
  {
    id: "http",
    title: "HTTP on Node: cloudportal vs. better-auth",
    script: "src/http.ts",
    args: (quick) => (quick ? ["--quick"] : []),
    timeoutSeconds: 420
  },
  {
    id: "edge",
    title: "Edge: the Worker bundle and its startup in workerd",
    script: "src/edge.ts",
    args: (quick) => (quick ? ["--quick"] : []),
    timeoutSeconds: 180
  },
  {
    id: "scale",
    title: "Scale: GET /orders and eligibility with 10× and 100× the data",
    script: "src/scale.ts",
    args: (quick) => (quick ? ["--quick"] : []),
    timeoutSeconds: 600
  }
]

const { values: options } = parseArgs({
  // `pnpm bench -- --quick` hands the script a literal "--" before the flags.
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    list: { type: "boolean", default: false },
    out: { type: "string", default: join(root, "results", "latest.json") }
  }
})

if (options.list) {
  for (const b of benchmarks)
    console.log(`${b.id.padEnd(12)} ${b.title}  (pnpm --filter @cloudportal/benchmarks bench:${b.id})`)
  process.exit(0)
}

const wanted = options.only?.split(",").map((s) => s.trim()) ?? benchmarks.map((b) => b.id)
const unknown = wanted.filter((id) => !benchmarks.some((b) => b.id === id))
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(", ")}; known: ${benchmarks.map((b) => b.id).join(", ")}`)
  process.exit(2)
}

const log = (line: string) => process.stderr.write(`${line}\n`)

interface Outcome {
  readonly section: Section
  /** Ran to the end (whatever its figures say). */
  readonly ran: boolean
}

const notRun = (b: Benchmark, why: string, seconds = 0, raw?: string): Outcome => ({
  ran: false,
  section: {
    id: b.id,
    title: b.title,
    tables: [],
    figures: {},
    targets: [{ name: "benchmark ran", met: null, detail: why }],
    notes: [`NOT RUN: ${why}`],
    ...(raw ? { raw } : {}),
    seconds
  }
})

const runOne = (b: Benchmark, quick: boolean, scratch: string): Promise<Outcome> => {
  const script = join(root, b.script)
  if (!existsSync(script)) return Promise.resolve(notRun(b, `${b.script} does not exist yet`))
  const resultPath = join(scratch, `${b.id}.json`)
  const started = performance.now()
  const timeout = (quick ? b.timeoutSeconds / 2 : b.timeoutSeconds) * 1000
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...b.args(quick)], {
      cwd: root,
      env: { ...process.env, CLOUDPORTAL_BENCH_RESULT: resultPath, CLOUDPORTAL_BENCH_QUICK: quick ? "1" : "0" },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so a stop also reaches the servers it started.
      detached: true
    })
    let stdout = ""
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString()
      process.stderr.write(chunk)
    })
    child.stderr.on("data", (chunk: Buffer) => process.stderr.write(chunk))
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL")
    }, timeout)
    child.on("close", (code) => {
      clearTimeout(timer)
      const seconds = Math.round((performance.now() - started) / 100) / 10
      if (timedOut) return resolve(notRun(b, `stopped after ${timeout / 1000} s`, seconds, stdout))
      if (existsSync(resultPath)) {
        const section = JSON.parse(readFileSync(resultPath, "utf8")) as Section
        return resolve({ ran: code === 0, section: { ...section, seconds } })
      }
      if (code !== 0) return resolve(notRun(b, `exited with code ${code}`, seconds, stdout))
      const parsed = b.parse?.(stdout)
      resolve({
        ran: true,
        section: {
          id: b.id,
          title: b.title,
          tables: parsed?.tables ?? [],
          figures: parsed?.figures ?? {},
          targets: parsed?.targets ?? [],
          notes: parsed?.notes ?? [],
          // Without a parser the figures are the benchmark's own words.
          ...(parsed ? {} : { raw: stdout }),
          seconds
        }
      })
    })
  })
}

const quick = options.quick
const startedAt = new Date()
const m: Machine = machine()
const command = `pnpm bench${quick ? " --quick" : ""}${options.only ? ` --only ${options.only}` : ""}`
log(`cloudportal benchmarks (${quick ? "quick" : "full"} run): ${machineLine(m)}`)

const scratch = mkdtempSync(join(tmpdir(), "cloudportal-bench-"))
const outcomes: Array<Outcome> = []
for (const b of benchmarks.filter((b) => wanted.includes(b.id))) {
  log(`\n=== ${b.id}: ${b.title}`)
  outcomes.push(await runOne(b, quick, scratch))
}
rmSync(scratch, { recursive: true, force: true })
const totalSeconds = Math.round((Date.now() - startedAt.getTime()) / 100) / 10

const targets: Array<Target & { readonly benchmark: string }> = outcomes.flatMap((o) =>
  o.section.targets.map((t) => ({ ...t, benchmark: o.section.id }))
)
const report = [
  `## cloudportal benchmarks, ${startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC`,
  "",
  `Machine: ${machineLine(m)}. Command: \`${command}\`. Wall time: ${totalSeconds} s.`,
  "Every comparison is a ratio of figures measured in this run on this machine.",
  "",
  "### Targets",
  "",
  "| benchmark | target | verdict | measured |",
  "|---|---|---|---|",
  ...targets.map((t) => `| ${t.benchmark} | ${t.name} | ${verdict(t.met)} | ${t.detail.replaceAll("|", "\\|")} |`),
  "",
  ...outcomes.flatMap((o) => [markdownSection(o.section), `\n_${o.section.seconds} s_`, ""])
].join("\n")
process.stdout.write(`\n${report}\n`)

mkdirSync(dirname(options.out), { recursive: true })
writeFileSync(
  options.out,
  JSON.stringify(
    {
      date: startedAt.toISOString(),
      command,
      quick,
      machine: m,
      totalSeconds,
      targets,
      sections: outcomes.map((o) => o.section)
    },
    null,
    2
  )
)
log(`\nwrote ${options.out}`)
const missed = targets.filter((t) => t.met === false).length
const failed = outcomes.filter((o) => !o.ran).length
log(
  `${targets.length - missed} of ${targets.length} targets met or not measured, ${missed} MISSED; ${failed} benchmark(s) did not run`
)
process.exitCode = failed > 0 ? 1 : 0
