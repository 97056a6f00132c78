import { DateTime, Effect } from "effect"
import { AccountStore, AddressStore, Organization, OrganizationStore, RoleStore } from "../../src/internal/core.ts"
import { type sampleWorld, system } from "./core.ts"

/** The instant the fixtures are made at. */
export const fixtureInstant = DateTime.makeUnsafe("2025-02-03T04:05:06.007Z")

/** A customer organization with the given id and name, everything else fixed. */
export const organizationFixture = (id: string, name: string) =>
  new Organization({
    id: id as Organization["id"],
    name,
    legalForm: "Körperschaft des öffentlichen Rechts",
    administrativeLevel: "municipal",
    federalState: "DE-NW",
    capabilities: ["customer"],
    supplementary: { website: null, contactEmail: null, note: null },
    masterDataReviewRequired: false,
    createdAt: fixtureInstant,
    updatedAt: fixtureInstant
  })

/** An audit draft for step `n` of `chain`, by the system: what the audit-chain tests append. */
export const auditDraft = (chain: string, n: number) => ({
  chain,
  actor: system,
  action: `test.step${n}`,
  subject: { type: "test", id: String(n) },
  before: null,
  after: { n }
})

/** Writes a sample world's organization, default address, role and main admin through the stores. */
export const seedWorld = (w: Effect.Success<typeof sampleWorld>) =>
  Effect.gen(function* () {
    yield* OrganizationStore.use((s) => s.insert(w.organization))
    yield* AddressStore.use((s) => s.insert(w.address))
    yield* RoleStore.use((s) => s.insert(w.role))
    yield* AccountStore.use((s) => s.insert(w.account))
  })
