/**
 * Servers under test as child processes: started with `node --import tsx` directly (not through pnpm or the
 * tsx CLI, which would put a wrapper process between us and the server), so the pid we hold is the server's
 * and /proc/<pid>/status tells its memory.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { readFileSync, writeFileSync } from "node:fs"

export interface RunningChild {
  readonly pid: number
  readonly process: ChildProcess
  /** Everything it printed so far (stdout and stderr), for error messages. */
  readonly output: () => string
  /** Resets the peak resident set (VmHWM) to the current one, so the next reading covers one workload. */
  readonly resetPeak: () => boolean
  /** VmHWM in bytes: the most memory the process has held since start or the last reset. */
  readonly peakBytes: () => number
  readonly stop: () => Promise<void>
}

export { freePort } from "@cloudportal/storage-libsql/testing"

const statusField = (pid: number, field: string): number => {
  const match = readFileSync(`/proc/${pid}/status`, "utf8").match(new RegExp(`^${field}:\\s+(\\d+) kB`, "mu"))
  return match ? Number(match[1]) * 1024 : Number.NaN
}

export interface StartOptions {
  readonly script: string
  readonly args?: ReadonlyArray<string>
  /** Extra flags for node itself, e.g. `--cpu-prof` to see where a server spends its time. */
  readonly nodeArgs?: ReadonlyArray<string>
  readonly cwd: string
  readonly env: Record<string, string>
  /** Resolves once the child is ready, from its output so far or by probing it. */
  readonly ready: (output: string) => boolean | Promise<boolean>
  readonly timeoutMs?: number
}

export const startChild = async (options: StartOptions): Promise<RunningChild> => {
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), "--import", "tsx", options.script, ...(options.args ?? [])],
    {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"]
    }
  )
  let output = ""
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString()
  })
  let exited: number | null | undefined
  child.on("exit", (code) => {
    exited = code
  })
  const stop = () =>
    new Promise<void>((resolve) => {
      if (exited !== undefined || child.pid === undefined) return resolve()
      const force = setTimeout(() => child.kill("SIGKILL"), 10_000)
      child.once("exit", () => {
        clearTimeout(force)
        resolve()
      })
      child.kill("SIGTERM")
    })
  const deadline = Date.now() + (options.timeoutMs ?? 120_000)
  while (true) {
    if (exited !== undefined) throw new Error(`${options.script} exited (${exited}) before it was ready:\n${output}`)
    if (await options.ready(output)) break
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`${options.script} not ready after ${options.timeoutMs ?? 120_000} ms:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  const pid = child.pid!
  return {
    pid,
    process: child,
    output: () => output,
    resetPeak: () => {
      try {
        // "5" resets the peak RSS counter (proc(5), /proc/pid/clear_refs).
        writeFileSync(`/proc/${pid}/clear_refs`, "5")
        return true
      } catch {
        return false
      }
    },
    peakBytes: () => statusField(pid, "VmHWM"),
    stop
  }
}

/** True once `GET url` answers 200. */
export const answers = async (url: string): Promise<boolean> => {
  try {
    const response = await fetch(url)
    await response.arrayBuffer()
    return response.ok
  } catch {
    return false
  }
}
