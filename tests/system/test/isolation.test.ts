import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Answer, call, inProcess } from "../src/http.ts"
import { type Holder, type OrgKey, type Populated, populate } from "../src/populated.ts"
import { makePortal, operatorEmail, operatorPassword, type Portal } from "../src/portal.ts"
import { world } from "../src/world.ts"

/**
 * The isolation matrix (DOMAIN §11: nothing of one organization is visible to another; API.md: 404, never 403, for
 * another organization's resource). Generated from the app's own route table: every route that takes an id is
 * called with the id of a resource of an organization the caller has nothing to do with, as every kind of caller.
 * A route whose parameters the matrix cannot classify fails the test, so a new route cannot escape it.
 */

type Kind =
  | "account"
  | "role"
  | "address"
  | "declaration"
  | "order"
  | "document"
  | "withdrawnOffering"
  | "offeringVersion"
  | "registration"
  | "organization"

/** What each parameter of each route names. */
const classification: Readonly<Record<string, ReadonlyArray<Kind>>> = {
  "/organization/members/:id": ["account"],
  "/organization/members/:id/resend-invitation": ["account"],
  "/organization/members/:id/deactivate": ["account"],
  "/organization/members/:id/reactivate": ["account"],
  "/organization/members/:id/roles": ["account"],
  "/organization/members/:id/password-reset": ["account"],
  "/organization/roles/:id": ["role"],
  "/organization/addresses/:id": ["address"],
  "/organization/addresses/:id/make-default": ["address"],
  "/organization/inhouse-declarations/:id": ["declaration"],
  "/orders/:id": ["order"],
  "/orders/:id/transitions": ["order"],
  "/orders/:id/contract-folder": ["order"],
  "/orders/:id/contract-folder/:documentId": ["order", "document"],
  // Active offerings are the portal's public catalog; a withdrawn one is its provider's alone.
  "/catalog/offerings/:id": ["withdrawnOffering"],
  "/catalog/offerings/:id/versions/:version": ["withdrawnOffering", "offeringVersion"],
  "/operator/registrations/:id": ["registration"],
  "/operator/registrations/:id/approve": ["registration"],
  "/operator/registrations/:id/reject": ["registration"],
  "/operator/organizations/:id": ["organization"],
  "/operator/organizations/:id/main-admin": ["organization"],
  "/operator/accounts/:id/password-reset": ["account"]
}

/** Routes with a parameter that names no organization's resource, and why they are not in the matrix. */
const notResources: Readonly<Record<string, string>> = {
  "/auth/oidc/:provider": "the name of a configured identity provider, the same for everyone",
  "/auth/oidc/:provider/callback": "the name of a configured identity provider, the same for everyone"
}

/** Bodies that pass each route's Schema, so that the answer is about the resource and not the body. */
const bodies = (p: Populated): Readonly<Record<string, unknown>> => ({
  "PATCH /organization/members/:id": { firstName: "Fremd" },
  "PUT /organization/members/:id/roles": { roleIds: [] },
  "PATCH /organization/roles/:id": { name: "Fremde Rolle" },
  "PATCH /organization/addresses/:id": { city: "Fremdstadt" },
  "POST /orders/:id/transitions": { action: "startReview", expectedStatus: "open" },
  "PATCH /catalog/offerings/:id": { provisioningTime: { de: "1 Tag", en: "1 day" } },
  "POST /operator/registrations/:id/reject": { reason: "Keine öffentliche Stelle" },
  "PATCH /operator/organizations/:id": { legalForm: "Zweckverband", reason: "Satzungsänderung" },
  "POST /operator/organizations/:id/main-admin": { accountId: p.ids.accounts.c2[0], reason: "Wechsel" }
})

type Caller = Holder | "anonymous"

/** Cells that are no isolation question, and why. */
const byDesign: ReadonlyArray<{ readonly caller: Caller; readonly route: string; readonly reason: string }> = [
  {
    caller: "operator",
    route: "/organization/members/:id/password-reset",
    reason: "DOMAIN §4: the operator may start a reset for any account (it never sets a password)"
  },
  { caller: "operator", route: "/catalog/offerings/:id", reason: "the operator oversees the whole catalog" },
  {
    caller: "operator",
    route: "/catalog/offerings/:id/versions/:version",
    reason: "the operator oversees the whole catalog"
  }
]

/**
 * Refusals about the caller, not the resource: the same for every id, so they tell nothing about another
 * organization (checked: they equal the answer for an id that does not exist).
 */
const aboutTheCaller = ["403 NotAProvider"]

const organizationOf: Readonly<Record<Holder, OrgKey | undefined>> = {
  operator: undefined,
  strangerAdmin: "stranger",
  provider2Admin: "provider2",
  c1Admin: "c1",
  c1Employee: "c1",
  c1Buyer: "c1",
  c2Admin: "c2",
  providerAdmin: "provider",
  providerDecider: "provider",
  intermediaryAdmin: "intermediary",
  intermediaryDecider: "intermediary"
}

/** Admins hold every permission of the catalogue: for them every foreign resource must be 404, nothing less. */
const admins = new Set<Caller>([
  "strangerAdmin",
  "provider2Admin",
  "c1Admin",
  "c2Admin",
  "providerAdmin",
  "intermediaryAdmin"
])

/**
 * An order the caller's organization has no part in: neither its customer, nor its provider, nor (flip contract)
 * its intermediary (DOMAIN §11: ordering shows an order to those parties only).
 */
const foreignOrder = (p: Populated, org: OrgKey | undefined): string => {
  const found = Object.entries(p.ids.orderInfo).find(
    ([, o]) => o.customer !== org && o.provider !== org && o.intermediary !== org
  )
  if (!found) throw new Error(`no order foreign to ${org}`)
  return found[0]
}

/** An id of the same shape that names nothing. */
const missing = (id: string): string => {
  const cut = id.indexOf("_") + 1
  return `${id.slice(0, cut)}${"z".repeat(Math.max(id.length - cut, 4))}`
}

interface Cell {
  readonly caller: Caller
  readonly method: string
  readonly route: string
  readonly path: string
  readonly missingPath: string
}

const cellsFor = (p: Populated, method: string, route: string, caller: Caller): ReadonlyArray<Cell> => {
  const kinds = classification[route]!
  const org = caller === "anonymous" ? undefined : organizationOf[caller]
  const other: OrgKey = org === "c2" ? "c1" : "c2"
  const order = foreignOrder(p, org)
  const ownOrder = org === "c1" || org === "c2" ? p.ids.orders[org][0] : undefined
  const foreignDocument = () => p.ids.orderInfo[order]!.documents[0]!
  const idFor = (kind: Kind): string => {
    switch (kind) {
      case "account":
        return p.ids.accounts[other][0]!
      case "role":
        return p.ids.roles[other].at(-1)!
      case "address":
        return p.ids.addresses[other][0]!
      case "declaration":
        return p.ids.declarations[other][0]!
      case "order":
        return order
      case "document":
        return foreignDocument()
      case "withdrawnOffering":
        return p.ids.inactiveOfferings.provider2[0]!
      case "offeringVersion":
        return "1"
      case "registration":
        return p.ids.registrations[0]!
      case "organization":
        return p.ids.organizations[other][0]!
    }
  }
  // The withdrawn offering is provider 2's own: for provider 2 it is no foreign resource.
  if (kinds.includes("withdrawnOffering") && org === "provider2") return []
  const fill = (ids: ReadonlyArray<string>) => {
    let path = route
    for (const id of ids) path = path.replace(/:[A-Za-z]+/u, id)
    return path
  }
  const foreign = kinds.map(idFor)
  const cells: Array<Cell> = [
    {
      caller,
      method,
      route,
      path: fill(foreign),
      missingPath: fill(foreign.map((id, i) => (kinds[i] === "offeringVersion" ? "999" : missing(id))))
    }
  ]
  // The caller's own order with another organization's document in it.
  if (kinds.includes("document") && ownOrder)
    cells.push({
      caller,
      method,
      route,
      path: fill([ownOrder, foreignDocument()]),
      missingPath: fill([ownOrder, missing(foreignDocument())])
    })
  return cells
}

describe("isolation matrix", () => {
  let portal: Portal
  let populated: Populated
  let routes: ReadonlyArray<{ readonly method: string; readonly route: string }>

  beforeAll(async () => {
    portal = await makePortal({ storage: "memory" })
    const w = world({
      target: inProcess(portal.fetch),
      mailedToken: portal.mailedToken,
      operator: { email: operatorEmail, password: operatorPassword }
    })
    populated = await populate(w)
    const seen = new Set<string>()
    routes = portal.app.routes
      .filter((r) => r.path.startsWith("/api/") && r.path.includes("/:") && r.method !== "ALL")
      .map((r) => ({ method: r.method, route: r.path.slice("/api".length) }))
      .filter((r) => {
        const key = `${r.method} ${r.route}`
        if (seen.has(key)) return false
        seen.add(key)
        return true
      })
  }, 120_000)

  afterAll(() => portal?.close())

  it("every route that takes an id is classified, so that none escapes the matrix", () => {
    const unclassified = routes.filter((r) => !(r.route in classification) && !(r.route in notResources))
    expect(unclassified.map((r) => `${r.method} ${r.route}`)).toEqual([])
    expect(routes.length).toBeGreaterThanOrEqual(25)
  })

  it("another organization's resource is not found (404) for every kind of caller, and answers exactly as an id that does not exist", async () => {
    const callers: ReadonlyArray<Caller> = [...(Object.keys(organizationOf) as Array<Holder>), "anonymous"]
    const body = bodies(populated)
    const failures: Array<string> = []
    let cells = 0
    const target = inProcess(portal.fetch)
    for (const { method, route } of routes.filter((r) => r.route in classification))
      for (const caller of callers) {
        // The operator manages every organization: its own routes are cross-organization by design.
        if (caller === "operator" && route.startsWith("/operator/")) continue
        if (byDesign.some((d) => d.caller === caller && d.route === route)) continue
        for (const cell of cellsFor(populated, method, route, caller)) {
          cells++
          const options = {
            token: caller === "anonymous" ? undefined : populated.people[caller].token,
            body: body[`${method} ${route}`] ?? (method === "GET" || method === "DELETE" ? undefined : {})
          }
          const foreign: Answer = await call(target, method, cell.path, options)
          const none: Answer = await call(target, method, cell.missingPath, options)
          const code = (a: Answer) => `${a.status} ${a.body?.code ?? ""}`
          const where = `${method} ${cell.path} as ${caller}`
          if (code(foreign) !== code(none))
            failures.push(`${where}: ${code(foreign)}, but ${code(none)} for an id that does not exist`)
          const expected =
            caller === "anonymous"
              ? ["401 Unauthenticated"]
              : route.startsWith("/operator/")
                ? ["403 PermissionDenied"]
                : caller === "operator"
                  ? ["403 PermissionDenied", "404"]
                  : admins.has(caller)
                    ? ["404", ...aboutTheCaller]
                    : ["404", "403 PermissionDenied", ...aboutTheCaller]
          if (!expected.some((e) => code(foreign).startsWith(e)))
            failures.push(
              `${where}: ${code(foreign)} (${foreign.text.slice(0, 160)}), expected ${expected.join(" or ")}`
            )
        }
      }
    if (process.env.SYSTEM_STATS) console.log(`isolation matrix: ${routes.length} routes with an id, ${cells} cells`)
    expect(failures).toEqual([])
    expect(cells).toBeGreaterThan(250)
  }, 120_000)
})
