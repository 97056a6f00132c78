import { expect } from "vitest"
import { call, type Harness, unique } from "./harness.ts"

export const password = "ein-sehr-langes-passwort-fuer-tests-2025"

export interface SignedIn {
  readonly token: string
  readonly accountId: string
  readonly email: string
}

export interface Org {
  readonly id: string
  readonly name: string
  readonly admin: SignedIn
}

const expectStatus = (answer: { status: number; body: unknown }, status: number) => {
  if (answer.status !== status) expect.fail(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`)
}

export const login = async (h: Harness, email: string, pw: string): Promise<SignedIn> => {
  const answer = await call(h, "POST", "/auth/login", { body: { email, password: pw } })
  expectStatus(answer, 200)
  return { token: answer.body.session.token, accountId: answer.body.account.id, email }
}

/** A portal built over HTTP: an operator, the CSP-AGB, organizations and their members. */
export const world = (h: Harness) => {
  let operator: Promise<SignedIn> | undefined
  let terms: Promise<string> | undefined

  const operatorSession = () => {
    operator ??= h.createOperator().then((o) => login(h, o.email, o.password))
    return operator
  }

  const currentTerms = () => {
    terms ??= operatorSession().then(async (op) => {
      const current = await call(h, "GET", "/terms/current")
      if (current.status === 200) return current.body.id as string
      const answer = await call(h, "POST", "/operator/terms", {
        token: op.token,
        body: { version: `2025-${unique()}`, effectiveFrom: "2020-01-01T00:00:00.000Z", url: "https://agb.example/v1" }
      })
      expectStatus(answer, 201)
      return answer.body.id as string
    })
    return terms
  }

  const registrationBody = async (overrides: { name?: string; email?: string } = {}) => {
    const captcha = await call(h, "GET", "/dev/captcha")
    expectStatus(captcha, 200)
    const suffix = unique()
    return {
      organization: {
        name: overrides.name ?? `Stadt ${suffix}`,
        legalForm: "Körperschaft des öffentlichen Rechts",
        administrativeLevel: "municipal",
        federalState: "DE-BY",
        address: { street: "Marktplatz 1", postalCode: "80331", city: "München", phone: "+49 89 1234" }
      },
      person: { firstName: "Hanna", lastName: "Haupt", email: overrides.email ?? `admin-${suffix}@kommune.test` },
      password,
      captcha: { challengeId: captcha.body.challengeId, answer: captcha.body.answer },
      acceptedTermsId: await currentTerms()
    }
  }

  /** Registered, confirmed and approved; the main admin signed in. */
  const organization = async (options: { capabilities?: ReadonlyArray<string> } = {}): Promise<Org> => {
    const body = await registrationBody()
    const submitted = await call(h, "POST", "/registrations", { body })
    expectStatus(submitted, 202)
    const token = await h.linkToken(body.person.email, "RegistrationConfirmationLink")
    expectStatus(await call(h, "POST", "/registrations/confirm", { body: { token } }), 200)
    const op = await operatorSession()
    const approved = await call(h, "POST", `/operator/registrations/${submitted.body.registrationId}/approve`, {
      token: op.token
    })
    expectStatus(approved, 200)
    const id = approved.body.organizationId as string
    if (options.capabilities) {
      const patched = await call(h, "PATCH", `/operator/organizations/${id}`, {
        token: op.token,
        body: { capabilities: options.capabilities, reason: "Anbieter laut Vertrag" }
      })
      expectStatus(patched, 200)
    }
    return { id, name: body.organization.name, admin: await login(h, body.person.email, password) }
  }

  /** A role with these permissions, created by the organization's admin. */
  const role = async (org: Org, permissions: ReadonlyArray<string>): Promise<string> => {
    const answer = await call(h, "POST", "/organization/roles", {
      token: org.admin.token,
      body: { name: `Rolle ${unique()}`, permissions }
    })
    expectStatus(answer, 201)
    return answer.body.id
  }

  /** Invited by the admin, accepted, signed in. */
  const member = async (org: Org, options: { permissions?: ReadonlyArray<string> } = {}): Promise<SignedIn> => {
    const roleIds = options.permissions && options.permissions.length > 0 ? [await role(org, options.permissions)] : []
    const email = `person-${unique()}@kommune.test`
    const invited = await call(h, "POST", "/organization/members", {
      token: org.admin.token,
      body: { email, firstName: "Erika", lastName: "Muster", roleIds }
    })
    expectStatus(invited, 201)
    const token = await h.linkToken(email, "Invitation")
    const accepted = await call(h, "POST", "/invitations/accept", { body: { token, password } })
    expectStatus(accepted, 200)
    return { token: accepted.body.session.token, accountId: accepted.body.account.id, email }
  }

  /** After the clock moved past the session lifetime: a fresh operator session on the next use. */
  const forgetOperatorSession = () => {
    operator = undefined
  }

  return { operatorSession, forgetOperatorSession, currentTerms, registrationBody, organization, role, member }
}

const text = (de: string, en: string) => ({ de, en })

/** An offering draft as a provider sends it. */
export const offeringDraft = (overrides: Record<string, unknown> = {}) => ({
  name: text("Cloudspeicher", "Cloud storage"),
  description: text("Georedundanter Objektspeicher", "Geo-redundant object storage"),
  portfolioCategory: "Speicher",
  serviceType: "IaaS",
  pricePlans: [
    { _tag: "OneTime", id: "plan_setup", name: text("Einrichtung", "Setup"), amountCents: 50_000 },
    { _tag: "OneTime", id: "plan_huge", name: text("Großprojekt", "Large project"), amountCents: 20_000_000 }
  ],
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
