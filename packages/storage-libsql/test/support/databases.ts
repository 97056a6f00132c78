import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Layer } from "effect"
import { type LibsqlConfig, layer } from "../../src/index.ts"
import { startSqld } from "./sqld.ts"

/** A temporary directory, removed with the scope. */
export const tempDir = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "cloudportal-libsql-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)

export type Target = "memory" | "file" | "sqld"

/** A fresh, migrated database of the given kind for each build of the layer: suites share no state. */
export const freshDatabase = (target: Target, options: Omit<LibsqlConfig, "url"> = {}) =>
  Layer.unwrap(
    Effect.gen(function* () {
      switch (target) {
        case "memory":
          return layer({ ...options, url: ":memory:" })
        case "file":
          return layer({ ...options, url: `file:${join(yield* tempDir, "cloudportal.db")}` })
        case "sqld":
          return layer({ ...options, url: (yield* startSqld()).url })
      }
    })
  )

export const targets: ReadonlyArray<Target> = ["memory", "file", "sqld"]
