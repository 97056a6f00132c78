import { Schema } from "effect"
import type { MiddlewareHandler } from "hono"
import { type AdapterProblemCode, adapterProblems, type CoreErrorTag, coreErrors } from "./errors.ts"
import { bodySchemas, querySchemas } from "./validation.ts"

/** What a route tells the OpenAPI document about itself. */
export interface RouteDoc {
  readonly summary: string
  readonly tag: string
  readonly description?: string
  /** "session": cookie or bearer token; "operator": a session of portal staff. */
  readonly auth?: "session" | "operator"
  readonly success: {
    readonly status: number
    readonly description: string
    /** The JSON body, described by the Schema it is encoded with. */
    readonly schema?: Schema.Top
    /** Other media types the route answers with instead of JSON. */
    readonly mediaTypes?: ReadonlyArray<string>
    /** Headers of the answer, e.g. the session cookie. */
    readonly setsCookie?: boolean
    readonly location?: boolean
  }
  /** The problems the route may answer with, beyond 400/401/429/500 which follow from the rest. */
  readonly errors?: ReadonlyArray<CoreErrorTag | AdapterProblemCode>
  /** Rate-limited: 429 with Retry-After. */
  readonly rateLimited?: boolean
}

const docs = new WeakMap<object, RouteDoc>()

/** Attaches documentation to a route; a no-op at request time. */
export const describe = (doc: RouteDoc): MiddlewareHandler => {
  const middleware: MiddlewareHandler = async (_c, next) => {
    await next()
  }
  docs.set(middleware, doc)
  return middleware
}

export interface RouteEntry {
  readonly method: string
  readonly path: string
  readonly handler: unknown
}

// ---------------------------------------------------------------------------------------------------------
// JSON Schema → OpenAPI components

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

const componentName = (definition: string): string => definition.replace(/^@/u, "").replace(/[^A-Za-z0-9._-]+/gu, "_")

const unescapePointer = (segment: string): string => segment.replaceAll("~1", "/").replaceAll("~0", "~")

const rewriteRefs = (value: unknown): Json => {
  if (Array.isArray(value)) return value.map(rewriteRefs)
  if (typeof value === "object" && value !== null) {
    const out: Record<string, Json> = {}
    for (const [key, inner] of Object.entries(value)) {
      if (key === "$ref" && typeof inner === "string" && inner.startsWith("#/$defs/"))
        out[key] = `#/components/schemas/${componentName(unescapePointer(inner.slice("#/$defs/".length)))}`
      else out[key] = rewriteRefs(inner)
    }
    return out
  }
  return value as Json
}

class Components {
  readonly schemas: Record<string, Json> = {}
  private readonly seen = new WeakMap<Schema.Top, Json>()

  /** The JSON Schema of a Schema's JSON form, its named parts moved to `components.schemas`. */
  schemaOf(schema: Schema.Top): Json {
    const known = this.seen.get(schema)
    if (known !== undefined) return known
    const document = Schema.toJsonSchemaDocument(schema)
    for (const [name, definition] of Object.entries(document.definitions))
      this.schemas[componentName(name)] = rewriteRefs(definition)
    const root = rewriteRefs(document.schema)
    this.seen.set(schema, root)
    return root
  }
}

// ---------------------------------------------------------------------------------------------------------
// The document

const problemSchema: Json = {
  type: "object",
  description: "RFC 9457 problem details",
  properties: {
    type: { type: "string", format: "uri" },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string" },
    code: { type: "string", description: "The core error's _tag: stable, for clients to branch on" },
    errors: {
      type: "array",
      items: {
        type: "object",
        properties: { path: { type: "string" }, message: { type: "string" } },
        required: ["path", "message"]
      }
    }
  },
  required: ["type", "title", "status", "detail", "code"]
}

const reasons: Record<number, string> = {
  400: "Malformed or invalid input; `errors` lists every offending field",
  401: "No session or a dead one",
  403: "Not allowed",
  404: "Not found, or not yours",
  409: "Conflict with the current state",
  410: "The link expired or was used",
  413: "Body too large",
  422: "A rule refused the request",
  429: "Rate limited; see Retry-After",
  500: "Internal error",
  501: "Not implemented"
}

const statusOfCode = (code: CoreErrorTag | AdapterProblemCode): number =>
  (code in coreErrors ? coreErrors[code as CoreErrorTag] : adapterProblems[code as AdapterProblemCode]).status

const openApiPath = (path: string): { readonly path: string; readonly params: ReadonlyArray<string> } => {
  const params: Array<string> = []
  const converted = path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/gu, (_m, name: string) => {
    params.push(name)
    return `{${name}}`
  })
  return { path: converted === "" ? "/" : converted, params }
}

export interface OpenApiInfo {
  readonly title: string
  readonly version: string
  readonly description?: string
}

/**
 * The OpenAPI 3.1 document of an app, generated from its routes: each documented route with the Schemas
 * its validators and `describe` carry. Paths are relative to `basePath` (the server URL).
 */
export const openApiDocument = (
  routes: ReadonlyArray<RouteEntry>,
  basePath: string,
  info: OpenApiInfo
): Record<string, Json> => {
  const components = new Components()
  const paths: Record<string, Record<string, Json>> = {}
  const byRoute = new Map<string, { method: string; path: string; handlers: Array<unknown> }>()
  for (const r of routes) {
    if (r.method === "ALL") continue
    const key = `${r.method} ${r.path}`
    const entry = byRoute.get(key) ?? { method: r.method, path: r.path, handlers: [] }
    entry.handlers.push(r.handler)
    byRoute.set(key, entry)
  }
  for (const { method, path, handlers } of byRoute.values()) {
    const doc = handlers.map((h) => docs.get(h as object)).find((d) => d !== undefined)
    if (!doc) continue
    const relative = basePath !== "" && path.startsWith(basePath) ? path.slice(basePath.length) : path
    const { path: oaPath, params } = openApiPath(relative)
    const body = handlers.map((h) => bodySchemas.get(h as object)).find((s) => s !== undefined)
    const query = handlers.map((h) => querySchemas.get(h as object)).find((s) => s !== undefined)
    const parameters: Array<Json> = params.map((name) => ({
      name,
      in: "path",
      required: true,
      schema: { type: "string" }
    }))
    if (query) {
      const schema = components.schemaOf(query) as { properties?: Record<string, Json>; required?: Array<string> }
      for (const [name, property] of Object.entries(schema.properties ?? {}))
        parameters.push({ name, in: "query", required: (schema.required ?? []).includes(name), schema: property })
    }
    const statuses = new Set<number>()
    if (body || query || params.length > 0) statuses.add(400)
    if (doc.auth) statuses.add(401)
    if (doc.auth === "operator") statuses.add(403)
    if (doc.rateLimited) statuses.add(429)
    for (const code of doc.errors ?? []) statuses.add(statusOfCode(code))
    statuses.add(500)
    const successContent: Record<string, Json> = {}
    if (doc.success.schema) successContent["application/json"] = { schema: components.schemaOf(doc.success.schema) }
    for (const mediaType of doc.success.mediaTypes ?? []) successContent[mediaType] = {}
    const successHeaders: Record<string, Json> = {}
    if (doc.success.setsCookie)
      successHeaders["Set-Cookie"] = {
        description: "The session cookie (HttpOnly, Secure, SameSite=Lax, Path=/)",
        schema: { type: "string" }
      }
    if (doc.success.location)
      successHeaders.Location = { description: "Where the browser goes next", schema: { type: "string" } }
    const responses: Record<string, Json> = {
      [String(doc.success.status)]: {
        description: doc.success.description,
        ...(Object.keys(successContent).length > 0 ? { content: successContent } : {}),
        ...(Object.keys(successHeaders).length > 0 ? { headers: successHeaders } : {})
      }
    }
    for (const status of [...statuses].sort()) {
      responses[String(status)] = {
        description: reasons[status] ?? "Problem",
        content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
        ...(status === 429
          ? { headers: { "Retry-After": { description: "Seconds to wait", schema: { type: "integer" } } } }
          : {})
      }
    }
    const operation: Record<string, Json> = {
      operationId: `${method.toLowerCase()}${oaPath.replace(/[^A-Za-z0-9]+(.)?/gu, (_m, c: string | undefined) => (c ?? "").toUpperCase())}`,
      summary: doc.summary,
      tags: [doc.tag],
      ...(doc.description ? { description: doc.description } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(body
        ? { requestBody: { required: true, content: { "application/json": { schema: components.schemaOf(body) } } } }
        : {}),
      responses,
      ...(doc.auth ? { security: [{ bearer: [] }, { sessionCookie: [] }] } : {})
    }
    const item = paths[oaPath] ?? {}
    item[method.toLowerCase()] = operation
    paths[oaPath] = item
  }
  return {
    openapi: "3.1.0",
    info: { title: info.title, version: info.version, ...(info.description ? { description: info.description } : {}) },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    servers: [{ url: basePath === "" ? "/" : basePath }],
    paths,
    components: {
      schemas: { ...components.schemas, Problem: problemSchema },
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "The session token of the login answer" },
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: "__Host-cloudportal-session",
          description: "Set by login; `cloudportal-session` on plain-http localhost"
        }
      }
    }
  }
}
