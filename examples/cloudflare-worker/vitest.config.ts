import "../../vitest.node20.ts"
import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "cloudflare-worker",
    include: ["test/**/*.test.ts"],
    // Bundling, workerd and sqld start for real; each test has its own budget.
    testTimeout: 60_000,
    hookTimeout: 30_000
  }
})
