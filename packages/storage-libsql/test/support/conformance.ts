import { freshDatabase, type Target } from "./databases.ts"
import {
  accountStoreSuite,
  addressStoreSuite,
  auditLogSuite,
  linkTokenStoreSuite,
  organizationStoreSuite,
  outboxSuite,
  roleStoreSuite,
  sessionStoreSuite,
  termsSuite,
  unitOfWorkSuite
} from "./suites.ts"

/** Every conformance suite of a port this adapter implements, unchanged, each on a fresh database. */
export const conformance = (target: Target) => {
  const name = `libSQL ${target}`
  unitOfWorkSuite(name, freshDatabase(target))
  auditLogSuite(name, freshDatabase(target))
  outboxSuite(name, freshDatabase(target))
  termsSuite(name, freshDatabase(target))
  organizationStoreSuite(name, freshDatabase(target))
  addressStoreSuite(name, freshDatabase(target))
  accountStoreSuite(name, freshDatabase(target))
  roleStoreSuite(name, freshDatabase(target))
  linkTokenStoreSuite(name, freshDatabase(target))
  sessionStoreSuite(name, freshDatabase(target))
}
