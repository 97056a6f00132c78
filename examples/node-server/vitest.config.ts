import "../../vitest.node20.ts"
import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "node-server",
    include: ["test/**/*.test.ts"],
    // The smoke test starts real server processes; each test has its own budget.
    testTimeout: 60_000,
    hookTimeout: 30_000
  }
})
