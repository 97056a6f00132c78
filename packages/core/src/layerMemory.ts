import { Layer } from "effect"
import { AuditTrail } from "./audit/AuditTrail.ts"
import { Catalog } from "./catalog/Catalog.ts"
import { OfferingStore } from "./catalog/OfferingStore.ts"
import { InhouseDeclarationStore } from "./eligibility/InhouseDeclarationStore.ts"
import { InhouseDeclarations } from "./eligibility/InhouseDeclarations.ts"
import { InhouseGraphs } from "./eligibility/InhouseGraph.ts"
import { ThresholdStore } from "./eligibility/ThresholdStore.ts"
import { Thresholds } from "./eligibility/Thresholds.ts"
import { Authentication } from "./identity/Authentication.ts"
import { DevCaptcha } from "./identity/Captcha.ts"
import { LinkTokenStore } from "./identity/LinkToken.ts"
import type { Pbkdf2Options } from "./identity/PasswordHasher.ts"
import { PasswordHasher } from "./identity/PasswordHasher.ts"
import { SessionStore } from "./identity/Session.ts"
import { AuditLog } from "./kernel/Audit.ts"
import { Outbox } from "./kernel/Outbox.ts"
import { RateLimiter } from "./kernel/RateLimiter.ts"
import { SecureRandom } from "./kernel/SecureRandom.ts"
import { unitOfWorkMemory } from "./kernel/UnitOfWork.ts"
import { AccountStore, RoleStore } from "./members/AccountStore.ts"
import { Members } from "./members/Members.ts"
import { Roles } from "./members/Roles.ts"
import { MigrationImport } from "./migration/Import.ts"
import { DevMailbox } from "./notifications/DevMailbox.ts"
import { Operators } from "./operator/Operators.ts"
import { ContractFolderStore, DocumentRenderer } from "./orders/ContractFolder.ts"
import { Ordering } from "./orders/Ordering.ts"
import { OrderStore } from "./orders/OrderStore.ts"
import { Addresses } from "./organization/Addresses.ts"
import { OrganizationProfile } from "./organization/OrganizationProfile.ts"
import { AddressStore, OrganizationStore } from "./organization/OrganizationStore.ts"
import { RegistrationStore } from "./registration/RegistrationStore.ts"
import { Registrations } from "./registration/Registrations.ts"
import { Terms, TermsStore } from "./terms/Terms.ts"

/** Every store port in memory: one process, no persistence. Storage adapters provide the same set. */
export const storesMemory = Layer.mergeAll(
  unitOfWorkMemory,
  AuditLog.layerMemory,
  Outbox.layerMemory,
  RateLimiter.layerMemory,
  TermsStore.layerMemory,
  RegistrationStore.layerMemory,
  LinkTokenStore.layerMemory,
  SessionStore.layerMemory,
  OrganizationStore.layerMemory,
  AddressStore.layerMemory,
  AccountStore.layerMemory,
  RoleStore.layerMemory,
  OfferingStore.layerMemory,
  InhouseDeclarationStore.layerMemory,
  ThresholdStore.layerMemory,
  OrderStore.layerMemory,
  ContractFolderStore.layerMemory,
  DevMailbox.layerMemory
)

/** Every use case of core, over whichever stores and platform ports are provided. */
export const useCases = Layer.mergeAll(
  Registrations.layer,
  Authentication.layer,
  OrganizationProfile.layer,
  Addresses.layer,
  Members.layer,
  Roles.layer,
  Catalog.layer,
  InhouseDeclarations.layer,
  Ordering.layer,
  Operators.layer,
  AuditTrail.layer,
  MigrationImport.layer
).pipe(
  Layer.provideMerge(Layer.mergeAll(Terms.layer, Thresholds.layer, InhouseGraphs.layer, InhouseDeclarations.layerCount))
)

export interface PlatformOptions {
  /** PBKDF2 parameters of the default, edge-safe password hasher (tests pass fewer iterations). */
  readonly passwordHashing?: Pbkdf2Options
}

/** The platform ports with their Web-standard defaults: Web Crypto randomness and hashing, dev captcha, text summary. */
export const platformDefaults = (options: PlatformOptions = {}) =>
  Layer.mergeAll(
    PasswordHasher.layerWebCrypto(options.passwordHashing),
    DevCaptcha.layer,
    DocumentRenderer.layerPlainText
  ).pipe(Layer.provideMerge(SecureRandom.layerWebCrypto))

/** The whole core in memory: for tests, demos and embedding without a database. */
export const layerCoreMemory = (options: PlatformOptions = {}) =>
  useCases.pipe(Layer.provideMerge(storesMemory), Layer.provideMerge(platformDefaults(options)))

export type CoreServices = Layer.Success<ReturnType<typeof layerCoreMemory>>

// Fails the type-check when a use case needs a service that no layer above provides.
const _complete: Layer.Layer<CoreServices> = layerCoreMemory()
