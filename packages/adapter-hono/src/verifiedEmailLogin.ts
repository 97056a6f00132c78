import {
  AccountStore,
  decodeInput,
  Email,
  type IssuedSession,
  issueSession,
  OrganizationStore,
  UnitOfWork
} from "@cloudportal/core"
import { Effect } from "effect"

/** Why single sign-on did not start a session; none of them says more than login would. */
export type SignOnRefusal =
  | "invalidEmail"
  | "unknownAccount"
  | "passwordResetRequired"
  | "accountDeactivated"
  | "accountNotActive"

export type SignOnResult =
  | { readonly _tag: "SignedIn"; readonly session: IssuedSession }
  | { readonly _tag: "Refused"; readonly reason: SignOnRefusal }

/**
 * Starts a session for the account holding an email an identity provider has verified (DOMAIN §4, SSO
 * extension). Core has no use case for it yet (`Authentication.loginWithVerifiedEmail`), so it is written here
 * over core's exported ports and `issueSession`, inside one unit of work, with the same status checks as
 * `Authentication.login` after a correct password: a migrated account needs „Passwort vergessen" first, a
 * deactivated or invited account cannot sign in, and a member's organization must exist.
 */
export const signInWithVerifiedEmail = (email: string) =>
  Effect.gen(function* () {
    const decoded = yield* decodeInput(Email)(email).pipe(Effect.option)
    if (decoded._tag === "None") return { _tag: "Refused", reason: "invalidEmail" } satisfies SignOnResult
    const uow = yield* UnitOfWork
    return yield* uow.transaction(
      Effect.gen(function* () {
        const refuse = (reason: SignOnRefusal): SignOnResult => ({ _tag: "Refused", reason })
        const account = yield* AccountStore.use((s) => s.findByEmail(decoded.value))
        if (!account) return refuse("unknownAccount")
        if (account.passwordResetRequired) return refuse("passwordResetRequired")
        if (account.status === "deactivated") return refuse("accountDeactivated")
        if (account.status !== "active") return refuse("accountNotActive")
        if (account.kind === "member") {
          const organization =
            account.organizationId === null
              ? undefined
              : yield* OrganizationStore.use((s) => s.get(account.organizationId!))
          if (!organization) return refuse("unknownAccount")
        }
        const session = yield* issueSession(account.id)
        return { _tag: "SignedIn", session } satisfies SignOnResult
      })
    )
  })
