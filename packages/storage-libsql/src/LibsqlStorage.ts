import { Effect, Layer } from "effect"
import {
  type AccountStore,
  type AddressStore,
  type AuditLog,
  type ContractFolderStore,
  type DevMailbox,
  type InhouseDeclarationStore,
  type LinkTokenStore,
  type OfferingStore,
  type OrderStore,
  type OrganizationStore,
  type Outbox,
  type RateLimiter,
  type RegistrationStore,
  type RoleStore,
  type SessionStore,
  type StorageError,
  type TermsStore,
  type ThresholdStore,
  UnitOfWork
} from "./internal/core.ts"
import { type LibsqlConfig, LibsqlDatabase, layerDatabase } from "./LibsqlDatabase.ts"
import * as AccountLibsql from "./stores/AccountLibsql.ts"
import * as AuditLogLibsql from "./stores/AuditLogLibsql.ts"
import * as DevMailboxLibsql from "./stores/DevMailboxLibsql.ts"
import * as EligibilityLibsql from "./stores/EligibilityLibsql.ts"
import * as IdentityLibsql from "./stores/IdentityLibsql.ts"
import * as OfferingLibsql from "./stores/OfferingLibsql.ts"
import * as OrderLibsql from "./stores/OrderLibsql.ts"
import * as OrganizationLibsql from "./stores/OrganizationLibsql.ts"
import * as OutboxLibsql from "./stores/OutboxLibsql.ts"
import * as RateLimiterLibsql from "./stores/RateLimiterLibsql.ts"
import * as RegistrationLibsql from "./stores/RegistrationLibsql.ts"
import * as TermsLibsql from "./stores/TermsLibsql.ts"

/** The unit of work on libSQL: one write transaction that every store of the same database joins. */
export const layerUnitOfWork: Layer.Layer<UnitOfWork, never, LibsqlDatabase> = Layer.effect(
  UnitOfWork,
  Effect.gen(function* () {
    const db = yield* LibsqlDatabase
    return UnitOfWork.of({ transaction: db.transaction })
  })
)

/** Every port this adapter implements: every store port of core (`storesMemory` provides the same set). */
export type Services =
  | UnitOfWork
  | AuditLog
  | Outbox
  | RateLimiter
  | TermsStore
  | RegistrationStore
  | LinkTokenStore
  | SessionStore
  | OrganizationStore
  | AddressStore
  | AccountStore
  | RoleStore
  | OfferingStore
  | InhouseDeclarationStore
  | ThresholdStore
  | OrderStore
  | ContractFolderStore
  | DevMailbox

/** Every port on a database provided from elsewhere (e.g. a `LibsqlDatabase` shared with other code). */
export const layerStores: Layer.Layer<Services, never, LibsqlDatabase> = Layer.mergeAll(
  layerUnitOfWork,
  AuditLogLibsql.layer,
  OutboxLibsql.layer,
  RateLimiterLibsql.layer,
  TermsLibsql.layer,
  RegistrationLibsql.layer,
  IdentityLibsql.layerLinkTokens,
  IdentityLibsql.layerSessions,
  OrganizationLibsql.layer,
  OrganizationLibsql.layerAddresses,
  AccountLibsql.layer,
  AccountLibsql.layerRoles,
  OfferingLibsql.layer,
  EligibilityLibsql.layerInhouseDeclarations,
  EligibilityLibsql.layerThresholds,
  OrderLibsql.layer,
  OrderLibsql.layerContractFolders,
  DevMailboxLibsql.layer
)

/**
 * Every store port of core on one libSQL database (`:memory:`, `file:`, `http(s)://`, `libsql://`),
 * migrated on start. The client closes when the layer's scope closes.
 */
export const layer = (config: LibsqlConfig): Layer.Layer<Services | LibsqlDatabase, StorageError> =>
  layerStores.pipe(Layer.provideMerge(layerDatabase(config)))
