import { and, asc, eq, lte, type SQL, sql } from "drizzle-orm"
import { Effect, Layer } from "effect"
import {
  EmailAlreadyRegistered,
  normalizeOrganizationName,
  OrganizationAlreadyRegistered,
  Registration,
  RegistrationStore,
  StaleRegistrationStatus,
  StorageError
} from "../internal/core.ts"
import { storable } from "../internal/text.ts"
import { fromMillis, fromMillisOrNull, toMillis, toMillisOrNull } from "../internal/time.ts"
import type { ConstraintViolation } from "../LibsqlDatabase.ts"
import { LibsqlDatabase } from "../LibsqlDatabase.ts"
import { openRegistration, type RegistrationRow, registrations } from "../schema/registrations.ts"

export const toRow = (r: Registration): RegistrationRow => ({
  id: r.id,
  status: r.status,
  organizationName: r.organization.name,
  normalizedOrganizationName: normalizeOrganizationName(r.organization.name),
  legalForm: r.organization.legalForm,
  administrativeLevel: r.organization.administrativeLevel,
  federalState: r.organization.federalState,
  street: r.organization.address.street,
  postalCode: r.organization.address.postalCode,
  city: r.organization.address.city,
  phone: r.organization.address.phone,
  firstName: r.person.firstName,
  lastName: r.person.lastName,
  email: r.person.email,
  passwordHash: r.passwordHash,
  acceptedTermsId: r.acceptedTermsId,
  submittedAt: toMillis(r.submittedAt),
  confirmationDeadline: toMillis(r.confirmationDeadline),
  confirmedAt: toMillisOrNull(r.confirmedAt),
  decidedAt: toMillisOrNull(r.decidedAt),
  decidedBy: r.decidedBy,
  rejectionReason: r.rejectionReason,
  organizationId: r.organizationId,
  accountId: r.accountId,
  expiredAt: toMillisOrNull(r.expiredAt),
  updatedAt: toMillis(r.updatedAt)
})

type R = Registration
type Org = R["organization"]
type Address = Org["address"]

export const toDomain = (r: RegistrationRow): Registration =>
  new Registration({
    id: r.id as R["id"],
    status: r.status as R["status"],
    organization: {
      name: r.organizationName,
      legalForm: r.legalForm,
      administrativeLevel: r.administrativeLevel as Org["administrativeLevel"],
      federalState: r.federalState as Org["federalState"],
      address: {
        street: r.street as Address["street"],
        postalCode: r.postalCode as Address["postalCode"],
        city: r.city as Address["city"],
        phone: r.phone as Address["phone"]
      }
    },
    person: { firstName: r.firstName, lastName: r.lastName, email: r.email as R["person"]["email"] },
    passwordHash: r.passwordHash,
    acceptedTermsId: r.acceptedTermsId as R["acceptedTermsId"],
    submittedAt: fromMillis(r.submittedAt),
    confirmationDeadline: fromMillis(r.confirmationDeadline),
    confirmedAt: fromMillisOrNull(r.confirmedAt),
    decidedAt: fromMillisOrNull(r.decidedAt),
    decidedBy: r.decidedBy as R["decidedBy"],
    rejectionReason: r.rejectionReason,
    organizationId: r.organizationId as R["organizationId"],
    accountId: r.accountId as R["accountId"],
    expiredAt: fromMillisOrNull(r.expiredAt),
    updatedAt: fromMillis(r.updatedAt)
  })

const openConflict = (r: Registration) => (v: ConstraintViolation) =>
  v.kind !== "unique"
    ? undefined
    : v.message.includes("registrations.email")
      ? new EmailAlreadyRegistered({ email: r.person.email })
      : v.message.includes("registrations.normalized_organization_name")
        ? new OrganizationAlreadyRegistered({ name: r.organization.name })
        : undefined

/**
 * Registrations; partial unique indexes hold one open registration per email and per organization name,
 * and `update` is a compare-and-set on the status (`UPDATE … WHERE id = ? AND status = ?`).
 */
export const layer: Layer.Layer<RegistrationStore, never, LibsqlDatabase> = Layer.effect(
  RegistrationStore,
  Effect.gen(function* () {
    const { read, write, transaction } = yield* LibsqlDatabase
    const findOpen = (operation: string, condition: SQL) =>
      read(operation, async (db) => {
        const [row] = await db.select().from(registrations).where(and(condition, openRegistration)).limit(1)
        return row && toDomain(row)
      })
    return RegistrationStore.of({
      insert: (r) => {
        // SQLite checks the claims before the primary key; a registration that exists already is a duplicate
        // id (a defect of the caller), whatever it claims, as core's memory store answers.
        const duplicateFirst = (refused: EmailAlreadyRegistered | OrganizationAlreadyRegistered) =>
          Effect.flatMap(
            read("RegistrationStore.insert", async (db) => {
              const [row] = await db
                .select({ id: registrations.id })
                .from(registrations)
                .where(eq(registrations.id, r.id))
              return row !== undefined
            }),
            (exists) =>
              Effect.fail(
                exists
                  ? new StorageError({ operation: "RegistrationStore.insert", cause: `duplicate id ${r.id}` })
                  : refused
              )
          )
        return write(
          "RegistrationStore.insert",
          async (db) => {
            await db.insert(registrations).values(storable(registrations, toRow(r)))
          },
          openConflict(r)
        ).pipe(
          Effect.catchTags({ EmailAlreadyRegistered: duplicateFirst, OrganizationAlreadyRegistered: duplicateFirst })
        )
      },
      update: (r, expectedStatus) =>
        // The lookup after a refused compare-and-set must see the row the UPDATE saw: one transaction.
        transaction(
          Effect.gen(function* () {
            const { id: _, ...changes } = toRow(r)
            const updated = yield* write(
              "RegistrationStore.update",
              async (db) =>
                (
                  await db
                    .update(registrations)
                    .set(storable(registrations, changes))
                    .where(and(eq(registrations.id, r.id), eq(registrations.status, expectedStatus)))
                ).rowsAffected,
              openConflict(r)
            )
            if (updated === 1) return
            const stored = yield* read("RegistrationStore.update", async (db) => {
              const [row] = await db
                .select({ status: registrations.status })
                .from(registrations)
                .where(eq(registrations.id, r.id))
              return row
            })
            return yield* stored
              ? new StaleRegistrationStatus({
                  registrationId: r.id,
                  expectedStatus,
                  actualStatus: stored.status as Registration["status"]
                })
              : new StorageError({ operation: "RegistrationStore.update", cause: `no registration ${r.id}` })
          })
        ),
      get: (id) =>
        read("RegistrationStore.get", async (db) => {
          const [row] = await db.select().from(registrations).where(eq(registrations.id, id))
          return row && toDomain(row)
        }),
      findOpenByEmail: (email) => findOpen("RegistrationStore.findOpenByEmail", eq(registrations.email, email)),
      findOpenByOrganizationName: (name) =>
        findOpen(
          "RegistrationStore.findOpenByOrganizationName",
          eq(registrations.normalizedOrganizationName, normalizeOrganizationName(name))
        ),
      listByStatus: (status, { limit, after }) =>
        read("RegistrationStore.listByStatus", async (db) =>
          (
            await db
              .select()
              .from(registrations)
              .where(
                and(
                  eq(registrations.status, status),
                  after === undefined
                    ? undefined
                    : sql`(${registrations.submittedAt}, ${registrations.id}) > (${toMillis(after.submittedAt)}, ${after.id})`
                )
              )
              .orderBy(asc(registrations.submittedAt), asc(registrations.id))
              .limit(limit)
          ).map(toDomain)
        ),
      listOverdue: (now, limit) =>
        read("RegistrationStore.listOverdue", async (db) =>
          (
            await db
              .select()
              .from(registrations)
              .where(
                and(
                  eq(registrations.status, "awaitingEmailConfirmation"),
                  lte(registrations.confirmationDeadline, toMillis(now))
                )
              )
              .orderBy(asc(registrations.confirmationDeadline), asc(registrations.id))
              .limit(limit)
          ).map(toDomain)
        )
    })
  })
)
