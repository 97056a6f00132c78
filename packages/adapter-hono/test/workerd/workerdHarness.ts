import { fileURLToPath } from "node:url"
import { type Sqld, startSqld } from "@cloudportal/storage-libsql/testing"
import { workerdBundleOptions } from "@cloudportal/workerd-bundle"
import { Duration } from "effect"
import { build, type Metafile } from "esbuild"
import { Miniflare } from "miniflare"
import type { Harness, LinkKind } from "../harness.ts"
import { testPassword } from "../memoryHarness.ts"
import { portalHeader } from "./protocol.ts"

const entry = fileURLToPath(new URL("./worker.ts", import.meta.url))

/** The test Worker as workerd gets it: one ES module, Web-standard only (`@libsql/client` in its web build). */
export const bundleTestWorker = async (): Promise<{ readonly code: string; readonly metafile: Metafile }> => {
  const result = await build({
    ...workerdBundleOptions,
    entryPoints: [entry],
    write: false,
    metafile: true,
    logLevel: "silent"
  })
  return { code: result.outputFiles[0]!.text, metafile: result.metafile }
}

/** A portal in workerd, and where its database lives (for tests that look at the rows themselves). */
export interface WorkerdHarness extends Harness {
  readonly databaseUrl: string
}

export interface Workerd {
  /** A fresh portal: its own sqld (empty database, migrated by the Worker), clock and runtime. */
  readonly harness: () => Promise<WorkerdHarness>
  readonly metafile: Metafile
  readonly dispose: () => Promise<void>
}

/**
 * One workerd (through Miniflare's API, which runs on Node 20; wrangler needs 22) for a whole test file, and
 * one sqld per portal, so that tests share nothing. The script is passed inline, so no bundle lands on disk.
 */
export const startWorkerd = async (): Promise<Workerd> => {
  const { code, metafile } = await bundleTestWorker()
  const mf = new Miniflare({
    modules: true,
    script: code,
    // No `nodejs_compat`: the library claims Web standards only, and the example Worker deploys without it.
    compatibilityDate: "2025-09-01",
    bindings: { PBKDF2_ITERATIONS: "1000" }
  })
  const servers = new Set<Sqld>()
  try {
    await mf.ready
  } catch (error) {
    await mf.dispose().catch(() => undefined)
    throw error
  }

  const hook = async (method: string, path: string, body?: unknown) => {
    const response = await mf.dispatchFetch(`http://localhost/__test${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`${method} /__test${path}: ${response.status} ${text}`)
    // biome-ignore lint/suspicious/noExplicitAny: the hooks' answers are read field by field
    return (text === "" ? undefined : JSON.parse(text)) as any
  }

  let operators = 0
  const harness = async (): Promise<WorkerdHarness> => {
    const sqld = await startSqld()
    servers.add(sqld)
    const stop = async () => {
      servers.delete(sqld)
      await sqld.stop()
    }
    const portal: string = await hook("POST", "/portals", { databaseUrl: sqld.url }).then(
      (answer) => answer.id,
      async (error: unknown) => {
        await stop()
        throw error
      }
    )
    const at = `/portals/${portal}`
    return {
      databaseUrl: sqld.url,
      origin: "http://localhost",
      basePath: "/api",
      fetch: async (request) => {
        const headers = new Headers(request.headers)
        headers.set(portalHeader, portal)
        const body = request.body === null ? undefined : await request.arrayBuffer()
        // Miniflare answers with its own undici's Response; it has the same shape as Node's global one.
        return (await mf.dispatchFetch(request.url, {
          method: request.method,
          headers: Object.fromEntries(headers),
          redirect: request.redirect,
          ...(body === undefined ? {} : { body })
        })) as unknown as Response
      },
      createOperator: async () => {
        const email = `operator-${++operators}@betreiber.test`
        await hook("POST", `${at}/operators`, { email, password: testPassword })
        return { email, password: testPassword }
      },
      linkToken: async (email: string, kind: LinkKind) =>
        (await hook("GET", `${at}/link-token?${new URLSearchParams({ email, kind })}`)).token,
      advanceTime: async (duration) => {
        await hook("POST", `${at}/clock`, { advanceMillis: Duration.toMillis(Duration.fromInputUnsafe(duration)) })
      },
      close: async () => {
        try {
          await hook("DELETE", at)
        } finally {
          await stop()
        }
      }
    }
  }

  return {
    harness,
    metafile,
    dispose: async () => {
      await mf.dispose()
      await Promise.all([...servers].map((s) => s.stop()))
    }
  }
}
