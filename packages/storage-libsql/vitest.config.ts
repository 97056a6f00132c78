import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "storage-libsql",
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"]
  }
})
