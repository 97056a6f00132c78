export {
  type ConstraintViolation,
  CurrentTransactions,
  constraintViolation,
  type DatabaseKind,
  type DatabaseOptions,
  type Db,
  kindOf,
  type LibsqlConfig,
  LibsqlDatabase,
  layerDatabase,
  makeDatabase
} from "./LibsqlDatabase.ts"
export { layer, layerStores, layerUnitOfWork, type Services } from "./LibsqlStorage.ts"
export { type EmbeddedMigration, migrate, migrations, migrationsTable } from "./Migrator.ts"
export * as schema from "./schema/index.ts"
export * as AccountLibsql from "./stores/AccountLibsql.ts"
export * as AuditLogLibsql from "./stores/AuditLogLibsql.ts"
export * as DevMailboxLibsql from "./stores/DevMailboxLibsql.ts"
export * as EligibilityLibsql from "./stores/EligibilityLibsql.ts"
export * as IdentityLibsql from "./stores/IdentityLibsql.ts"
export * as OfferingLibsql from "./stores/OfferingLibsql.ts"
export * as OrderLibsql from "./stores/OrderLibsql.ts"
export * as OrganizationLibsql from "./stores/OrganizationLibsql.ts"
export * as OutboxLibsql from "./stores/OutboxLibsql.ts"
export * as RateLimiterLibsql from "./stores/RateLimiterLibsql.ts"
export * as RegistrationLibsql from "./stores/RegistrationLibsql.ts"
export * as TermsLibsql from "./stores/TermsLibsql.ts"
