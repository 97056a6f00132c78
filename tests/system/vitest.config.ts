import "../../vitest.node20.ts"
import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "system",
    include: ["test/**/*.test.ts"],
    // Whole-system runs: hundreds of model sequences, thousands of fuzz requests, server processes.
    testTimeout: 180_000,
    hookTimeout: 120_000
  }
})
