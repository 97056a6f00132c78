import "../../vitest.node20.ts"
import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "storage-libsql",
    include: ["test/**/*.test.ts"],
    // The sqld and child-process tests start real servers and processes; give them room on a busy machine.
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
