import { type Market, market, type Org, password, type SignedIn, unique, type World } from "./world.ts"

/** Who is who in the populated world: the roles a request can come from. */
export type Holder =
  | "operator"
  | "strangerAdmin"
  | "provider2Admin"
  | "c1Admin"
  | "c1Employee"
  | "c1Buyer"
  | "c2Admin"
  | "providerAdmin"
  | "providerDecider"
  | "intermediaryAdmin"
  | "intermediaryDecider"

/** Ids of one kind of resource, per organization that owns them. */
export type OrgKey = "c1" | "c2" | "provider" | "intermediary" | "provider2" | "stranger"
export type IdsByOrg = Readonly<Record<OrgKey, ReadonlyArray<string>>>

export interface Populated {
  readonly market: Market
  readonly orgs: Readonly<Record<OrgKey, Org>>
  readonly people: Readonly<Record<Holder, SignedIn>>
  readonly ids: {
    readonly organizations: IdsByOrg
    readonly accounts: IdsByOrg
    readonly roles: IdsByOrg
    readonly addresses: IdsByOrg
    readonly declarations: IdsByOrg
    readonly orders: IdsByOrg
    readonly documents: IdsByOrg
    readonly offerings: IdsByOrg
    /** Offerings withdrawn by their provider: only the provider (and the operator) may still see them. */
    readonly inactiveOfferings: IdsByOrg
    /** Each order's parties and contract-folder documents. */
    readonly orderInfo: Readonly<
      Record<
        string,
        {
          readonly customer: OrgKey
          readonly provider: OrgKey
          readonly intermediary: OrgKey | null
          readonly documents: ReadonlyArray<string>
        }
      >
    >
    /** Registrations are the operator's: one awaiting review, not yet an organization. */
    readonly registrations: ReadonlyArray<string>
  }
  /** Every id above, of every kind and organization. */
  readonly allIds: ReadonlyArray<string>
}

/**
 * The market with something of every kind in every organization: members with and without roles, custom roles,
 * further addresses, in-house declarations, orders by direct and flip contract with their contract folders, and a
 * registration waiting for the operator. Beside it a second provider (with an active and a withdrawn offering, and
 * an order from C1) and a stranger organization that has nothing to do with anyone.
 */
export const populate = async (w: World): Promise<Populated> => {
  const mk = await market(w)
  const provider2 = await w.organization("Landesrechenzentrum", ["provider"])
  const stranger = await w.organization("Fremde Gemeinde", ["customer"])
  const orgs = { c1: mk.c1, c2: mk.c2, provider: mk.provider, intermediary: mk.intermediary, provider2, stranger }
  const offering2 = await w.offering(provider2)
  const withdrawn = await w.offering(provider2, { active: false })
  const decideProvider = await w.role(mk.provider, ["orders.decideAsProvider"])
  const decideIntermediary = await w.role(mk.intermediary, ["orders.decideAsIntermediary"])
  const buyerRole = await w.role(mk.c1, ["orders.viewOrganization"])
  const c2Role = await w.role(mk.c2, ["organization.addresses.manage"])
  const providerDecider = await w.member(mk.provider, [decideProvider])
  const intermediaryDecider = await w.member(mk.intermediary, [decideIntermediary])
  const c1Buyer = await w.member(mk.c1, [buyerRole])
  const c1Employee = await w.member(mk.c1)
  await w.member(mk.c2, [c2Role])

  for (const org of [mk.c1, mk.c2])
    await w.ok(201, "POST", "/organization/addresses", {
      token: org.admin.token,
      body: { kind: "billing", street: "Kämmereigasse 3", postalCode: "80331", city: "München", phone: "+49 89 55" }
    })
  await w.ok(201, "POST", "/organization/inhouse-declarations", {
    token: mk.c2.admin.token,
    body: { controlledBy: mk.provider.id, joint: false, evidence: "Beteiligung", validFrom: "2021-01-01T00:00:00.000Z" }
  })
  const place = (who: SignedIn, contractModel: "DV" | "UV") =>
    w.ok(201, "POST", "/orders", {
      token: who.token,
      body: { offeringId: mk.offeringId, pricePlanId: "plan_small", quantity: 1, contractModel }
    })
  await place(c1Employee, "DV")
  await place(mk.c1.admin, "UV")
  await place(mk.c2.admin, "DV")
  await w.ok(201, "POST", "/orders", {
    token: mk.c1.admin.token,
    body: { offeringId: offering2, pricePlanId: "plan_small", quantity: 1, contractModel: "DV" }
  })

  // A registration that is confirmed and waits for the operator.
  const captcha = await w.ok(200, "GET", "/dev/captcha")
  const suffix = unique()
  const registration = await w.ok(202, "POST", "/registrations", {
    body: {
      organization: {
        name: `Markt Wartend ${suffix}`,
        legalForm: "Gebietskörperschaft",
        administrativeLevel: "municipal",
        federalState: "DE-BY",
        address: { street: "Am Anger 1", postalCode: "91000", city: "Wartendorf", phone: "09100 1" }
      },
      person: { firstName: "Wanda", lastName: "Wartend", email: `wartend-${suffix}@system-test.example` },
      password,
      captcha: { challengeId: captcha.challengeId, answer: captcha.answer },
      acceptedTermsId: await w.currentTerms()
    }
  })

  const ids = (list: { items: ReadonlyArray<{ id: string }> }) => list.items.map((x) => x.id)
  const each = async (read: (org: Org) => Promise<ReadonlyArray<string>>) => ({
    c1: await read(orgs.c1),
    c2: await read(orgs.c2),
    provider: await read(orgs.provider),
    intermediary: await read(orgs.intermediary),
    provider2: await read(orgs.provider2),
    stranger: await read(orgs.stranger)
  })
  const get = (org: Org, path: string) => w.ok(200, "GET", path, { token: org.admin.token })
  const orders = await each(async (org) =>
    org === orgs.c1 || org === orgs.c2 ? ids(await get(org, "/orders?scope=organization&limit=200")) : []
  )
  const keyOf = (id: string | null): OrgKey | null =>
    id === null ? null : (Object.keys(orgs) as Array<OrgKey>).find((k) => orgs[k].id === id)!
  const orderInfo: Record<string, Populated["ids"]["orderInfo"][string]> = {}
  for (const customer of ["c1", "c2"] as const)
    for (const orderId of orders[customer]) {
      const order = await get(orgs[customer], `/orders/${orderId}`)
      orderInfo[orderId] = {
        customer,
        provider: keyOf(order.providerId)!,
        intermediary: keyOf(order.intermediaryId),
        documents: ids(await get(orgs[customer], `/orders/${orderId}/contract-folder`))
      }
    }
  const documentsOf = (customer: "c1" | "c2") => orders[customer].flatMap((id) => orderInfo[id]!.documents)
  const documents = {
    c1: documentsOf("c1"),
    c2: documentsOf("c2"),
    provider: [],
    intermediary: [],
    provider2: [],
    stranger: []
  }
  const populated = {
    organizations: await each(async (org) => [org.id]),
    accounts: await each(async (org) => ids(await get(org, "/organization/members?limit=200"))),
    roles: await each(async (org) => ids(await get(org, "/organization/roles?limit=200"))),
    addresses: await each(async (org) => ids(await get(org, "/organization/addresses?limit=200"))),
    declarations: await each(async (org) => ids(await get(org, "/organization/inhouse-declarations?limit=200"))),
    orders,
    documents,
    offerings: { c1: [], c2: [], provider: [mk.offeringId], intermediary: [], provider2: [offering2], stranger: [] },
    inactiveOfferings: { c1: [], c2: [], provider: [], intermediary: [], provider2: [withdrawn], stranger: [] },
    orderInfo,
    registrations: [registration.registrationId as string]
  }
  const confirmation = await w.mailedToken(`wartend-${suffix}@system-test.example`, "RegistrationConfirmationLink")
  await w.ok(200, "POST", "/registrations/confirm", { body: { token: confirmation } })

  const allIds = [
    ...new Set(
      Object.entries(populated).flatMap(([key, v]) =>
        key === "orderInfo" ? [] : Array.isArray(v) ? v : Object.values(v).flat()
      ) as Array<string>
    )
  ]
  return {
    market: mk,
    orgs,
    people: {
      operator: await w.operatorSession(),
      strangerAdmin: stranger.admin,
      provider2Admin: provider2.admin,
      c1Admin: mk.c1.admin,
      c1Employee,
      c1Buyer,
      c2Admin: mk.c2.admin,
      providerAdmin: mk.provider.admin,
      providerDecider,
      intermediaryAdmin: mk.intermediary.admin,
      intermediaryDecider
    },
    ids: populated,
    allIds
  }
}
