/**
 * What every benchmark hands to the runner: Markdown tables for people, figures and targets for machines.
 *
 * A benchmark run alone prints its section; run by `src/run.ts` it also writes the section as JSON to the
 * path in `CLOUDPORTAL_BENCH_RESULT`, which the runner collects into one report and `results/latest.json`.
 */
import { writeFileSync } from "node:fs"
import { cpus, totalmem } from "node:os"

export interface Table {
  readonly title: string
  readonly columns: ReadonlyArray<string>
  readonly rows: ReadonlyArray<ReadonlyArray<string>>
}

/** A target of the issue, checked on this run's figures. `met: null` when it could not be measured. */
export interface Target {
  readonly name: string
  readonly met: boolean | null
  readonly detail: string
}

export interface Section {
  readonly id: string
  readonly title: string
  readonly tables: ReadonlyArray<Table>
  /** Machine-readable figures, keyed `workload.metric` (units in the key: `_ms`, `_per_s`, `_bytes`). */
  readonly figures: Readonly<Record<string, number>>
  readonly targets: ReadonlyArray<Target>
  readonly notes: ReadonlyArray<string>
  /** What a benchmark that writes no JSON printed, shown verbatim. */
  readonly raw?: string
  readonly seconds: number
}

export interface Machine {
  readonly cores: number
  readonly cpu: string
  readonly memoryGiB: number
  readonly node: string
  readonly platform: string
}

export const machine = (): Machine => ({
  cores: cpus().length,
  cpu: cpus()[0]?.model.trim() ?? "unknown",
  memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  node: process.version,
  platform: `${process.platform} ${process.arch}`
})

export const machineLine = (m: Machine = machine()): string =>
  `${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}`

export const markdownTable = (table: Table): string => {
  const cell = (text: string) => text.replaceAll("|", "\\|")
  return [
    `| ${table.columns.map(cell).join(" | ")} |`,
    `|${table.columns.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
    ...table.rows.map((row) => `| ${row.map(cell).join(" | ")} |`)
  ].join("\n")
}

export const verdict = (met: boolean | null): string => (met === null ? "NOT MEASURED" : met ? "met" : "MISSED")

export const markdownSection = (section: Section): string =>
  [
    `### ${section.title}`,
    ...section.tables.flatMap((t) => ["", t.title ? `**${t.title}**` : "", "", markdownTable(t)].filter(Boolean)),
    ...(section.targets.length > 0
      ? ["", "Targets:", ...section.targets.map((t) => `- ${verdict(t.met)}: ${t.name} (${t.detail})`)]
      : []),
    ...(section.notes.length > 0 ? ["", ...section.notes.map((n) => `- ${n}`)] : []),
    ...(section.raw ? ["", "```text", section.raw.trimEnd(), "```"] : [])
  ].join("\n")

/** Prints the section, and writes it for the runner when asked to. */
export const emit = (section: Section): void => {
  process.stdout.write(`\n${markdownSection(section)}\n`)
  const path = process.env.CLOUDPORTAL_BENCH_RESULT
  if (path) writeFileSync(path, JSON.stringify(section, null, 2))
}

// --- Statistics -------------------------------------------------------------------------------------------

/** Nearest-rank percentile of sorted samples. */
export const percentile = (sorted: ArrayLike<number>, p: number): number =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!

export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return percentile(sorted, 0.5)
}

// --- Formatting ------------------------------------------------------------------------------------------

const grouped = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 })
export const int = (n: number): string => (Number.isFinite(n) ? grouped.format(n) : "–")
export const fixed = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : "–")
export const ms = (n: number): string => (Number.isFinite(n) ? `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms` : "–")
export const us = (nanoseconds: number): string => `${(nanoseconds / 1000).toFixed(2)} µs`
export const ratio = (n: number): string =>
  Number.isFinite(n) ? `${n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : grouped.format(n)}×` : "–"
export const mib = (bytes: number): string => (Number.isFinite(bytes) ? `${(bytes / 2 ** 20).toFixed(0)} MiB` : "–")
export const kb = (bytes: number): string => `${(bytes / 1000).toFixed(1)} KB`

// --- Arguments -------------------------------------------------------------------------------------------

/** `--quick` on the command line or `CLOUDPORTAL_BENCH_QUICK=1` from the runner. */
export const isQuick = (argv: ReadonlyArray<string> = process.argv): boolean =>
  argv.includes("--quick") || process.env.CLOUDPORTAL_BENCH_QUICK === "1"

/** Wall-clock seconds since `start` (from `performance.now()`). */
export const secondsSince = (start: number): number => Math.round((performance.now() - start) / 100) / 10
