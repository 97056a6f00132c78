import type { Context, MiddlewareHandler } from "hono"
import { adapterProblemResponse } from "./runtime.ts"

/** Headers every answer carries: an API that serves no HTML to embed needs none of the permissive defaults. */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next()
  const h = c.res.headers
  h.set("x-content-type-options", "nosniff")
  h.set("x-frame-options", "DENY")
  h.set("cross-origin-opener-policy", "same-origin")
  h.set("cross-origin-resource-policy", "same-origin")
  if (!h.has("content-security-policy")) h.set("content-security-policy", "default-src 'none'; frame-ancestors 'none'")
  if (!h.has("referrer-policy")) h.set("referrer-policy", "strict-origin-when-cross-origin")
  if (!h.has("cache-control")) h.set("cache-control", "no-store")
  if (new URL(c.req.url).protocol === "https:")
    h.set("strict-transport-security", "max-age=63072000; includeSubDomains")
}

/** Routes that take or carry a link secret: the token must not leak through the Referer header. */
export const noReferrer: MiddlewareHandler = async (c, next) => {
  await next()
  c.res.headers.set("referrer-policy", "no-referrer")
}

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"])

/**
 * CSRF: an unsafe request authenticated by the session cookie must come from our own origin.
 * Bearer-token requests cannot be forged by a browser and pass; so do requests without the cookie.
 */
export const sameOriginForCookieAuth =
  (policy: (c: Context) => { readonly cookieName: string; readonly origin: string }): MiddlewareHandler =>
  async (c, next) => {
    if (safeMethods.has(c.req.method) || c.req.header("authorization") !== undefined) return next()
    const { cookieName, origin } = policy(c)
    const cookie = c.req.header("cookie") ?? ""
    const usesCookie = cookie.split(/;\s*/u).some((part) => part.startsWith(`${cookieName}=`))
    if (!usesCookie || c.req.header("origin") === origin) return next()
    return adapterProblemResponse(
      c,
      "CrossOriginRequest",
      "Cookie-authenticated requests that change state need a same-origin Origin header / " +
        "Zustandsändernde Anfragen mit Sitzungs-Cookie brauchen einen Origin-Header derselben Herkunft."
    )
  }
