import { type Answer, type CallOptions, call, expectStatus, type Target } from "./http.ts"
import type { LinkKind } from "./portal.ts"

/** What building a world needs: requests, and the tokens the portal mailed (outbox or dev mailbox). */
export interface Driver {
  readonly target: Target
  readonly mailedToken: (email: string, kind: LinkKind) => Promise<string>
  readonly operator: { readonly email: string; readonly password: string }
}

export const password = "ein-sehr-langes-passwort-fuer-systemtests-2026"

export interface SignedIn {
  readonly accountId: string
  readonly email: string
  readonly token: string
}

export interface Org {
  readonly id: string
  readonly name: string
  readonly admin: SignedIn
}

let counter = 0
/** Unique within the process and across processes started within the same millisecond of each other. */
export const unique = (): string => `${Date.now().toString(36)}${process.pid.toString(36)}${(counter++).toString(36)}`

const text = (de: string, en: string) => ({ de, en })

export const plans = {
  small: { id: "plan_small", amountCents: 50_000 },
  mid: { id: "plan_mid", amountCents: 6_000_000 },
  huge: { id: "plan_huge", amountCents: 20_000_000 }
} as const
export type PlanKey = keyof typeof plans

/** An offering draft as a provider sends it: one-time plans of 500 €, 60,000 € and 200,000 €. */
export const offeringDraft = (overrides: Record<string, unknown> = {}) => ({
  name: text("Cloudspeicher", "Cloud storage"),
  description: text("Georedundanter Objektspeicher", "Geo-redundant object storage"),
  portfolioCategory: "Speicher",
  serviceType: "IaaS",
  pricePlans: Object.values(plans).map((p) => ({
    _tag: "OneTime",
    id: p.id,
    name: text(`Paket ${p.id}`, `Package ${p.id}`),
    amountCents: p.amountCents
  })),
  properties: [],
  provisioningTime: text("5 Werktage", "5 working days"),
  maturity: { level: 3, description: text("Produktiv", "Production") },
  conditions: { version: "1.0", text: "Es gelten die Bedingungen des Anbieters." },
  supportedContractModels: ["DV"],
  customerCircles: { DV: null, UV: null },
  intermediaryId: null,
  efa: false,
  active: true,
  ...overrides
})

/** Portal-building steps over HTTP, each checked; a failure throws with the answer. */
export const world = (driver: Driver) => {
  const api = (method: string, path: string, options?: CallOptions): Promise<Answer> =>
    call(driver.target, method, path, options)
  const ok = async (status: number, method: string, path: string, options?: CallOptions) =>
    expectStatus(await api(method, path, options), status, `${method} ${path}`).body

  const login = async (email: string, pw: string = password): Promise<SignedIn> => {
    const body = await ok(200, "POST", "/auth/login", { body: { email, password: pw } })
    return { accountId: body.account.id, email, token: body.session.token }
  }

  let operator: Promise<SignedIn> | undefined
  const operatorSession = () => {
    operator ??= login(driver.operator.email, driver.operator.password)
    return operator
  }
  const forgetSessions = () => {
    operator = undefined
  }

  let terms: Promise<string> | undefined
  const currentTerms = () => {
    terms ??= (async () => {
      const current = await api("GET", "/terms/current")
      if (current.status === 200) return current.body.id as string
      const op = await operatorSession()
      const published = await ok(201, "POST", "/operator/terms", {
        token: op.token,
        body: { version: `AGB ${unique()}`, effectiveFrom: "2020-01-01T00:00:00.000Z", url: "https://agb.example/v1" }
      })
      return published.id as string
    })()
    return terms
  }

  const registrationBody = async (name: string, email: string) => {
    const captcha = await ok(200, "GET", "/dev/captcha")
    return {
      organization: {
        name,
        legalForm: "Körperschaft des öffentlichen Rechts",
        administrativeLevel: "municipal",
        federalState: "DE-BY",
        address: { street: "Marktplatz 1", postalCode: "80331", city: "München", phone: "+49 89 1234" }
      },
      person: { firstName: "Hanna", lastName: "Haupt", email },
      password,
      captcha: { challengeId: captcha.challengeId, answer: captcha.answer },
      acceptedTermsId: await currentTerms()
    }
  }

  /** Registered, confirmed, approved (with capabilities beyond "customer" if given); the main admin signed in. */
  const organization = async (
    label: string,
    capabilities?: ReadonlyArray<"customer" | "provider" | "intermediary">
  ): Promise<Org> => {
    const suffix = unique()
    const name = `${label} ${suffix}`
    const email = `admin-${suffix}@${label.toLowerCase().replace(/[^a-z]/gu, "")}.system-test`
    const submitted = await ok(202, "POST", "/registrations", { body: await registrationBody(name, email) })
    const token = await driver.mailedToken(email, "RegistrationConfirmationLink")
    await ok(200, "POST", "/registrations/confirm", { body: { token } })
    const op = await operatorSession()
    const approved = await ok(200, "POST", `/operator/registrations/${submitted.registrationId}/approve`, {
      token: op.token
    })
    const id = approved.organizationId as string
    if (capabilities)
      await ok(200, "PATCH", `/operator/organizations/${id}`, {
        token: op.token,
        body: { capabilities, reason: "Rolle im Portal laut Vertrag" }
      })
    return { id, name, admin: await login(email) }
  }

  /** `declarer` declares that it controls `controlled` (jointly), valid from 2020. */
  const declareControl = (declarer: Org, controlled: Org) =>
    ok(201, "POST", "/organization/inhouse-declarations", {
      token: declarer.admin.token,
      body: { controls: controlled.id, joint: true, evidence: "Satzung § 2", validFrom: "2020-01-01T00:00:00.000Z" }
    })

  const offering = async (provider: Org, overrides: Record<string, unknown> = {}): Promise<string> =>
    (await ok(201, "POST", "/catalog/offerings", { token: provider.admin.token, body: offeringDraft(overrides) }))
      .id as string

  const role = async (org: Org, permissions: ReadonlyArray<string>): Promise<string> =>
    (
      await ok(201, "POST", "/organization/roles", {
        token: org.admin.token,
        body: { name: `Rolle ${unique()}`, permissions }
      })
    ).id as string

  /** Invited by the admin (with these roles), accepted; signed in through the acceptance. */
  const member = async (org: Org, roleIds: ReadonlyArray<string> = []): Promise<SignedIn> => {
    const email = `person-${unique()}@mitglieder.system-test`
    await ok(201, "POST", "/organization/members", {
      token: org.admin.token,
      body: { email, firstName: "Erika", lastName: "Muster", roleIds }
    })
    const token = await driver.mailedToken(email, "Invitation")
    const accepted = await ok(200, "POST", "/invitations/accept", { body: { token, password } })
    return { accountId: accepted.account.id, email, token: accepted.session.token }
  }

  return {
    api,
    ok,
    login,
    operatorCredentials: { email: driver.operator.email, password: driver.operator.password },
    mailedToken: driver.mailedToken,
    operatorSession,
    forgetSessions,
    currentTerms,
    organization,
    declareControl,
    offering,
    role,
    member
  }
}

export type World = ReturnType<typeof world>

/**
 * The market the model and the matrix play in: two customers (C1 proves an in-house relationship with the
 * intermediary, C2 proves none), a provider that is also a customer, an intermediary, and one offering by
 * direct and flip contract. C1 and the provider both control the intermediary: that gives each an in-house
 * relationship with it (flip contract for C1), and none with each other (DOMAIN §7).
 */
export const market = async (w: World) => {
  const intermediary = await w.organization("Genossenschaft", ["intermediary"])
  const provider = await w.organization("Rechenzentrum", ["customer", "provider"])
  const c1 = await w.organization("Stadt", ["customer"])
  const c2 = await w.organization("Gemeinde", ["customer"])
  await w.declareControl(c1, intermediary)
  await w.declareControl(provider, intermediary)
  const offeringId = await w.offering(provider, {
    supportedContractModels: ["DV", "UV"],
    intermediaryId: intermediary.id
  })
  return { intermediary, provider, c1, c2, offeringId }
}

export type Market = Awaited<ReturnType<typeof market>>
