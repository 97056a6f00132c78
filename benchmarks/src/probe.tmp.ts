import { seedDatabase, startPortal, signIn } from "./cloudportal/server.ts"
const db = await seedDatabase({ orders: 10000, members: 0, organizations: 100 })
const p = await startPortal(db, { nodeArgs: ["--cpu-prof", "--cpu-prof-dir=/tmp/prof3"] })
const t = await signIn(p.api, db.seeded.kommuneAdmin, db.seeded.password)
for (let i = 0; i < 5; i++) {
  const t0 = performance.now()
  const r0 = await fetch(`${p.api}/orders?limit=50`, { headers: { authorization: `Bearer ${t}` } })
  await r0.text()
  const t1 = performance.now()
  const r1 = await fetch(`${p.api}/me`, { headers: { authorization: `Bearer ${t}` } })
  await r1.text()
  console.log("orders", (t1 - t0).toFixed(1), "me", (performance.now() - t1).toFixed(1))
}
await p.child.stop(); db.remove()
