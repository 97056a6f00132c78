// A separate server process starting up: migrates the database at argv[2] and prints what it applied.
import { createClient } from "@libsql/client"
import { Effect } from "effect"
import { migrate } from "../../src/Migrator.ts"

const client = createClient({ url: process.argv[2]!, timeout: 10_000 })
const applied = await Effect.runPromise(migrate(client))
client.close()
process.stdout.write(JSON.stringify(applied))
