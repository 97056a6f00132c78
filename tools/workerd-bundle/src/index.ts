import type { BuildOptions } from "esbuild"

/**
 * How code is bundled for workerd: one ES module, Web-standard only (`@libsql/client` resolves to its web build
 * under the workerd condition), JSX compiled with React's automatic runtime. The Worker example adds what only
 * a shipped Worker needs; the packages' workerd tests bundle their test Workers with these options as they are.
 */
export const workerdBundleOptions = {
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  mainFields: ["module", "main"],
  conditions: ["workerd", "worker", "browser"],
  jsx: "automatic"
} as const satisfies BuildOptions
