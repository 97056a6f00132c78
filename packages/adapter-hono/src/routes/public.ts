import {
  CaptchaChallenge,
  CaptchaChallenges,
  ConfirmRegistrationInput,
  InvitationAcceptance,
  Members,
  RegistrationInput,
  type RegistrationInputEncoded,
  Registrations,
  ResendConfirmationInput,
  Terms,
  TermsVersion
} from "@cloudportal/core"
import { Effect, Option } from "effect"
import { Hono } from "hono"
import type { Deps } from "../deps.ts"
import { toJson } from "../json.ts"
import { describe } from "../openapi.ts"
import { field } from "../rateLimit.ts"
import { adapterProblemResponse } from "../runtime.ts"
import { noReferrer } from "../security.ts"
import { setSessionCookie } from "../session.ts"
import { jsonBody, jsonBodyCheckedByCore, rawBody } from "../validation.ts"
import { LoggedInJson, RegistrationConfirmedJson, RegistrationSubmittedJson } from "../views.ts"

const tag = "Public"

/**
 * `GET /captcha`: a proof-of-work challenge for the registration form. Issuing stores nothing, so it needs no
 * rate limit; each answer is good once. Without `CaptchaChallenges` in the runtime (development with the
 * development captcha, or another provider) it answers 404.
 */
const captchaRoutes = ({ runner }: Deps) =>
  new Hono().get(
    "/captcha",
    describe({
      tag,
      summary: "A proof-of-work captcha challenge for the registration",
      description:
        "Find the number n from 0 to `maxNumber` with `hex(SHA-256(salt + String(n))) === challenge` and send " +
        "`captcha: { challengeId, answer: String(n) }` with the registration before `expiresAt`. Each challenge " +
        "is good for one registration attempt, right or wrong. No image, no audio, no third party. 404 when this " +
        "deployment issues no proof-of-work challenges (development: `GET /dev/captcha`).",
      success: { status: 200, description: "A fresh challenge; never cached", schema: CaptchaChallenge },
      errors: ["RouteNotFound"]
    }),
    async (c) => {
      const challenge = await runner.run(
        c,
        Effect.serviceOption(CaptchaChallenges).pipe(
          Effect.flatMap(
            Option.match({
              onNone: () => Effect.succeed(undefined),
              onSome: (challenges) => challenges.issue()
            })
          )
        )
      )
      if (!challenge)
        return adapterProblemResponse(
          c,
          "RouteNotFound",
          "Diese Umgebung stellt keine Captcha-Aufgaben / this deployment issues no captcha challenges"
        )
      // A challenge is one person's: no shared cache may hand it to another.
      c.header("cache-control", "no-store")
      return c.json(toJson(CaptchaChallenge, challenge), 200)
    }
  )

/** Registration, its confirmation link, the current CSP-AGB and accepting an invitation: no session needed. */
export const publicRoutes = (deps: Deps) => {
  const { runner, options, limit } = deps
  return (
    new Hono()
      .post(
        "/registrations",
        describe({
          tag,
          summary: "Register an organization (the first authorized person)",
          description:
            "Every missing or invalid field is reported at once, the captcha and the acceptance of the current CSP-AGB included.",
          success: {
            status: 202,
            description: "Submitted; a confirmation link was mailed",
            schema: RegistrationSubmittedJson
          },
          errors: ["OrganizationAlreadyRegistered", "EmailAlreadyRegistered", "NoTermsInForce"],
          rateLimited: true
        }),
        limit("registration", field("person", "email")),
        jsonBodyCheckedByCore(RegistrationInput),
        async (c) => {
          const body = (await rawBody(c)) as RegistrationInputEncoded
          const submitted = await runner.run(
            c,
            Registrations.use((r) => r.submit(body))
          )
          return c.json(toJson(RegistrationSubmittedJson, submitted), 202)
        }
      )
      .post(
        "/registrations/confirm",
        describe({
          tag,
          summary: "Confirm the email address of a registration (the link's token)",
          success: {
            status: 200,
            description: "Forwarded to the operator's review",
            schema: RegistrationConfirmedJson
          },
          errors: ["LinkExpiredOrUsed"]
        }),
        noReferrer,
        jsonBody(ConfirmRegistrationInput),
        async (c) => {
          const body = (await rawBody(c)) as typeof ConfirmRegistrationInput.Encoded
          const confirmed = await runner.run(
            c,
            Registrations.use((r) => r.confirm(body))
          )
          return c.json(toJson(RegistrationConfirmedJson, confirmed), 200)
        }
      )
      .post(
        "/registrations/resend-confirmation",
        describe({
          tag,
          summary: "Mail a new confirmation link; the old one dies",
          description: "Answers the same whatever the email.",
          success: { status: 202, description: "Accepted" },
          rateLimited: true
        }),
        limit("resendConfirmation", field("email")),
        jsonBody(ResendConfirmationInput),
        async (c) => {
          const body = (await rawBody(c)) as typeof ResendConfirmationInput.Encoded
          await runner.run(
            c,
            Registrations.use((r) => r.resendConfirmation(body))
          )
          return c.body(null, 202)
        }
      )
      .get(
        "/terms/current",
        describe({
          tag,
          summary: "The CSP-AGB version in force",
          success: { status: 200, description: "The current version", schema: TermsVersion },
          errors: ["RouteNotFound"]
        }),
        async (c) => {
          const current = await runner.run(
            c,
            Terms.use((t) => t.current()).pipe(
              Effect.map((t) => t as TermsVersion | undefined),
              Effect.catchTag("NoTermsInForce", () => Effect.succeed(undefined))
            )
          )
          if (!current)
            return adapterProblemResponse(c, "RouteNotFound", "Keine CSP-AGB in Kraft / no CSP-AGB version in force")
          return c.json(toJson(TermsVersion, current), 200)
        }
      )
      .post(
        "/invitations/accept",
        describe({
          tag,
          summary: "Accept an invitation: set a password and sign in",
          success: {
            status: 200,
            description: "Signed in; the session cookie carries the same token",
            schema: LoggedInJson,
            setsCookie: true
          },
          errors: ["LinkExpiredOrUsed"]
        }),
        noReferrer,
        jsonBody(InvitationAcceptance),
        async (c) => {
          const body = await rawBody(c)
          const signedIn = await runner.run(
            c,
            Members.use((m) => m.acceptInvitation(body))
          )
          setSessionCookie(c, options, signedIn.session)
          return c.json(toJson(LoggedInJson, signedIn), 200)
        }
      )
      // Left out on request; the cast keeps one `AppType` (a client calling it then gets 404).
      .route("/", options.captchaChallenges ? captchaRoutes(deps) : (new Hono() as ReturnType<typeof captchaRoutes>))
  )
}
