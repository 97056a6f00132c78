import { Context, DateTime, Effect, Layer, Schema } from "effect"
import type { Email } from "../kernel/Email.ts"
import { StorageError } from "../kernel/Errors.ts"
import type { RegistrationId } from "../kernel/Ids.ts"
import { MemoryTable } from "../kernel/UnitOfWork.ts"
import { EmailAlreadyRegistered } from "../members/AccountStore.ts"
import { normalizeOrganizationName } from "../organization/Organization.ts"
import { OrganizationAlreadyRegistered } from "../organization/OrganizationStore.ts"
import { openRegistrationStatuses, type Registration, RegistrationStatus } from "./Registration.ts"

/**
 * Compare-and-set failed: the registration left the status the caller read, because someone else acted in
 * between (two operators deciding at once, a confirmation racing the sweep). Reload and decide again.
 */
export class StaleRegistrationStatus extends Schema.TaggedError<StaleRegistrationStatus>()("StaleRegistrationStatus", {
  registrationId: Schema.String,
  expectedStatus: RegistrationStatus,
  actualStatus: RegistrationStatus
}) {}

/** Where a page of a listing ends: the next page starts after this registration. */
export interface RegistrationCursor {
  readonly submittedAt: DateTime.Utc
  readonly id: RegistrationId
}

export type RegistrationWriteError =
  | EmailAlreadyRegistered
  | OrganizationAlreadyRegistered
  | StaleRegistrationStatus
  | StorageError

/**
 * Registrations. Invariants the store holds under concurrency (a database with partial unique indexes on the
 * normalized email and the normalized organization name where the status is open):
 * at most one open registration (`awaitingEmailConfirmation` or `awaitingOperatorReview`) per email and per
 * organization name; `update` writes only if the stored status is still the expected one.
 */
export class RegistrationStore extends Context.Service<
  RegistrationStore,
  {
    readonly insert: (r: Registration) => Effect.Effect<void, RegistrationWriteError>
    /** Replaces the registration if its stored status is `expectedStatus`; `StaleRegistrationStatus` otherwise. */
    readonly update: (
      r: Registration,
      expectedStatus: RegistrationStatus
    ) => Effect.Effect<void, RegistrationWriteError>
    readonly get: (id: RegistrationId) => Effect.Effect<Registration | undefined, StorageError>
    /** The open registration (by stored status) for this normalized email, if any. */
    readonly findOpenByEmail: (email: Email) => Effect.Effect<Registration | undefined, StorageError>
    /** The open registration (by stored status) whose organization name normalizes to the same as `name`. */
    readonly findOpenByOrganizationName: (name: string) => Effect.Effect<Registration | undefined, StorageError>
    /** Registrations in a status, oldest submission first (ties by id), after the cursor. */
    readonly listByStatus: (
      status: RegistrationStatus,
      page: { readonly limit: number; readonly after?: RegistrationCursor | undefined }
    ) => Effect.Effect<ReadonlyArray<Registration>, StorageError>
    /** Unconfirmed registrations whose deadline is not after `now`, oldest deadline first: the sweep's work. */
    readonly listOverdue: (now: DateTime.Utc, limit: number) => Effect.Effect<ReadonlyArray<Registration>, StorageError>
  }
>()("@cloudportal/core/RegistrationStore") {
  static readonly layerMemory = Layer.sync(RegistrationStore)(() => {
    const rows = new MemoryTable<RegistrationId, Registration>()
    const conflict = (r: Registration): EmailAlreadyRegistered | OrganizationAlreadyRegistered | undefined => {
      if (!openRegistrationStatuses.has(r.status)) return undefined
      const name = normalizeOrganizationName(r.organization.name)
      for (const o of rows.values()) {
        if (o.id === r.id || !openRegistrationStatuses.has(o.status)) continue
        if (o.person.email === r.person.email) return new EmailAlreadyRegistered({ email: r.person.email })
        if (normalizeOrganizationName(o.organization.name) === name)
          return new OrganizationAlreadyRegistered({ name: r.organization.name })
      }
      return undefined
    }
    const order = (a: Registration, b: Registration) =>
      DateTime.toEpochMillis(a.submittedAt) - DateTime.toEpochMillis(b.submittedAt) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
    const isAfter = (r: Registration, c: RegistrationCursor) => {
      const d = DateTime.toEpochMillis(r.submittedAt) - DateTime.toEpochMillis(c.submittedAt)
      return d > 0 || (d === 0 && r.id > c.id)
    }
    return {
      insert: (r) =>
        Effect.suspend((): Effect.Effect<void, RegistrationWriteError> => {
          if (rows.get(r.id))
            return Effect.fail(
              new StorageError({ operation: "RegistrationStore.insert", cause: `duplicate id ${r.id}` })
            )
          const refused = conflict(r)
          return refused ? Effect.fail(refused) : rows.set(r.id, r)
        }),
      update: (r, expectedStatus) =>
        Effect.suspend((): Effect.Effect<void, RegistrationWriteError> => {
          const stored = rows.get(r.id)
          if (!stored)
            return Effect.fail(
              new StorageError({ operation: "RegistrationStore.update", cause: `no registration ${r.id}` })
            )
          if (stored.status !== expectedStatus)
            return Effect.fail(
              new StaleRegistrationStatus({ registrationId: r.id, expectedStatus, actualStatus: stored.status })
            )
          const refused = conflict(r)
          return refused ? Effect.fail(refused) : rows.set(r.id, r)
        }),
      get: (id) => Effect.sync(() => rows.get(id)),
      findOpenByEmail: (email) =>
        Effect.sync(() => rows.find((r) => openRegistrationStatuses.has(r.status) && r.person.email === email)),
      findOpenByOrganizationName: (name) =>
        Effect.sync(() => {
          const normalized = normalizeOrganizationName(name)
          return rows.find(
            (r) =>
              openRegistrationStatuses.has(r.status) && normalizeOrganizationName(r.organization.name) === normalized
          )
        }),
      listByStatus: (status, { limit, after }) =>
        Effect.sync(() =>
          rows
            .filter((r) => r.status === status && (after === undefined || isAfter(r, after)))
            .sort(order)
            .slice(0, limit)
        ),
      listOverdue: (now, limit) =>
        Effect.sync(() =>
          rows
            .filter(
              (r) => r.status === "awaitingEmailConfirmation" && !DateTime.isLessThan(now, r.confirmationDeadline)
            )
            .sort(
              (a, b) =>
                DateTime.toEpochMillis(a.confirmationDeadline) - DateTime.toEpochMillis(b.confirmationDeadline) ||
                (a.id < b.id ? -1 : 1)
            )
            .slice(0, limit)
        )
    }
  })
}
