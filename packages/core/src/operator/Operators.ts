import { Context, DateTime, Effect, Layer, Schema } from "effect"
import { Password } from "../identity/Password.ts"
import { PasswordHasher } from "../identity/PasswordHasher.ts"
import { system } from "../kernel/Actor.ts"
import { type AuditLog, portalChain, record } from "../kernel/Audit.ts"
import { Email } from "../kernel/Email.ts"
import { decodeInput, type InvalidInput, type StorageError } from "../kernel/Errors.ts"
import type { AccountId } from "../kernel/Ids.ts"
import { newId, type SecureRandom } from "../kernel/SecureRandom.ts"
import { UnitOfWork } from "../kernel/UnitOfWork.ts"
import { Account } from "../members/Account.ts"
import { AccountStore, type EmailAlreadyRegistered, type MainAdminConflict } from "../members/AccountStore.ts"
import { FirstName, LastName } from "../members/Membership.ts"

/** The first operator of an installation: given by its configuration, since nobody exists yet who could invite one. */
export const OperatorBootstrapInput = Schema.Struct({
  email: Email,
  firstName: FirstName,
  lastName: LastName,
  password: Password
})

/**
 * Portal staff accounts (Betreiber / DVC support). They belong to no organization; they approve registrations,
 * change names and legal forms, reassign main admins, publish CSP-AGB versions and thresholds.
 */
export class Operators extends Context.Service<
  Operators,
  {
    /**
     * Creates the operator account if none with that email exists; an existing operator is returned unchanged
     * (its password is never overwritten from configuration). Idempotent, for start-up.
     */
    readonly ensure: (
      input: typeof OperatorBootstrapInput.Encoded
    ) => Effect.Effect<Account, InvalidInput | EmailAlreadyRegistered | MainAdminConflict | StorageError>
  }
>()("@cloudportal/core/Operators") {
  static readonly layer = Layer.effect(
    Operators,
    Effect.gen(function* () {
      const context = yield* Effect.context<AccountStore | PasswordHasher | UnitOfWork | AuditLog | SecureRandom>()
      const accounts = yield* AccountStore
      const hasher = yield* PasswordHasher
      const uow = yield* UnitOfWork

      const ensure = Effect.fn("Operators.ensure")(function* (raw: typeof OperatorBootstrapInput.Encoded) {
        const input = yield* decodeInput(OperatorBootstrapInput)(raw)
        const existing = yield* accounts.findByEmail(input.email)
        if (existing?.kind === "operator") return existing
        const passwordHash = yield* hasher.hash(input.password)
        const id = yield* newId<AccountId>("acc")
        return yield* uow.transaction(
          Effect.gen(function* () {
            const now = yield* DateTime.now
            const account = new Account({
              id,
              kind: "operator",
              organizationId: null,
              email: input.email,
              firstName: input.firstName,
              lastName: input.lastName,
              status: "active",
              isMainAdmin: false,
              roleIds: [],
              passwordHash,
              passwordResetRequired: false,
              createdAt: now,
              updatedAt: now
            })
            // A member account with that email makes the insert fail with EmailAlreadyRegistered.
            yield* accounts.insert(account)
            yield* record({
              chain: portalChain,
              actor: system,
              action: "operator.created",
              subject: { type: "account", id },
              before: null,
              after: { email: account.email, firstName: account.firstName, lastName: account.lastName }
            })
            return account
          })
        )
      }, Effect.provideContext(context))

      return { ensure }
    })
  )
}
