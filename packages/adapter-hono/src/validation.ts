import { InvalidInput } from "@cloudportal/core"
import { sValidator } from "@hono/standard-validator"
import { Schema, SchemaTransformation } from "effect"
import type { Context } from "hono"
import { validator } from "hono/validator"
import { localeOf } from "./locale.ts"
import { type FieldError, problemResponse } from "./problem.ts"
import { problemOfError } from "./runtime.ts"

type PathSegment = PropertyKey | { readonly key: PropertyKey }

const dotted = (path: ReadonlyArray<PathSegment> | undefined): string =>
  (path ?? []).map((p) => String(typeof p === "object" ? p.key : p)).join(".")

/** Field errors as a 400 problem, the same answer core's `InvalidInput` gives. */
export const invalidInputResponse = (c: Context, errors: ReadonlyArray<FieldError>): Response => {
  const answer = problemOfError(InvalidInput.of(...errors), localeOf(c.req.header("accept-language")))!
  return problemResponse(answer.problem, answer.headers)
}

const hook = (
  result: {
    readonly success: boolean
    readonly error?: ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<PathSegment> | undefined }>
  },
  c: Context
) => {
  if (!result.success)
    return invalidInputResponse(
      c,
      (result.error ?? []).map((i) => ({ path: dotted(i.path), message: i.message }))
    )
}

/** Schemas whose routes the OpenAPI generator documents: request body and query per handler. */
export const bodySchemas = new WeakMap<object, Schema.Top>()
export const querySchemas = new WeakMap<object, Schema.Top>()

/**
 * A JSON body checked with one of core's Schemas through Standard Schema: every offending field at once,
 * as a 400 problem. The handler passes the body as it came (core's use cases take encoded input and decode
 * it again, so an embedding app gets the same checks).
 */
export const jsonBody = <S extends Schema.Codec<unknown, unknown>>(schema: S) => {
  const middleware = sValidator("json", Schema.toStandardSchemaV1(schema), hook)
  bodySchemas.set(middleware, schema)
  return middleware
}

/**
 * A JSON body that core checks as a whole because its rules span more than the Schema (registration: captcha
 * and current CSP-AGB; the cart: the offering's plans and properties; in-house declarations: exactly one
 * target). Checking the Schema first would report only part of the issues. Documented with the Schema.
 */
export const jsonBodyCheckedByCore = <S extends Schema.Top>(schema: S) => {
  const middleware = validator("json", (value): S["Encoded"] => value as S["Encoded"])
  bodySchemas.set(middleware, schema)
  return middleware
}

/** Query parameters decoded with an adapter Schema (strings to numbers and booleans). */
export const queryOf = <S extends Schema.Codec<unknown, unknown>>(schema: S) => {
  const middleware = sValidator("query", Schema.toStandardSchemaV1(schema), hook)
  querySchemas.set(middleware, schema)
  return middleware
}

/** The body exactly as the client sent it (Hono caches the parse the validator did). */
export const rawBody = (c: Context): Promise<unknown> => c.req.json<unknown>().catch(() => ({}))

// ---------------------------------------------------------------------------------------------------------
// Query Schemas: what a query string carries, decoded to the form core's list requests take.

const limitMessage = "limit: eine ganze Zahl von 1 bis 200 / limit: an integer from 1 to 200"

export const Limit = Schema.NumberFromString.pipe(
  Schema.check(
    Schema.isInt({ message: limitMessage }),
    Schema.isBetween({ minimum: 1, maximum: 200 }, { message: limitMessage })
  )
)

export const PageQuery = Schema.Struct({
  limit: Schema.optionalKey(Limit),
  cursor: Schema.optionalKey(Schema.String)
})

export const BooleanFromQuery = Schema.Literals(["true", "false"]).pipe(
  Schema.annotate({ message: "true oder false / true or false" }),
  Schema.decodeTo(
    Schema.Boolean,
    SchemaTransformation.transform({
      decode: (s: "true" | "false") => s === "true",
      encode: (b: boolean) => (b ? "true" : "false")
    })
  )
)
