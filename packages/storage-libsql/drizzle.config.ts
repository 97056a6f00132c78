import { defineConfig } from "drizzle-kit"

// Migrations are generated from src/schema and committed under drizzle/; `migrate()` applies the embedded
// copy (src/migrations.generated.ts). The credentials only serve drizzle-kit's own commands (studio, check).
export default defineConfig({
  dialect: "turso",
  schema: "./src/schema/*.ts",
  out: "./drizzle",
  dbCredentials: {
    url: process.env.CLOUDPORTAL_DATABASE_URL ?? "file:cloudportal.db",
    ...(process.env.CLOUDPORTAL_DATABASE_AUTH_TOKEN ? { authToken: process.env.CLOUDPORTAL_DATABASE_AUTH_TOKEN } : {})
  }
})
