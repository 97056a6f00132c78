import { type Authenticated, Authentication, Unauthenticated } from "@cloudportal/core"
import { DateTime } from "effect"
import type { Context, MiddlewareHandler } from "hono"
import { getCookie, setCookie } from "hono/cookie"
import { localeOf } from "./locale.ts"
import type { ResolvedOptions } from "./options.ts"
import { ProblemException, problemResponse } from "./problem.ts"
import { problemOfError, type Runner } from "./runtime.ts"

export const secureSessionCookie = "__Host-cloudportal-session"
export const plainSessionCookie = "cloudportal-session"

const loopbackHosts = new Set(["localhost", "127.0.0.1", "[::1]"])

/** Plain http on the developer's own machine: the only place a cookie may go without `Secure`. */
export const isPlainLocalhost = (url: URL): boolean =>
  url.protocol === "http:" && (loopbackHosts.has(url.hostname) || url.hostname.endsWith(".localhost"))

/** The origin clients use: the configured public one, or the request's own. */
export const publicUrlOf = (c: Context, options: ResolvedOptions): URL => options.publicBaseUrl ?? new URL(c.req.url)

export interface CookiePolicy {
  readonly name: string
  readonly secure: boolean
}

/** `__Host-` and `Secure` everywhere but on plain-http localhost, where browsers would drop such a cookie. */
export const cookiePolicy = (url: URL): CookiePolicy =>
  isPlainLocalhost(url) ? { name: plainSessionCookie, secure: false } : { name: secureSessionCookie, secure: true }

export const setSessionCookie = (
  c: Context,
  options: ResolvedOptions,
  session: { readonly token: string; readonly expiresAt: DateTime.Utc }
): void => {
  const { name, secure } = cookiePolicy(publicUrlOf(c, options))
  setCookie(c, name, session.token, {
    httpOnly: true,
    secure,
    sameSite: "Lax",
    path: "/",
    expires: new Date(DateTime.toEpochMillis(session.expiresAt))
  })
}

export const clearSessionCookie = (c: Context, options: ResolvedOptions): void => {
  const { name, secure } = cookiePolicy(publicUrlOf(c, options))
  setCookie(c, name, "", { httpOnly: true, secure, sameSite: "Lax", path: "/", maxAge: 0 })
}

const bearer = /^Bearer\s+(\S+)\s*$/iu

/**
 * The session token a request presents: `Authorization: Bearer …` first (a browser cannot forge that header
 * cross-site, so it never needs the CSRF check), else the session cookie.
 */
export const presentedToken = (
  c: Context,
  options: ResolvedOptions
): { readonly token: string; readonly via: "bearer" | "cookie" } | undefined => {
  const header = c.req.header("authorization")
  if (header !== undefined) {
    const match = bearer.exec(header)
    return match?.[1] ? { token: match[1], via: "bearer" } : undefined
  }
  const cookie = getCookie(c, cookiePolicy(publicUrlOf(c, options)).name)
  return cookie ? { token: cookie, via: "cookie" } : undefined
}

/** The signed-in caller of a request, as `Authentication.authenticate` found it, with the token it presented. */
export interface SessionHolder extends Authenticated {
  readonly token: string
}

export interface SessionEnv {
  Variables: { session: SessionHolder }
}

const unauthenticated = (c: Context): ProblemException => {
  const answer = problemOfError(new Unauthenticated(), localeOf(c.req.header("accept-language")))!
  return new ProblemException(problemResponse(answer.problem, answer.headers))
}

/** The token a request presents, or the 401 problem thrown: for routes that hand the token to core themselves. */
export const tokenOrUnauthenticated = (c: Context, options: ResolvedOptions): string => {
  const presented = presentedToken(c, options)
  if (!presented) throw unauthenticated(c)
  return presented.token
}

/** Every signed-in route: a live session, or 401. Core re-reads the actor inside each use case. */
export const requireSession =
  (runner: Runner, options: ResolvedOptions): MiddlewareHandler<SessionEnv> =>
  async (c, next) => {
    const presented = presentedToken(c, options)
    if (!presented) throw unauthenticated(c)
    const holder = await runner.run(
      c,
      Authentication.use((auth) => auth.authenticate(presented.token))
    )
    c.set("session", { ...holder, token: presented.token })
    await next()
  }
