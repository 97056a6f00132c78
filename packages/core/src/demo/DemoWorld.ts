import { DateTime, Effect } from "effect"
import { Catalog } from "../catalog/Catalog.ts"
import type { OfferingDraftEncoded } from "../catalog/Offering.ts"
import { InhouseDeclarations } from "../eligibility/InhouseDeclarations.ts"
import { Authentication } from "../identity/Authentication.ts"
import { DevCaptcha } from "../identity/Captcha.ts"
import type { Actor } from "../kernel/Actor.ts"
import { Outbox } from "../kernel/Outbox.ts"
import { Operators } from "../operator/Operators.ts"
import { OrganizationProfile } from "../organization/OrganizationProfile.ts"
import { OrganizationStore } from "../organization/OrganizationStore.ts"
import { Registrations } from "../registration/Registrations.ts"
import { Terms } from "../terms/Terms.ts"

/**
 * The demo world of API.md, built through the use cases themselves (registration, confirmation, approval,
 * declarations, catalog), so that it obeys every rule and leaves a verifiable audit trail. Idempotent: a second
 * run finds the world in place and changes nothing.
 */
export const demoDomain = "demo.cloudportal.test"
/** At least 25 characters (DOMAIN §4); override with CLOUDPORTAL_DEMO_PASSWORD in the examples. */
export const defaultDemoPassword = "Demo-Passwort für die Verwaltungscloud 2026"

export const demoAccounts = {
  operator: `operator@${demoDomain}`,
  govdigital: `admin@govdigital.${demoDomain}`,
  providerA: `admin@provider-a.${demoDomain}`,
  providerB: `admin@provider-b.${demoDomain}`,
  kommune: `admin@kommune.${demoDomain}`
} as const

interface DemoOrganization {
  readonly key: Exclude<keyof typeof demoAccounts, "operator">
  readonly name: string
  readonly legalForm: string
  readonly administrativeLevel: "federal" | "state" | "municipal" | "other"
  readonly federalState?: string
  readonly address: { street: string; postalCode: string; city: string; phone: string }
  readonly person: { firstName: string; lastName: string }
  readonly capabilities: ReadonlyArray<"customer" | "provider" | "intermediary">
}

const organizations: ReadonlyArray<DemoOrganization> = [
  {
    key: "govdigital",
    name: "govdigital eG (Demo)",
    legalForm: "eingetragene Genossenschaft",
    administrativeLevel: "other",
    federalState: "DE-BE",
    address: { street: "Demostraße 1", postalCode: "10117", city: "Berlin", phone: "030 1234560" },
    person: { firstName: "Greta", lastName: "Genossin" },
    capabilities: ["intermediary"]
  },
  {
    key: "providerA",
    name: "Kommunales Rechenzentrum Demo AöR",
    legalForm: "Anstalt des öffentlichen Rechts",
    administrativeLevel: "municipal",
    federalState: "DE-BY",
    address: { street: "Rechenzentrumsweg 2", postalCode: "90402", city: "Nürnberg", phone: "0911 1234560" },
    person: { firstName: "Anton", lastName: "Anbieter" },
    capabilities: ["provider", "customer"]
  },
  {
    key: "providerB",
    name: "Bundesdienstleister Demo",
    legalForm: "Bundesbehörde",
    administrativeLevel: "federal",
    address: { street: "Bundesallee 3", postalCode: "53113", city: "Bonn", phone: "0228 1234560" },
    person: { firstName: "Berta", lastName: "Bund" },
    capabilities: ["provider"]
  },
  {
    key: "kommune",
    name: "Kommune Musterstadt (Demo)",
    legalForm: "Gebietskörperschaft",
    administrativeLevel: "municipal",
    federalState: "DE-BY",
    address: { street: "Rathausplatz 1", postalCode: "91301", city: "Musterstadt", phone: "09191 1234560" },
    person: { firstName: "Mia", lastName: "Muster" },
    capabilities: ["customer"]
  }
]

const text = (de: string, en: string) => ({ de, en })

const offering = (
  draft: Partial<OfferingDraftEncoded> & Pick<OfferingDraftEncoded, "name" | "serviceType" | "pricePlans">
) =>
  ({
    description: draft.name,
    portfolioCategory: "Basisdienste",
    properties: [],
    provisioningTime: text("5 Werktage", "5 working days"),
    maturity: { level: 3, description: text("Stufe 3: produktiv einsetzbar", "Level 3: ready for production") },
    conditions: { version: "1.0", text: "Es gelten die Servicespezifischen Bedingungen in der Fassung 1.0." },
    supportedContractModels: ["DV"],
    customerCircles: { DV: null, UV: null },
    intermediaryId: null,
    efa: false,
    active: true,
    ...draft
  }) satisfies OfferingDraftEncoded

export interface DemoWorld {
  readonly created: boolean
  readonly password: string
  readonly accounts: typeof demoAccounts
}

/** The newest link token mailed to `recipient` that is still in the outbox (the seed reads its own mail). */
const mailedToken = (recipient: string) =>
  Effect.gen(function* () {
    const due = yield* Outbox.use((o) => o.due(DateTime.makeUnsafe("9999-01-01T00:00:00Z"), 10_000))
    const mail = due.findLast(
      (m) => m.notification.recipient === recipient && m.notification._tag === "RegistrationConfirmationLink"
    )
    return mail && "token" in mail.notification
      ? mail.notification.token
      : yield* Effect.die(`no link for ${recipient}`)
  })

const signIn = (email: string, password: string) =>
  Effect.gen(function* () {
    const auth = yield* Authentication
    const { session } = yield* auth.login({ email, password })
    return (yield* auth.authenticate(session.token)).actor as Actor
  })

export const seedDemoWorld = Effect.fn("DemoWorld.seed")(function* (options: { readonly password?: string } = {}) {
  const password = options.password ?? defaultDemoPassword
  const world = { password, accounts: demoAccounts }
  if (yield* OrganizationStore.use((s) => s.findByName(organizations.at(-1)!.name))) return { created: false, ...world }

  const operatorAccount = yield* Operators.use((o) =>
    o.ensure({ email: demoAccounts.operator, firstName: "Olga", lastName: "Operator", password })
  )
  const operator: Actor = { _tag: "Operator", accountId: operatorAccount.id }
  // Everything takes effect from the moment of seeding, so the world is the same whenever it is created.
  const now = DateTime.formatIso(yield* DateTime.now)
  const terms = yield* Terms
  if ((yield* terms.list()).length === 0)
    yield* terms.publish(operator, {
      version: "CSP-AGB 1.0 (Demo)",
      effectiveFrom: now,
      text: "Allgemeine Geschäftsbedingungen des Cloud-Service-Portals (Demofassung)."
    })
  const currentTerms = yield* terms.current()

  const registrations = yield* Registrations
  const ids: Record<string, string> = {}
  for (const org of organizations) {
    const email = demoAccounts[org.key]
    const captcha = yield* DevCaptcha.use((c) => c.issue())
    const { registrationId } = yield* registrations.submit({
      organization: {
        name: org.name,
        legalForm: org.legalForm,
        administrativeLevel: org.administrativeLevel,
        ...(org.federalState ? { federalState: org.federalState } : {}),
        address: org.address
      },
      person: { ...org.person, email },
      password,
      captcha: { challengeId: captcha.challengeId, answer: captcha.answer },
      acceptedTermsId: currentTerms.id
    } as never)
    yield* registrations.confirm({ token: yield* mailedToken(email) })
    const approved = yield* registrations.approve(operator, registrationId)
    ids[org.key] = (approved as { organizationId: string }).organizationId
    if (org.capabilities.join() !== "customer")
      yield* OrganizationProfile.use((p) =>
        p.updateAsOperator(operator, ids[org.key], {
          capabilities: org.capabilities,
          reason: "Demo: Rolle im Portal laut Demo-Welt"
        })
      )
  }

  // The in-house chain of API.md: Kommune → its IT service provider (provider A) → govdigital eG.
  const kommune = yield* signIn(demoAccounts.kommune, password)
  const providerA = yield* signIn(demoAccounts.providerA, password)
  const providerB = yield* signIn(demoAccounts.providerB, password)
  const declarations = yield* InhouseDeclarations
  yield* declarations.declare(kommune, {
    controls: ids.providerA!,
    joint: true,
    evidence: "Trägerin der AöR gemeinsam mit den übrigen Trägerkommunen (Satzung § 2, Demo)",
    validFrom: now
  })
  yield* declarations.declare(providerA, {
    controls: ids.govdigital!,
    joint: true,
    evidence: "Mitglied der govdigital eG (Mitgliederliste 2025, Demo)",
    validFrom: now
  })

  const catalog = yield* Catalog
  const viaGovdigital = { supportedContractModels: ["DV", "UV"], intermediaryId: ids.govdigital! } as const
  const a: ReadonlyArray<OfferingDraftEncoded> = [
    offering({
      name: text("Virtuelle Server", "Virtual servers"),
      serviceType: "IaaS",
      portfolioCategory: "Rechenleistung",
      pricePlans: [
        {
          _tag: "PerUnit",
          id: "vm-monat",
          name: text("je VM und Monat", "per VM and month"),
          unitCents: 4_900,
          unit: text("VM", "VM"),
          billing: "monthly",
          termMonths: 12
        }
      ],
      properties: [
        { key: "vcpus", label: text("vCPUs", "vCPUs"), required: true, type: { _tag: "Integer", min: 1, max: 64 } },
        {
          key: "region",
          label: text("Rechenzentrum", "Data centre"),
          required: true,
          type: { _tag: "Choice", options: ["Nürnberg", "München"] }
        }
      ],
      ...viaGovdigital
    }),
    offering({
      name: text("Container-Plattform", "Container platform"),
      serviceType: "PaaS",
      portfolioCategory: "Plattformen",
      pricePlans: [
        {
          _tag: "MonthlyRecurring",
          id: "monat",
          name: text("monatlich", "monthly"),
          monthlyCents: 250_000,
          termMonths: null
        }
      ],
      ...viaGovdigital
    }),
    offering({
      name: text("Digitale Wohnsitzummeldung (EfA)", "Digital change of residence (EfA)"),
      serviceType: "SaaS",
      portfolioCategory: "EfA-Leistungen",
      pricePlans: [{ _tag: "OneTime", id: "anbindung", name: text("Anbindung", "Onboarding"), amountCents: 90_000 }],
      efa: true,
      ...viaGovdigital
    })
  ]
  for (const draft of a) yield* catalog.create(providerA, draft)
  const b: ReadonlyArray<OfferingDraftEncoded> = [
    offering({
      name: text("Videokonferenz Basis", "Video conferencing basic"),
      serviceType: "SaaS",
      portfolioCategory: "Kollaboration",
      pricePlans: [{ _tag: "Free", id: "frei", name: text("kostenfrei", "free of charge") }]
    }),
    offering({
      name: text("Fachverfahren Bund", "Federal case management"),
      serviceType: "SaaS",
      portfolioCategory: "Fachverfahren",
      pricePlans: [{ _tag: "OneTime", id: "lizenz", name: text("Lizenz", "Licence"), amountCents: 1_200_000 }],
      customerCircles: { DV: { administrativeLevels: ["federal"], federalStates: [], organizationIds: [] }, UV: null }
    })
  ]
  for (const draft of b) yield* catalog.create(providerB, draft)
  return { created: true, ...world } satisfies DemoWorld
})
