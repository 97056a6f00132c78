import { Authentication, type IssuedSession } from "@cloudportal/core"
import { Effect } from "effect"

/** Why single sign-on did not start a session; none of them says more than login would. */
export type SignOnRefusal = "unknownAccount" | "passwordResetRequired" | "accountDeactivated"

export type SignOnResult =
  | { readonly _tag: "SignedIn"; readonly session: IssuedSession }
  | { readonly _tag: "Refused"; readonly reason: SignOnRefusal }

const refused = (reason: SignOnRefusal) => Effect.succeed<SignOnResult>({ _tag: "Refused", reason })

/** The OIDC callback's answer: core's `Authentication.signInWithVerifiedEmail`, its refusals as redirect reasons. */
export const signInWithVerifiedEmail = (email: string) =>
  Authentication.use((a) => a.signInWithVerifiedEmail(email)).pipe(
    Effect.map((signedIn): SignOnResult => ({ _tag: "SignedIn", session: signedIn.session })),
    Effect.catchTags({
      InvalidCredentials: () => refused("unknownAccount"),
      PasswordResetRequired: () => refused("passwordResetRequired"),
      AccountDeactivated: () => refused("accountDeactivated")
    })
  )
