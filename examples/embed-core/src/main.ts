/**
 * Embedding the rules: @cloudportal/core alone, every store in memory. Seeds the demo world through the use
 * cases, asks which contract model the demo Kommune may use, then walks a flip-contract order through its
 * statuses, printing each step. Run: `pnpm --filter @cloudportal/example-embed-core start`.
 */
import {
  Authentication,
  Catalog,
  formatDe,
  layerCoreMemory,
  Members,
  Ordering,
  type OrderView,
  OrganizationStore,
  statusLabel
} from "@cloudportal/core"
import { defaultDemoPassword, demoAccounts, seedDemoWorld } from "@cloudportal/core/demo"
import { Console, Effect } from "effect"

const signIn = (email: string) =>
  Effect.gen(function* () {
    const auth = yield* Authentication
    const { session } = yield* auth.login({ email, password: defaultDemoPassword })
    return (yield* auth.authenticate(session.token)).actor
  })

const nameOf = (id: string) => OrganizationStore.use((s) => s.get(id as never)).pipe(Effect.map((o) => o?.name ?? id))

const show = (step: string, order: OrderView) =>
  Console.log(
    `  ${step.padEnd(34)} → ${order.statusLabel} (${order.status}); next for this viewer: ${
      order.allowedActions.map((a) => a.action).join(", ") || "–"
    }`
  )

export const walkthrough = Effect.gen(function* () {
  yield* Console.log("cloudportal — the rules of the Cloud-Service-Portal, embedded in memory\n")
  yield* seedDemoWorld()
  yield* Console.log("Demo world seeded through the use cases (registration → confirmation → approval):")
  for (const [who, email] of Object.entries(demoAccounts)) yield* Console.log(`  ${who.padEnd(11)} ${email}`)

  const kommune = yield* signIn(demoAccounts.kommune)
  const providerA = yield* signIn(demoAccounts.providerA)
  const govdigital = yield* signIn(demoAccounts.govdigital)

  const offerings = (yield* Catalog.use((c) => c.list(kommune, {}))).items
  const platform = offerings.find((o) => o.serviceType === "PaaS")!
  yield* Console.log(`\nWhich contract model may the Kommune use for „${platform.name.de}“?`)
  const cart = { offeringId: platform.id, pricePlanId: "monat", quantity: 1 }
  const answer = yield* Ordering.use((o) => o.checkEligibility(kommune, cart))
  yield* Console.log(`  cart total: ${formatDe(answer.cartTotal)} per month, no fees, no uplift`)
  for (const model of ["DV", "UV"] as const) {
    const a = answer.contractModels[model]
    yield* Console.log(`  ${model}: ${a.allowed ? "allowed" : "not allowed"}`)
    for (const g of a.grounds) {
      const chain = g.chain ? yield* Effect.forEach(g.chain, nameOf) : []
      yield* Console.log(`    ground ${g.kind}${chain.length ? `: ${chain.join(" → ")}` : ""}`)
    }
    for (const r of a.blockingReasons) yield* Console.log(`    blocked: ${r.kind} — ${r.detail}`)
  }

  yield* Console.log("\nA flip-contract order („Umklappvertrag“) through its statuses:")
  const ordering = yield* Ordering
  let order = yield* ordering.place(kommune, { ...cart, contractModel: "UV" })
  yield* show("placed by the Kommune", order)
  const step = (actor: typeof kommune, action: "startReview" | "confirm" | "markOrdered", who: string) =>
    Effect.gen(function* () {
      order = yield* ordering.transition(actor, order.id, { action, expectedStatus: order.status })
      yield* show(`${action} by ${who}`, order)
    })
  yield* step(govdigital, "startReview", "govdigital")
  yield* step(govdigital, "confirm", "govdigital")
  yield* step(providerA, "startReview", "the provider")
  yield* step(providerA, "confirm", "the provider")
  yield* step(govdigital, "markOrdered", "govdigital")
  const stale = yield* Effect.flip(
    ordering.transition(providerA, order.id, { action: "confirm", expectedStatus: "inReviewByProviderUV" })
  )
  yield* Console.log(`  a stale decision is refused: ${stale._tag}`)
  yield* Console.log(`  history: ${order.history.map((h) => statusLabel(h.to)).join(" → ")}`)

  const members = yield* Members.use((m) => m.list(kommune))
  const mainAdmin = members.items.find((m) => m.isMainAdmin)!
  const refused = yield* Effect.flip(Members.use((m) => m.deactivate(kommune, mainAdmin.id)))
  yield* Console.log(`\nThe main admin cannot be deactivated, not even by themselves: ${refused._tag}`)
  return { order, answer, refused: refused._tag, stale: stale._tag }
})

if (import.meta.url === `file://${process.argv[1]}`)
  Effect.runPromise(walkthrough.pipe(Effect.provide(layerCoreMemory()))).catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
