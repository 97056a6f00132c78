import { Effect, Layer } from "effect"
import {
  type AccountStore,
  type AddressStore,
  type AuditLog,
  type LinkTokenStore,
  type OrganizationStore,
  type Outbox,
  type RoleStore,
  type SessionStore,
  type StorageError,
  type TermsStore,
  UnitOfWork
} from "./internal/core.ts"
import { type LibsqlConfig, LibsqlDatabase, layerDatabase } from "./LibsqlDatabase.ts"
import * as AccountLibsql from "./stores/AccountLibsql.ts"
import * as AuditLogLibsql from "./stores/AuditLogLibsql.ts"
import * as IdentityLibsql from "./stores/IdentityLibsql.ts"
import * as OrganizationLibsql from "./stores/OrganizationLibsql.ts"
import * as OutboxLibsql from "./stores/OutboxLibsql.ts"
import * as TermsLibsql from "./stores/TermsLibsql.ts"

/** The unit of work on libSQL: one write transaction that every store of the same database joins. */
export const layerUnitOfWork: Layer.Layer<UnitOfWork, never, LibsqlDatabase> = Layer.effect(
  UnitOfWork,
  Effect.gen(function* () {
    const db = yield* LibsqlDatabase
    return UnitOfWork.of({ transaction: db.transaction })
  })
)

/** Every port this adapter implements. */
export type Services =
  | UnitOfWork
  | AuditLog
  | Outbox
  | TermsStore
  | OrganizationStore
  | AddressStore
  | AccountStore
  | RoleStore
  | LinkTokenStore
  | SessionStore

/** Every port on a database provided from elsewhere (e.g. a `LibsqlDatabase` shared with other code). */
export const layerStores: Layer.Layer<Services, never, LibsqlDatabase> = Layer.mergeAll(
  layerUnitOfWork,
  AuditLogLibsql.layer,
  OutboxLibsql.layer,
  TermsLibsql.layer,
  OrganizationLibsql.layer,
  OrganizationLibsql.layerAddresses,
  AccountLibsql.layer,
  AccountLibsql.layerRoles,
  IdentityLibsql.layerLinkTokens,
  IdentityLibsql.layerSessions
)

/**
 * Every port of core on one libSQL database (`:memory:`, `file:`, `http(s)://`, `libsql://`), migrated
 * on start. The client closes when the layer's scope closes.
 */
export const layer = (config: LibsqlConfig): Layer.Layer<Services | LibsqlDatabase, StorageError> =>
  layerStores.pipe(Layer.provideMerge(layerDatabase(config)))
