import {
  accountStoreSuite,
  addressStoreSuite,
  auditLogSuite,
  contractFolderStoreSuite,
  devMailboxSuite,
  inhouseDeclarationStoreSuite,
  linkTokenStoreSuite,
  offeringStoreSuite,
  orderStoreSuite,
  organizationStoreSuite,
  outboxSuite,
  rateLimiterSuite,
  registrationStoreSuite,
  roleStoreSuite,
  sessionStoreSuite,
  termsSuite,
  thresholdStoreSuite,
  unitOfWorkSuite
} from "@cloudportal/core/testing"
import { Layer } from "effect"
import { freshDatabase, type Target } from "./databases.ts"

/** Every conformance suite of core's store ports, unchanged, each on a fresh database. */
export const conformance = (target: Target) => {
  const name = `libSQL ${target}`
  unitOfWorkSuite(name, freshDatabase(target))
  auditLogSuite(name, freshDatabase(target))
  outboxSuite(name, freshDatabase(target))
  rateLimiterSuite(name, freshDatabase(target))
  termsSuite(name, freshDatabase(target))
  registrationStoreSuite(name, freshDatabase(target))
  organizationStoreSuite(name, freshDatabase(target))
  addressStoreSuite(name, freshDatabase(target))
  accountStoreSuite(name, freshDatabase(target))
  roleStoreSuite(name, freshDatabase(target))
  linkTokenStoreSuite(name, freshDatabase(target))
  sessionStoreSuite(name, freshDatabase(target))
  offeringStoreSuite(name, freshDatabase(target))
  inhouseDeclarationStoreSuite(name, freshDatabase(target))
  thresholdStoreSuite(name, freshDatabase(target))
  orderStoreSuite(name, freshDatabase(target))
  contractFolderStoreSuite(name, freshDatabase(target))
  // The suite's layer may not fail; a database that does not open fails the suite's setup all the same.
  devMailboxSuite(name, Layer.orDie(freshDatabase(target)))
}
