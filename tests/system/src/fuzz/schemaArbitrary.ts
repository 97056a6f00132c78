import fc from "fast-check"

/** The part of JSON Schema 2020-12 the OpenAPI document of the API uses. */
export interface JsonSchema {
  readonly $ref?: string
  readonly type?: string | ReadonlyArray<string>
  readonly enum?: ReadonlyArray<unknown>
  readonly const?: unknown
  readonly anyOf?: ReadonlyArray<JsonSchema>
  readonly oneOf?: ReadonlyArray<JsonSchema>
  readonly allOf?: ReadonlyArray<JsonSchema>
  readonly properties?: Readonly<Record<string, JsonSchema>>
  readonly required?: ReadonlyArray<string>
  readonly additionalProperties?: boolean | JsonSchema
  readonly items?: JsonSchema
  readonly prefixItems?: ReadonlyArray<JsonSchema>
  readonly minItems?: number
  readonly maxItems?: number
  readonly minLength?: number
  readonly maxLength?: number
  readonly pattern?: string
  readonly format?: string
  readonly minimum?: number
  readonly maximum?: number
  readonly exclusiveMinimum?: number
  readonly exclusiveMaximum?: number
}

export type Definitions = Readonly<Record<string, JsonSchema>>

/** Values a property's name suggests (an email for `email`, a known id for `offeringId`), beside the schema's. */
export type Hint = (property: string, schema: JsonSchema) => fc.Arbitrary<unknown> | undefined

/** Strings a person might type, and strings an attacker would: control characters, RTL marks, astral symbols. */
const oddText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "a\u0000b",
    "\u202Eevil",
    "😀".repeat(5),
    "Ä".normalize("NFD"),
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00",
    "\u0024{jndi:ldap://x}",
    "null",
    "true",
    "0",
    "-1",
    "1e309",
    "__proto__"
  )
)

const patternArbitrary = (pattern: string): fc.Arbitrary<string> => {
  try {
    const regex = new RegExp(pattern, "u")
    return fc.stringMatching(regex)
  } catch {
    return fc.string({ maxLength: 40 })
  }
}

const stringArbitrary = (s: JsonSchema): fc.Arbitrary<string> => {
  if (s.format === "date-time") return fc.date({ noInvalidDate: true }).map((d) => d.toISOString())
  if (s.format === "uri") return fc.webUrl()
  if (s.format === "email") return fc.emailAddress()
  const min = s.minLength ?? 0
  const max = Math.min(s.maxLength ?? Math.max(min, 40), Math.max(min, 200))
  const base = s.pattern !== undefined ? patternArbitrary(s.pattern) : fc.string({ minLength: min, maxLength: max })
  return base.filter((x) => x.length >= min && (s.maxLength === undefined || x.length <= s.maxLength))
}

/**
 * Values that fit the schema (as far as the schema says: core checks more than JSON Schema can express, so many
 * of them are still refused, which is what a fuzzer wants too). `depth` bounds recursive schemas.
 */
export const fromSchema = (
  schema: JsonSchema,
  definitions: Definitions,
  hint: Hint = () => undefined,
  depth = 0
): fc.Arbitrary<unknown> => {
  if (depth > 8) return fc.constant(null)
  const next = (s: JsonSchema) => fromSchema(s, definitions, hint, depth + 1)
  if (schema.$ref !== undefined) {
    const name = schema.$ref.replace(/^#\/components\/schemas\//u, "").replace(/^#\/\$defs\//u, "")
    const target = definitions[name]
    return target ? fromSchema(target, definitions, hint, depth + 1) : fc.constant(null)
  }
  if (schema.const !== undefined) return fc.constant(schema.const)
  if (schema.enum !== undefined && schema.enum.length > 0) return fc.constantFrom(...schema.enum)
  const alternatives = schema.anyOf ?? schema.oneOf
  if (alternatives !== undefined && alternatives.length > 0) return fc.oneof(...alternatives.map(next))
  if (schema.allOf !== undefined && schema.allOf.length > 0) return next(schema.allOf[0]!)
  const types = schema.type === undefined ? [] : typeof schema.type === "string" ? [schema.type] : schema.type
  if (types.length > 1) return fc.oneof(...types.map((type) => next({ ...schema, type })))
  switch (types[0]) {
    case "string":
      return stringArbitrary(schema)
    case "integer":
      return fc.integer({
        min: Math.max(schema.minimum ?? -1_000_000, Number.MIN_SAFE_INTEGER),
        max: Math.min(schema.maximum ?? 1_000_000, Number.MAX_SAFE_INTEGER)
      })
    case "number":
      return fc.double({
        min: schema.minimum ?? -1e9,
        max: schema.maximum ?? 1e9,
        noNaN: true,
        noDefaultInfinity: true
      })
    case "boolean":
      return fc.boolean()
    case "null":
      return fc.constant(null)
    case "array": {
      const min = schema.minItems ?? 0
      const max = Math.min(schema.maxItems ?? min + 3, min + 6)
      if (schema.prefixItems) return fc.tuple(...schema.prefixItems.map(next))
      return fc.array(schema.items ? next(schema.items) : fc.jsonValue({ maxDepth: 2 }), {
        minLength: min,
        maxLength: max
      })
    }
    case "object": {
      const properties = schema.properties ?? {}
      const required = new Set(schema.required ?? [])
      const record: Record<string, fc.Arbitrary<unknown>> = {}
      for (const [key, value] of Object.entries(properties)) {
        const hinted = hint(key, value)
        record[key] = hinted
          ? fc.oneof({ weight: 3, arbitrary: hinted }, { weight: 1, arbitrary: next(value) })
          : next(value)
      }
      const requiredKeys = Object.keys(properties).filter((k) => required.has(k))
      return fc.record(record, { requiredKeys })
    }
    default:
      return fc.jsonValue({ maxDepth: 2 })
  }
}

export const fuzzText = oddText
