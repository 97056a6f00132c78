import { inProcess } from "../src/http.ts"
import { makePortal, operatorEmail, operatorPassword } from "../src/portal.ts"
import { market, world } from "../src/world.ts"

for (const storage of ["memory", "libsql", "memory", "libsql"] as const) {
  const t0 = performance.now()
  const portal = await makePortal({ storage })
  const t1 = performance.now()
  const w = world({ target: inProcess(portal.fetch), mailedToken: portal.mailedToken, operator: { email: operatorEmail, password: operatorPassword } })
  const m = await market(w)
  const t2 = performance.now()
  const e1 = await w.member(m.c1)
  const t3 = performance.now()
  const placed = await w.api("POST", "/orders", { token: m.c1.admin.token, body: { offeringId: m.offeringId, pricePlanId: "plan_small", quantity: 1, contractModel: "UV" } })
  console.log(placed.status, placed.body.status ?? placed.body)
  let t4 = performance.now()
  for (let i = 0; i < 100; i++) await w.api("GET", "/orders", { token: m.c1.admin.token })
  let t5 = performance.now()
  console.log(storage, "boot", (t1 - t0).toFixed(0), "market", (t2 - t1).toFixed(0), "member", (t3 - t2).toFixed(0), "100 GET", (t5 - t4).toFixed(0))
  console.log(await portal.verifyAuditChains([m.c1.id, m.c2.id, m.provider.id, m.intermediary.id]))
  await portal.close()
}
