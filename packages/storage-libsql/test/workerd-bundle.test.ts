import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { build } from "esbuild"

const entry = fileURLToPath(new URL("../src/index.ts", import.meta.url))

describe("runs where there is no file system (workerd)", () => {
  it("the adapter bundles for workerd without Node built-ins or the native driver, migrations included, group commit off", async () => {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: "esm",
      platform: "neutral",
      mainFields: ["module", "main"],
      conditions: ["workerd", "worker", "browser"],
      metafile: true,
      logLevel: "silent"
    })
    const inputs = Object.keys(result.metafile.inputs)
    // The web client of @libsql/client speaks HTTP (hrana) only: no sqlite3 binding, no node:fs.
    assert.isTrue(inputs.some((i) => i.includes("@libsql/client/lib-esm/web.js")))
    assert.deepStrictEqual(
      inputs.filter((i) => /lib-esm\/(node|sqlite3)\.js|\/libsql@|node_modules\/libsql\//u.test(i)),
      []
    )
    const imports = Object.values(result.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path))
    assert.deepStrictEqual(imports, [])
    const code = result.outputFiles[0]!.text
    assert.include(code, "CREATE TABLE `organizations`")
    // A request's I/O is its own on workerd: no group commit across requests there.
    assert.isTrue(inputs.some((i) => i.endsWith("src/internal/request-isolation-workerd.ts")))
    assert.isFalse(inputs.some((i) => i.endsWith("src/internal/request-isolation.ts")))
  })
})
