import { Context, DateTime, Effect, Layer, Schema } from "effect"
import type { Actor, Operator } from "../kernel/Actor.ts"
import { type AuditLog, record } from "../kernel/Audit.ts"
import { Email } from "../kernel/Email.ts"
import {
  decodeInput,
  FieldIssue,
  InvalidInput,
  type PermissionDenied,
  type StorageError,
  type Unauthenticated
} from "../kernel/Errors.ts"
import type { AccountId, AddressId, OrganizationId, RoleId } from "../kernel/Ids.ts"
import { newId, type SecureRandom } from "../kernel/SecureRandom.ts"
import { UnitOfWork } from "../kernel/UnitOfWork.ts"
import { Account } from "../members/Account.ts"
import { AccountStore, type AccountWriteError, type RoleNameTaken, RoleStore } from "../members/AccountStore.ts"
import { FirstName, LastName } from "../members/Membership.ts"
import { makeOrganizationAdminRole } from "../members/RoleRules.ts"
import { loadOperator } from "../members/Viewer.ts"
import { AddressInput } from "../organization/AddressBook.ts"
import {
  Address,
  AdministrativeLevel,
  Capability,
  FederalState,
  normalizeOrganizationName,
  Organization
} from "../organization/Organization.ts"
import {
  AddressStore,
  type DefaultAddressConflict,
  type OrganizationAlreadyRegistered,
  OrganizationStore
} from "../organization/OrganizationStore.ts"
import { LegalForm, OrganizationName } from "../organization/Profile.ts"
import { federalStateIssue } from "../registration/Registration.ts"

/**
 * Bulk import from the previous system [extension of DOMAIN §3]: organizations with their addresses and
 * accounts. Imported accounts have no usable password (`passwordResetRequired`: „Passwort vergessen" sets one)
 * and imported organizations are asked to review their master data (`masterDataReviewRequired`).
 */
export const ImportedAccount = Schema.Struct({
  email: Email,
  firstName: FirstName,
  lastName: LastName,
  isMainAdmin: Schema.Boolean,
  /** Holds the built-in „Organisationsadmin" role. */
  organizationAdmin: Schema.optionalKey(Schema.Boolean),
  status: Schema.optionalKey(Schema.Literals(["active", "deactivated"]))
})

export const ImportedOrganization = Schema.Struct({
  name: OrganizationName,
  legalForm: LegalForm,
  administrativeLevel: AdministrativeLevel,
  federalState: Schema.optionalKey(Schema.NullOr(FederalState)),
  capabilities: Schema.optionalKey(Schema.Array(Capability)),
  addresses: Schema.Array(AddressInput),
  accounts: Schema.Array(ImportedAccount)
})

export const ImportInput = Schema.Struct({ organizations: Schema.Array(ImportedOrganization) })
export type ImportInput = typeof ImportInput.Type

export interface ImportReport {
  readonly dryRun: boolean
  readonly organizations: number
  readonly addresses: number
  readonly accounts: number
  /** Every problem found; empty when the import is (or was) written. */
  readonly problems: ReadonlyArray<FieldIssue>
}

/** Pure: every rule an import must satisfy before anything is written, each problem with its path. */
export const importProblems = (input: ImportInput): Array<FieldIssue> => {
  const problems: Array<FieldIssue> = []
  const issue = (path: string, message: string) => problems.push(new FieldIssue({ path, message }))
  const names = new Map<string, number>()
  const emails = new Map<string, string>()
  input.organizations.forEach((o, i) => {
    const at = `organizations.${i}`
    const state = federalStateIssue(o.administrativeLevel, o.federalState)
    if (state) issue(`${at}.federalState`, state)
    const name = normalizeOrganizationName(o.name)
    const first = names.get(name)
    if (first !== undefined)
      issue(`${at}.name`, `Doppelt im Import (wie organizations.${first}) / duplicate in the import`)
    else names.set(name, i)
    if (o.addresses.filter((a) => a.isDefault === true).length !== 1)
      issue(`${at}.addresses`, "Genau eine Standardadresse nötig / exactly one default address is required")
    o.addresses.forEach((a, j) => {
      if (a.leitwegId != null && a.kind !== "billing")
        issue(
          `${at}.addresses.${j}.leitwegId`,
          "Leitweg-ID nur an Rechnungsadressen / Leitweg-ID on billing addresses only"
        )
    })
    const mainAdmins = o.accounts.filter((a) => a.isMainAdmin)
    if (mainAdmins.length !== 1)
      issue(`${at}.accounts`, "Genau ein Hauptadmin nötig / exactly one main admin is required")
    o.accounts.forEach((a, j) => {
      const path = `${at}.accounts.${j}`
      if (a.isMainAdmin && a.status === "deactivated")
        issue(`${path}.status`, "Der Hauptadmin ist immer aktiv / the main admin is always active")
      const seen = emails.get(a.email)
      if (seen) issue(`${path}.email`, `Doppelt im Import (wie ${seen}) / duplicate in the import`)
      else emails.set(a.email, path)
    })
  })
  return problems
}

type ImportStoreConflict = OrganizationAlreadyRegistered | DefaultAddressConflict | AccountWriteError | RoleNameTaken

export class MigrationImport extends Context.Service<
  MigrationImport,
  {
    /**
     * Checks everything first and reports every problem; a dry run writes nothing whatever it finds, a real run
     * writes all in one unit of work or, with any problem, nothing (`InvalidInput` listing the problems).
     */
    readonly run: (
      actor: Actor,
      input: unknown,
      options: { readonly dryRun: boolean }
    ) => Effect.Effect<
      ImportReport,
      // The store conflicts can only come from a concurrent registration between the checks and the writes.
      InvalidInput | PermissionDenied | Unauthenticated | ImportStoreConflict | StorageError
    >
  }
>()("@cloudportal/core/MigrationImport") {
  static readonly layer = Layer.effect(
    MigrationImport,
    Effect.gen(function* () {
      const context = yield* Effect.context<
        OrganizationStore | AddressStore | AccountStore | RoleStore | UnitOfWork | AuditLog | SecureRandom
      >()
      const organizations = yield* OrganizationStore
      const addresses = yield* AddressStore
      const accounts = yield* AccountStore
      const roles = yield* RoleStore
      const uow = yield* UnitOfWork

      /** What the portal already holds that the import would collide with. */
      const conflicts = Effect.fnUntraced(function* (input: ImportInput) {
        const problems: Array<FieldIssue> = []
        for (const [i, o] of input.organizations.entries()) {
          if (yield* organizations.findByName(o.name))
            problems.push(
              new FieldIssue({
                path: `organizations.${i}.name`,
                message: "Organisation bereits registriert / organization already registered"
              })
            )
          for (const [j, a] of o.accounts.entries())
            if (yield* accounts.findByEmail(a.email))
              problems.push(
                new FieldIssue({
                  path: `organizations.${i}.accounts.${j}.email`,
                  message: "E-Mail-Adresse bereits vergeben / email already registered"
                })
              )
        }
        return problems
      })

      const write = Effect.fnUntraced(function* (actor: Operator, input: ImportInput) {
        const now = yield* DateTime.now
        for (const o of input.organizations) {
          const organizationId = yield* newId<OrganizationId>("org")
          const adminRole = makeOrganizationAdminRole(yield* newId<RoleId>("role"), organizationId)
          const organization = new Organization({
            id: organizationId,
            name: o.name,
            legalForm: o.legalForm,
            administrativeLevel: o.administrativeLevel,
            federalState: o.federalState ?? null,
            capabilities: o.capabilities ?? ["customer"],
            supplementary: { website: null, contactEmail: null, note: null },
            masterDataReviewRequired: true,
            createdAt: now,
            updatedAt: now
          })
          yield* organizations.insert(organization)
          yield* roles.insert(adminRole)
          for (const a of o.addresses)
            yield* addresses.insert(
              new Address({
                id: yield* newId<AddressId>("adr"),
                organizationId,
                kind: a.kind,
                street: a.street,
                postalCode: a.postalCode,
                city: a.city,
                phone: a.phone ?? null,
                leitwegId: a.leitwegId ?? null,
                isDefault: a.isDefault === true
              })
            )
          for (const a of o.accounts)
            yield* accounts.insert(
              new Account({
                id: yield* newId<AccountId>("acc"),
                kind: "member",
                organizationId,
                email: a.email,
                firstName: a.firstName,
                lastName: a.lastName,
                status: a.status ?? "active",
                isMainAdmin: a.isMainAdmin,
                roleIds: a.isMainAdmin || a.organizationAdmin ? [adminRole.id] : [],
                passwordHash: null,
                passwordResetRequired: true,
                createdAt: now,
                updatedAt: now
              })
            )
          yield* record({
            chain: organizationId,
            actor,
            action: "organization.imported",
            subject: { type: "organization", id: organizationId },
            before: null,
            after: { name: o.name, addresses: o.addresses.length, accounts: o.accounts.map((a) => a.email) }
          })
        }
      })

      const run = Effect.fn("MigrationImport.run")(function* (
        actor: Actor,
        raw: unknown,
        options: { readonly dryRun: boolean }
      ) {
        const { actor: operator } = yield* loadOperator(actor)
        const input = yield* decodeInput(ImportInput)(raw)
        const count = {
          organizations: input.organizations.length,
          addresses: input.organizations.reduce((n, o) => n + o.addresses.length, 0),
          accounts: input.organizations.reduce((n, o) => n + o.accounts.length, 0)
        }
        return yield* uow.transaction(
          Effect.gen(function* () {
            const problems = [...importProblems(input), ...(yield* conflicts(input))]
            if (options.dryRun) return { dryRun: true, ...count, problems } satisfies ImportReport
            if (problems.length > 0) return yield* new InvalidInput({ issues: problems })
            yield* write(operator, input)
            return { dryRun: false, ...count, problems: [] } satisfies ImportReport
          })
        )
      }, Effect.provideContext(context))

      return { run }
    })
  )
}
