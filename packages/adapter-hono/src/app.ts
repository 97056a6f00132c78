import { Scalar } from "@scalar/hono-api-reference"
import { Hono } from "hono"
import { bodyLimit } from "hono/body-limit"
import { HTTPException } from "hono/http-exception"
import type { Deps } from "./deps.ts"
import { describe, openApiDocument } from "./openapi.ts"
import { type AppOptions, resolveOptions } from "./options.ts"
import { ProblemException } from "./problem.ts"
import { rateLimit } from "./rateLimit.ts"
import { authRoutes } from "./routes/auth.ts"
import { catalogRoutes } from "./routes/catalog.ts"
import { devRoutes } from "./routes/dev.ts"
import { memberRoutes } from "./routes/members.ts"
import { operatorRoutes } from "./routes/operator.ts"
import { orderRoutes } from "./routes/orders.ts"
import { organizationRoutes } from "./routes/organization.ts"
import { partyOrderRoutes } from "./routes/provider.ts"
import { publicRoutes } from "./routes/public.ts"
import { roleRoutes } from "./routes/roles.ts"
import { adapterProblemResponse, type CoreRuntime, makeRunner } from "./runtime.ts"
import { sameOriginForCookieAuth, securityHeaders } from "./security.ts"
import { cookiePolicy, publicUrlOf, requireSession } from "./session.ts"
import { loadShedding } from "./shedding.ts"

/** Every route of the API, relative to the base path: what `hc<AppType>(baseUrlWithBasePath)` is typed by. */
const apiRoutes = (deps: Deps) =>
  new Hono()
    .route("/", publicRoutes(deps))
    .route("/", authRoutes(deps))
    .route("/organization/members", memberRoutes(deps))
    .route("/organization/roles", roleRoutes(deps))
    .route("/organization", organizationRoutes(deps))
    .route("/catalog/offerings", catalogRoutes(deps))
    .route("/orders", orderRoutes(deps))
    .route("/provider", partyOrderRoutes(deps, "provider"))
    .route("/intermediary", partyOrderRoutes(deps, "intermediary"))
    .route("/operator", operatorRoutes(deps))
    // Without dev mode nothing is mounted; the cast keeps one `AppType` (a client calling them gets 404).
    .route("/dev", deps.options.dev ? devRoutes(deps) : (new Hono() as ReturnType<typeof devRoutes>))

/** The type of the API for the typed client: `hc<AppType>("https://portal.example.org/api")`. */
export type AppType = ReturnType<typeof apiRoutes>

const docsCsp =
  "default-src 'none'; script-src 'unsafe-inline' https://cdn.jsdelivr.net; style-src 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; " +
  "font-src https://fonts.gstatic.com https://cdn.jsdelivr.net data:; img-src 'self' data: https:; connect-src 'self'; frame-ancestors 'none'"

export const apiInfo = {
  title: "Cloud-Service-Portal API",
  version: "0.1.0",
  description:
    "The HTTP API of the Cloud-Service-Portal of the Deutsche Verwaltungscloud: registration, accounts and roles, catalog, contract-model eligibility and ordering. Errors are RFC 9457 problem documents with a stable `code`."
}

/**
 * The Hono app over core's use cases. Web-standard only: the same app runs on Node, on workerd and elsewhere.
 * `runtime` is a `ManagedRuntime` of every core service (`layerCoreMemory()` or a storage adapter's layer).
 */
export const createApp = (runtime: CoreRuntime, appOptions: AppOptions = {}) => {
  const options = resolveOptions(appOptions)
  const runner = makeRunner(runtime)
  const deps: Deps = {
    runner,
    options,
    session: requireSession(runner, options),
    limit: rateLimit(runner, options)
  }
  const api = apiRoutes(deps)
  const app = new Hono()

  // Load shedding first: a request turned away costs almost nothing, and the ones let in keep their latency.
  app.use("*", loadShedding(options.maxInFlight))
  app.use("*", securityHeaders)
  app.use(
    "*",
    bodyLimit({
      maxSize: options.bodyLimitBytes,
      onError: (c) =>
        adapterProblemResponse(
          c,
          "PayloadTooLarge",
          `Höchstens ${options.bodyLimitBytes} Bytes / at most ${options.bodyLimitBytes} bytes`
        )
    })
  )
  app.use(
    "*",
    sameOriginForCookieAuth((c) => {
      const url = publicUrlOf(c, options)
      return { cookieName: cookiePolicy(url).name, origin: url.origin }
    })
  )

  const base = options.basePath === "" ? "/" : options.basePath
  app.route(base, api)
  const documented = () => openApiDocument(app.routes, options.basePath, apiInfo)
  app.get(
    `${options.basePath}/openapi.json`,
    describe({
      tag: "Public",
      summary: "This document: OpenAPI 3.1, generated from the routes and core's Schemas",
      success: { status: 200, description: "The OpenAPI document" }
    }),
    (c) => c.json(documented(), 200)
  )
  app.get(
    `${options.basePath}/docs`,
    describe({
      tag: "Public",
      summary: "Interactive API reference",
      success: { status: 200, description: "An HTML page", mediaTypes: ["text/html"] }
    }),
    async (c, next) => {
      await next()
      c.res.headers.set("content-security-policy", docsCsp)
    },
    Scalar({ url: `${options.basePath}/openapi.json`, pageTitle: apiInfo.title })
  )

  app.notFound((c) => adapterProblemResponse(c, "RouteNotFound"))
  app.onError((error, c) => {
    if (error instanceof ProblemException) return error.response
    if (error instanceof HTTPException) {
      if (error.status === 413) return adapterProblemResponse(c, "PayloadTooLarge")
      if (error.status === 400) return adapterProblemResponse(c, "MalformedRequest", error.message)
    }
    runner.logError("unhandled error", {
      method: c.req.method,
      path: c.req.path,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    })
    return adapterProblemResponse(c, "InternalError")
  })
  return app
}
