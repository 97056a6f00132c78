import { createApp } from "@cloudportal/adapter-hono"
import { layerCoreMemory } from "@cloudportal/core"
import { ManagedRuntime } from "effect"

const runtime = ManagedRuntime.make(layerCoreMemory({ passwordHashing: { iterations: 1000 } }))
const app = createApp(runtime, { dev: true })
for (const r of app.routes) console.log(r.method, r.path)
const res = await app.request("/api/openapi.json")
const doc = await res.json()
await import("node:fs").then((fs) => fs.writeFileSync("scratch/openapi.json", JSON.stringify(doc, null, 2)))
console.log(Object.keys(doc.paths).length)
await runtime.dispose()
