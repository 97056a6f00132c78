import "./vitest.node20.ts"
import { defineConfig } from "vitest/config"

// Vitest 5 reads no workspace file by itself: this root config lists every package as a project.
export default defineConfig({
  test: {
    projects: ["packages/*/vitest.config.ts", "examples/*/vitest.config.ts", "tests/*/vitest.config.ts"]
  }
})
