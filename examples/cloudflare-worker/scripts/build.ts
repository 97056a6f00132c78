import { fileURLToPath } from "node:url"
import { workerdBundleOptions } from "@cloudportal/workerd-bundle"
import { type BuildOptions, build } from "esbuild"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const withoutPrettier = fileURLToPath(new URL("./without-prettier.ts", import.meta.url))

/**
 * How this Worker is bundled for workerd: the repository's workerd options (`@cloudportal/workerd-bundle`),
 * with what only the shipped Worker needs. The edge benchmark bundles with the same options.
 */
export const workerBuildOptions = {
  ...workerdBundleOptions,
  // React reads it at module load; workerd has no `process` (wrangler defines the same).
  define: { "process.env.NODE_ENV": JSON.stringify("production") },
  alias: { "prettier/standalone": withoutPrettier, "prettier/plugins/html": withoutPrettier }
} as const satisfies BuildOptions

/** Bundles this example's Worker (src/worker.ts) into `outfile`. */
export const bundleWorker = async (outfile: string, options: { readonly minify?: boolean } = {}) => {
  const result = await build({
    ...workerBuildOptions,
    absWorkingDir: packageDir,
    entryPoints: ["src/worker.ts"],
    outfile,
    minify: options.minify ?? false,
    sourcemap: options.minify ? "external" : false,
    metafile: true,
    logLevel: "warning"
  })
  return result.metafile
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const metafile = await bundleWorker("dist/worker.js", { minify: true })
  const bytes = Object.values(metafile.outputs).reduce((sum, o) => sum + o.bytes, 0)
  process.stdout.write(`dist/worker.js: ${(bytes / 1024).toFixed(0)} KiB\n`)
}
