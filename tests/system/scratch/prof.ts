import fc from "fast-check"
import { inProcess } from "../src/http.ts"
import { checkInvariants, commandArbs, startingWorld } from "../src/model/model.ts"
import { makePortal, operatorEmail, operatorPassword } from "../src/portal.ts"
import { market, world } from "../src/world.ts"

const storage = (process.argv[2] ?? "memory") as "memory" | "libsql"
let requests = 0
let tSetup = 0, tStart = 0, tCheck = 0, tRun = 0
const samples = fc.sample(fc.commands(commandArbs, { maxCommands: 12 }), { numRuns: 20, seed: 42 })
for (const cmds of samples) {
  const t0 = performance.now()
  const portal = await makePortal({ storage })
  const counted = async (r: Request) => { requests++; return portal.fetch(r) }
  const w = world({ target: inProcess(counted), mailedToken: portal.mailedToken, operator: { email: operatorEmail, password: operatorPassword } })
  const mk = await market(w)
  const t1 = performance.now()
  const real = { portal, w, market: mk }
  const m = await startingWorld(real)
  const t2 = performance.now()
  const r0 = requests
  await checkInvariants(m, real)
  const t3 = performance.now()
  const perCheck = requests - r0
  const model = m
  let n = 0
  for (const c of cmds) { if (c.check(model)) { await c.run(model, real); n++ } }
  const t4 = performance.now()
  tSetup += t1 - t0; tStart += t2 - t1; tCheck += t3 - t2; tRun += t4 - t3
  console.log(`cmds ${n} requests ${requests} perCheck ${perCheck}`)
  requests = 0
  await portal.close()
}
console.log({ tSetup, tStart, tCheck, tRun })
