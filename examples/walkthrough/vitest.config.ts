import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "walkthrough",
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"]
  }
})
