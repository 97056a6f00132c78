import { Authentication, LoginInput, PasswordResetConfirmInput, PasswordResetRequestInput } from "@cloudportal/core"
import { type Context, Hono } from "hono"
import { deleteCookie, getCookie, setCookie } from "hono/cookie"
import type { Deps } from "../deps.ts"
import { toJson } from "../json.ts"
import {
  decodePending,
  encodePending,
  newPendingSignOn,
  OidcFailure,
  OidcProvider,
  pendingSignOnSeconds,
  sameText
} from "../oidc.ts"
import { describe } from "../openapi.ts"
import { field } from "../rateLimit.ts"
import { adapterProblemResponse } from "../runtime.ts"
import { noReferrer } from "../security.ts"
import {
  clearSessionCookie,
  cookiePolicy,
  presentedToken,
  publicUrlOf,
  setSessionCookie,
  tokenOrUnauthenticated
} from "../session.ts"
import { jsonBody, rawBody } from "../validation.ts"
import { signInWithVerifiedEmail } from "../verifiedEmailLogin.ts"
import { LoggedInJson, SignedInJson } from "../views.ts"

const tag = "Authentication"

/** Login, logout, „Passwort vergessen", who am I, and single sign-on. */
export const authRoutes = ({ runner, options, limit }: Deps) => {
  const providers = new Map(
    (options.oidc?.providers ?? []).map((config) => [config.id, new OidcProvider(config, () => Date.now())])
  )

  const pendingCookie = (c: Context) => {
    const policy = cookiePolicy(publicUrlOf(c, options))
    return { name: policy.secure ? "__Host-cloudportal-oidc" : "cloudportal-oidc", secure: policy.secure }
  }

  const redirectUri = (c: Context, id: string) =>
    `${publicUrlOf(c, options).origin}${options.basePath}/auth/oidc/${encodeURIComponent(id)}/callback`

  const refuse = (c: Context, reason: string) => {
    runner.logWarning("single sign-on refused", { reason, path: c.req.path })
    const target = options.oidc?.errorRedirect
    if (target) {
      const url = new URL(target, publicUrlOf(c, options))
      url.searchParams.set("error", reason)
      return c.redirect(url.toString(), 302)
    }
    return adapterProblemResponse(
      c,
      "SingleSignOnRefused",
      "Anmeldung nur für ein aktives Konto mit derselben, vom Identitätsanbieter bestätigten E-Mail-Adresse / " +
        "only an active account with the same email, verified by the identity provider, can sign in",
      { reason }
    )
  }

  return new Hono()
    .post(
      "/auth/login",
      describe({
        tag,
        summary: "Sign in with email and password",
        description:
          "401 for an unknown email or a wrong password alike; only after the right password does the answer say why a known person cannot sign in.",
        success: {
          status: 200,
          description: "Signed in; the session cookie carries the same token",
          schema: LoggedInJson,
          setsCookie: true
        },
        errors: ["InvalidCredentials", "PasswordResetRequired", "AccountDeactivated", "RegistrationNotApproved"],
        rateLimited: true
      }),
      limit("login", field("email")),
      jsonBody(LoginInput),
      async (c) => {
        const body = (await rawBody(c)) as typeof LoginInput.Encoded
        const loggedIn = await runner.run(
          c,
          Authentication.use((a) => a.login(body))
        )
        setSessionCookie(c, options, loggedIn.session)
        return c.json(toJson(LoggedInJson, loggedIn), 200)
      }
    )
    .post(
      "/auth/logout",
      describe({ tag, summary: "End the session", success: { status: 204, description: "Signed out" } }),
      async (c) => {
        const presented = presentedToken(c, options)
        if (presented)
          await runner.run(
            c,
            Authentication.use((a) => a.logout(presented.token))
          )
        clearSessionCookie(c, options)
        return c.body(null, 204)
      }
    )
    .post(
      "/auth/password-reset",
      describe({
        tag,
        summary: "„Passwort vergessen“: mail a reset link",
        description: "Answers the same, in the same time, whether or not the email exists.",
        success: { status: 202, description: "Accepted" },
        rateLimited: true
      }),
      limit("passwordReset", field("email")),
      jsonBody(PasswordResetRequestInput),
      async (c) => {
        const body = (await rawBody(c)) as typeof PasswordResetRequestInput.Encoded
        await runner.run(
          c,
          Authentication.use((a) => a.requestPasswordReset(body))
        )
        return c.body(null, 202)
      }
    )
    .post(
      "/auth/password-reset/confirm",
      describe({
        tag,
        summary: "Set a new password with the reset link's token",
        description: "Ends every session of the account; no automatic login.",
        success: { status: 204, description: "Password set" },
        errors: ["LinkExpiredOrUsed"]
      }),
      noReferrer,
      jsonBody(PasswordResetConfirmInput),
      async (c) => {
        const body = (await rawBody(c)) as typeof PasswordResetConfirmInput.Encoded
        await runner.run(
          c,
          Authentication.use((a) => a.confirmPasswordReset(body))
        )
        return c.body(null, 204)
      }
    )
    .get(
      "/me",
      describe({
        tag,
        summary: "The signed-in account, its organization and permissions",
        auth: "session",
        success: { status: 200, description: "Who is signed in", schema: SignedInJson }
      }),
      // No session middleware: `me` checks the session itself, with the same one read of session, account,
      // organization and roles, so the request does not pay for that read twice.
      async (c) => {
        const token = tokenOrUnauthenticated(c, options)
        const me = await runner.run(
          c,
          Authentication.use((a) => a.me(token))
        )
        return c.json(toJson(SignedInJson, me), 200)
      }
    )
    .get(
      "/auth/oidc/:provider",
      describe({
        tag,
        summary: "Start single sign-on with an identity provider",
        success: { status: 302, description: "To the identity provider", location: true },
        errors: ["RouteNotFound"]
      }),
      async (c) => {
        const provider = providers.get(c.req.param("provider"))
        if (!provider)
          return adapterProblemResponse(
            c,
            "RouteNotFound",
            "Unbekannter Identitätsanbieter / unknown identity provider"
          )
        const pending = newPendingSignOn(provider.config.id)
        let url: URL
        try {
          url = await provider.authorizationUrl(
            redirectUri(c, provider.config.id),
            pending.state,
            pending.nonce,
            pending.verifier
          )
        } catch (e) {
          return refuse(c, e instanceof OidcFailure ? e.reason : "providerUnavailable")
        }
        const cookie = pendingCookie(c)
        setCookie(c, cookie.name, encodePending(pending), {
          httpOnly: true,
          secure: cookie.secure,
          // Lax: the cookie must come along on the provider's top-level redirect back to the callback.
          sameSite: "Lax",
          path: "/",
          maxAge: pendingSignOnSeconds
        })
        c.header("referrer-policy", "no-referrer")
        return c.redirect(url.toString(), 302)
      }
    )
    .get(
      "/auth/oidc/:provider/callback",
      describe({
        tag,
        summary: "The identity provider's redirect back: signs in an existing account with the same verified email",
        success: { status: 302, description: "Signed in; on to the application", location: true, setsCookie: true },
        errors: ["SingleSignOnRefused", "RouteNotFound"]
      }),
      noReferrer,
      async (c) => {
        const provider = providers.get(c.req.param("provider"))
        if (!provider)
          return adapterProblemResponse(
            c,
            "RouteNotFound",
            "Unbekannter Identitätsanbieter / unknown identity provider"
          )
        const cookie = pendingCookie(c)
        const pending = decodePending(getCookie(c, cookie.name))
        deleteCookie(c, cookie.name, { path: "/", secure: cookie.secure })
        const state = c.req.query("state")
        const code = c.req.query("code")
        if (!pending || pending.provider !== provider.config.id || !state || !sameText(state, pending.state))
          return refuse(c, "wrongState")
        if (c.req.query("error") !== undefined || !code) return refuse(c, "providerRefused")
        let email: string
        try {
          const idToken = await provider.idToken(redirectUri(c, provider.config.id), code, pending.verifier)
          ;({ email } = await provider.verify(idToken, pending.nonce))
        } catch (e) {
          return refuse(c, e instanceof OidcFailure ? e.reason : "providerUnavailable")
        }
        const result = await runner.run(c, signInWithVerifiedEmail(email))
        if (result._tag === "Refused") return refuse(c, result.reason)
        setSessionCookie(c, options, result.session)
        const target = new URL(options.oidc?.successRedirect ?? "/", publicUrlOf(c, options))
        return c.redirect(target.toString(), 302)
      }
    )
}
