import "../../vitest.node20.ts"
import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "core",
    include: ["test/**/*.test.ts"]
  }
})
