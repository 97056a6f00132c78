/**
 * Sections for benchmarks that print text only (`src/eligibility.ts`): their lines are read back into
 * figures. A line that no longer matches leaves its figure out and says so, rather than guessing.
 */
import type { Section, Table, Target } from "./report.ts"
import { fixed, ratio } from "./report.ts"

type Parsed = Pick<Section, "tables" | "figures" | "targets" | "notes">

const number = (text: string | undefined): number =>
  text === undefined ? Number.NaN : Number(text.replaceAll(",", ""))

const medianP99 = (line: string | undefined): { median: number; p99: number } => {
  const m = line?.match(/median ([\d.]+) µs, p99 ([\d.]+) µs/u)
  return { median: number(m?.[1]), p99: number(m?.[2]) }
}

export const parseEligibility = (stdout: string): Parsed => {
  const lines = stdout.split("\n")
  const find = (prefix: string) => lines.find((l) => l.startsWith(prefix))
  const graph = find("graph:")
  const build = find("index build")?.match(/: ([\d.]+) ms$/u)
  const index = medianP99(find("check with proving chain"))
  const full = medianP99(find("full evaluateEligibility"))
  const sqlLine = find("SQLite via")
  const sql = medianP99(sqlLine)
  const sqlChecks = sqlLine?.match(/(\d+) checks of the same mix/u)?.[1]
  const indexChecks = find("check with proving chain")?.match(/, (\d+) checks,/u)?.[1]
  const differ = find("ratio SQL / index")?.match(/differ[^:]*: (\d+) of (\d+)/u)
  const targetLine = find("targets:")
  const missing = [
    ["index build", build],
    ["index check", Number.isFinite(index.median) ? 1 : undefined],
    ["evaluateEligibility", Number.isFinite(full.median) ? 1 : undefined],
    ["SQL check", Number.isFinite(sql.median) ? 1 : undefined],
    ["targets", targetLine]
  ]
    .filter(([, found]) => found === undefined || found === null)
    .map(([name]) => name)

  const table: Table = {
    title: "",
    columns: ["workload", "median", "p99", "SQL ÷ this (median)", "SQL ÷ this (p99)"],
    rows: [
      [
        `in-house index: \`graph.relationship\` with proving chain (${indexChecks ?? "?"} checks)`,
        `${fixed(index.median, 2)} µs`,
        `${fixed(index.p99, 2)} µs`,
        ratio(sql.median / index.median),
        ratio(sql.p99 / index.p99)
      ],
      [
        "full `evaluateEligibility` (DV + UV, German texts)",
        `${fixed(full.median, 2)} µs`,
        `${fixed(full.p99, 2)} µs`,
        ratio(sql.median / full.median),
        ratio(sql.p99 / full.p99)
      ],
      [
        `alternative: recursive SQL (\`WITH RECURSIVE\`) on SQLite, same mix (${sqlChecks ?? "?"} checks)`,
        `${fixed(sql.median, 2)} µs`,
        `${fixed(sql.p99, 2)} µs`,
        "1×",
        "1×"
      ]
    ]
  }
  // "targets: build < 1 s met; check median < 10 µs met; p99 < 100 µs MISSED"
  const targets: Array<Target> = (targetLine?.replace(/^targets:\s*/u, "").split(";") ?? [])
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => {
      const name = t.replace(/\s+(met|MISSED)$/u, "")
      const met = /\bmet$/u.test(t) ? true : /MISSED$/u.test(t) ? false : null
      const measured = name.startsWith("build")
        ? `${build?.[1] ?? "?"} ms`
        : name.includes("median")
          ? `median ${fixed(index.median, 2)} µs`
          : name.startsWith("p99")
            ? `p99 ${fixed(index.p99, 2)} µs`
            : t
      return { name: `eligibility: ${name}`, met, detail: measured }
    })
  if (differ)
    targets.push({
      name: "the index and SQL give the same answers",
      met: differ[1] === "0",
      detail: `${differ[1]} of ${differ[2]} differ in relationship or chain length`
    })
  return {
    tables: [table],
    figures: {
      index_build_ms: number(build?.[1]),
      "relationship.median_us": index.median,
      "relationship.p99_us": index.p99,
      "evaluateEligibility.median_us": full.median,
      "evaluateEligibility.p99_us": full.p99,
      "sql.median_us": sql.median,
      "sql.p99_us": sql.p99
    },
    targets,
    notes: [
      ...(graph ? [graph.replace(/^graph:/u, "Graph:")] : []),
      ...(build ? [`Index build: ${build[1]} ms.`] : []),
      ...(missing.length > 0 ? [`Lines not found in the output (format changed?): ${missing.join(", ")}`] : [])
    ]
  }
}
