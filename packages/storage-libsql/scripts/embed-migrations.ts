// Copies the committed drizzle-kit migrations into a TypeScript module, so `migrate()` needs no file
// system (workerd, bundles). Run by `pnpm db:generate`; a test fails when the copy is stale.
import { readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { readMigrations, renderModule } from "./embed.ts"

const root = fileURLToPath(new URL("..", import.meta.url))
const target = `${root}src/migrations.generated.ts`
const migrations = readMigrations(`${root}drizzle`, (path) => readFileSync(path, "utf8"))
writeFileSync(target, renderModule(migrations))
console.log(`embedded ${migrations.length} migration(s) into ${target}`)
