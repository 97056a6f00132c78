import "../../vitest.node20.ts"
import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "password-argon2",
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"]
  }
})
