import fc from "fast-check"
import { type Definitions, fromSchema, fuzzText, type Hint, type JsonSchema } from "./schemaArbitrary.ts"

/** One operation of the OpenAPI document: what the fuzzer derives a request from. */
export interface Operation {
  readonly method: string
  /** OpenAPI form, relative to the base path: `/orders/{id}`. */
  readonly path: string
  readonly pathParameters: ReadonlyArray<string>
  readonly query: ReadonlyArray<{ readonly name: string; readonly schema: JsonSchema }>
  readonly body: JsonSchema | undefined
}

interface OpenApiDocument {
  readonly paths: Readonly<
    Record<
      string,
      Readonly<
        Record<
          string,
          {
            readonly parameters?: ReadonlyArray<{
              readonly name: string
              readonly in: string
              readonly schema?: JsonSchema
            }>
            readonly requestBody?: { readonly content: Readonly<Record<string, { readonly schema: JsonSchema }>> }
          }
        >
      >
    >
  >
  readonly components?: { readonly schemas?: Definitions }
}

/** Every operation of the document, in document order. */
export const operationsOf = (doc: OpenApiDocument): ReadonlyArray<Operation> =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      pathParameters: (op.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name),
      query: (op.parameters ?? [])
        .filter((p) => p.in === "query")
        .map((p) => ({ name: p.name, schema: p.schema ?? { type: "string" } })),
      body: op.requestBody?.content["application/json"]?.schema
    }))
  )

export type Mutation =
  | "valid"
  | "dropField"
  | "wrongType"
  | "hugeString"
  | "oversized"
  | "deepNesting"
  | "invalidUtf8"
  | "loneSurrogate"
  | "prototypePollution"
  | "duplicateKeys"
  | "extremeNumbers"
  | "notJson"
  | "noBody"
  | "wrongMediaType"
  | "wrongMethod"

/** A request as the fuzzer sends it, and how it came to be (for the report of a failure). */
export interface FuzzRequest {
  readonly operation: string
  readonly mutation: Mutation
  readonly method: string
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | Uint8Array | undefined
}

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [k: string]: Json }

/** Every position in a JSON value (its own root included), as key paths. */
const pathsOf = (value: Json, prefix: ReadonlyArray<string | number> = []): Array<ReadonlyArray<string | number>> => {
  const out: Array<ReadonlyArray<string | number>> = [prefix]
  if (Array.isArray(value)) for (const [i, v] of value.entries()) out.push(...pathsOf(v, [...prefix, i]))
  else if (value !== null && typeof value === "object")
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v as Json, [...prefix, k]))
  return out
}

/** `value` with the position at `path` replaced (or removed, for `undefined`). */
const setAt = (value: Json, path: ReadonlyArray<string | number>, replacement: Json | undefined): Json | undefined => {
  if (path.length === 0) return replacement
  const [head, ...rest] = path
  if (Array.isArray(value)) {
    const copy = [...value] as Array<Json>
    const next = setAt(copy[head as number] as Json, rest, replacement)
    if (next === undefined) copy.splice(head as number, 1)
    else copy[head as number] = next
    return copy
  }
  if (value !== null && typeof value === "object") {
    const copy = { ...(value as Record<string, Json>) }
    const next = setAt(copy[head as string] as Json, rest, replacement)
    if (next === undefined) delete copy[head as string]
    else copy[head as string] = next
    return copy
  }
  return value
}

const encoder = new TextEncoder()

const concat = (...parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** Byte sequences that are not UTF-8: stray continuation bytes, overlong forms, encoded surrogates, 0xFF. */
const invalidUtf8 = [
  [0xff],
  [0xfe, 0xff],
  [0xc3, 0x28],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0x80]
].map((b) => Uint8Array.from(b))

/** Pollution payloads for every object they are spliced into; JSON.parse keeps `__proto__` as an own key. */
const pollution = [
  '"__proto__":{"polluted":"ja","isAdmin":true,"permissions":["members.manage"]}',
  '"constructor":{"prototype":{"polluted":"ja"}}',
  '"prototype":{"polluted":"ja"}',
  '"__proto__":null'
]

/** Splices `insertion` right after the n-th object start `{` of a JSON text (braces inside strings do not count). */
const spliceIntoObject = (text: string, n: number, insertion: string): string => {
  const starts: Array<number> = []
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (inString) {
      if (ch === "\\") i++
      else if (ch === '"') inString = false
    } else if (ch === '"') inString = true
    else if (ch === "{") starts.push(i)
  }
  if (starts.length === 0) return `{${insertion}}`
  const at = starts[n % starts.length]!
  const empty = text[at + 1] === "}"
  return `${text.slice(0, at + 1)}${insertion}${empty ? "" : ","}${text.slice(at + 1)}`
}

const nested = (depth: number, inner = "1") => `${"[".repeat(depth)}${inner}${"]".repeat(depth)}`

/** A broken body from a valid one. */
const mutateBody = (
  value: Json,
  mutation: Mutation,
  pick: number,
  other: Json,
  text: string
): { readonly body: string | Uint8Array | undefined; readonly contentType: string | undefined } => {
  const json = JSON.stringify(value)
  const paths = pathsOf(value)
  const path = paths[pick % paths.length]!
  const plain = (body: string | Uint8Array | undefined) => ({ body, contentType: "application/json" })
  switch (mutation) {
    case "valid":
      return plain(json)
    case "dropField": {
      const fields = paths.filter((p) => p.length > 0)
      const chosen = fields[pick % Math.max(fields.length, 1)]
      return plain(chosen ? JSON.stringify(setAt(value, chosen, undefined) ?? null) : "{}")
    }
    case "wrongType":
      return plain(JSON.stringify(setAt(value, path, other) ?? null))
    case "hugeString":
      return plain(JSON.stringify(setAt(value, path, `${text}${"ü".repeat(100_000 + (pick % 50_000))}`) ?? null))
    case "oversized":
      return plain(JSON.stringify(setAt(value, path, "x".repeat(1_100_000)) ?? null))
    case "deepNesting": {
      const depth = [64, 1_000, 20_000, 200_000][pick % 4]!
      const deep = pick % 2 === 0 ? nested(depth) : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`
      return plain(paths.length > 1 ? spliceIntoObject(json, pick, `"tief":${deep}`) : deep)
    }
    case "invalidUtf8": {
      const bytes = encoder.encode(json)
      const quotes = [...bytes.keys()].filter((i) => bytes[i] === 0x22)
      const at = quotes.length > 0 ? quotes[pick % quotes.length]! + 1 : bytes.length
      return plain(concat(bytes.slice(0, at), invalidUtf8[pick % invalidUtf8.length]!, bytes.slice(at)))
    }
    case "loneSurrogate": {
      const strings = paths.filter((p) => {
        let v: unknown = value
        for (const k of p) v = (v as Record<string | number, unknown>)[k]
        return typeof v === "string"
      })
      const target = strings[pick % Math.max(strings.length, 1)]
      const marker = "SURROGATE_MARKER"
      const withMarker = target ? JSON.stringify(setAt(value, target, `a${marker}b`)) : JSON.stringify(`a${marker}`)
      return plain(withMarker.replace(marker, ["\\ud800", "\\udfff", "\\udc00\\ud800", "\\u0000"][pick % 4]!))
    }
    case "prototypePollution":
      return plain(spliceIntoObject(json, pick, pollution[pick % pollution.length]!))
    case "duplicateKeys": {
      const key = paths.find((p) => p.length === 1)?.[0]
      return plain(
        key === undefined ? json : spliceIntoObject(json, 0, `${JSON.stringify(String(key))}:${JSON.stringify(other)}`)
      )
    }
    case "extremeNumbers":
      return plain(
        JSON.stringify(setAt(value, path, 0.5) ?? null).replace(
          "0.5",
          ["1e400", "-1e400", "-0", "123456789012345678901234567890", "1e-400", "9007199254740993"][pick % 6]!
        )
      )
    case "notJson":
      return plain([text, "{", "[1,", '{"a":}', "null", "[]", "123", '"text"', "undefined", "NaN"][pick % 10]!)
    case "noBody":
      return { body: undefined, contentType: pick % 2 === 0 ? "application/json" : undefined }
    case "wrongMethod":
      return plain(json)
    case "wrongMediaType":
      return {
        body: json,
        contentType: [
          "text/plain",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=----x",
          "application/json; charset=iso-8859-1",
          "application/xml",
          ""
        ][pick % 6]
      }
  }
}

const mutations: ReadonlyArray<Mutation> = [
  "valid",
  "dropField",
  "wrongType",
  "hugeString",
  "oversized",
  "deepNesting",
  "invalidUtf8",
  "loneSurrogate",
  "prototypePollution",
  "duplicateKeys",
  "extremeNumbers",
  "notJson",
  "noBody",
  "wrongMediaType",
  "wrongMethod"
]

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.constant("valid" as const) },
  { weight: 10, arbitrary: fc.constantFrom(...mutations.filter((m) => m !== "valid" && m !== "oversized")) },
  { weight: 1, arbitrary: fc.constant("oversized" as const) }
)

/** What a request may carry besides its body: whose session, and which headers. */
export interface Identities {
  /** Bearer tokens of live sessions, by who holds them. */
  readonly tokens: Readonly<Record<string, string>>
  /** Ids that exist in the portal (of every kind and organization), for path parameters. */
  readonly ids: ReadonlyArray<string>
  readonly origin: string
}

/** Header values as bytes on the wire: printable ASCII and the Latin-1 upper half (not UTF-8 on its own). */
const headerText = fc.string({
  unit: fc
    .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff }))
    .map((c) => String.fromCharCode(c)),
  maxLength: 60
})

const pathValue = (ids: ReadonlyArray<string>) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...ids) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        "x",
        "ord_gibtesnicht",
        "..",
        "%2e%2e%2f",
        "%00",
        "%ff%fe",
        "%F0%9F%98%80",
        "a".repeat(5000),
        "1",
        "-1",
        "null",
        "__proto__",
        "constructor"
      )
    },
    { weight: 1, arbitrary: fuzzText.map((t) => encodeURIComponent(t) || "leer") }
  )

/** Realistic values for the fields whose meaning the name gives away, so that generated bodies get past the Schemas. */
const hintsFor =
  (ids: ReadonlyArray<string>): Hint =>
  (property, schema) => {
    const name = property.toLowerCase()
    if (name.includes("email")) return fc.oneof(fc.emailAddress(), fc.constant("admin@stadt.system-test"))
    if (name === "password") return fc.string({ minLength: 25, maxLength: 60 })
    if (name.endsWith("ids") && schema.type === "array") return fc.array(fc.constantFrom(...ids), { maxLength: 3 })
    if (name.endsWith("id") || name === "controls" || name === "controlledby") return fc.constantFrom(...ids)
    if (name === "postalcode") return fc.stringMatching(/^[0-9]{5}$/u)
    if (name === "phone") return fc.constantFrom("+49 89 1234", "0911 123456")
    if (name.startsWith("valid") || name.endsWith("from") || name.endsWith("at"))
      return fc
        .date({ min: new Date("2000-01-01"), max: new Date("2035-01-01"), noInvalidDate: true })
        .map((d) => d.toISOString())
    return undefined
  }

const queryValue = (schema: JsonSchema, definitions: Definitions) =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: fromSchema(schema, definitions).map((v) => (typeof v === "string" ? v : JSON.stringify(v)))
    },
    { weight: 2, arbitrary: fuzzText },
    { weight: 1, arbitrary: fc.constantFrom("0", "-5", "201", "1e3", "NaN", "", "%%%", "a".repeat(3000), "true") }
  )

/**
 * Requests derived from one operation: parameters and body generated from its schemas, then (mostly) broken;
 * headers from every kind of caller, well-formed or not.
 */
export const requestArbitrary = (
  op: Operation,
  definitions: Definitions,
  who: Identities
): fc.Arbitrary<FuzzRequest> => {
  const holders = Object.keys(who.tokens)
  const auth = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...holders).map((h) => ({ authorization: `Bearer ${who.tokens[h]}` })) },
    { weight: 1, arbitrary: fc.constant({}) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(...holders)
        .map((h) => ({ cookie: `cloudportal-session=${who.tokens[h]}`, origin: who.origin })) as fc.Arbitrary<
        Record<string, string>
      >
    },
    {
      weight: 1,
      arbitrary: fc.oneof(
        headerText.map((t) => ({ authorization: `Bearer ${t}` })),
        headerText.map((t) => ({ authorization: t })),
        fc.constantFrom(...holders).map((h) => ({ cookie: `cloudportal-session=${who.tokens[h]}` })),
        headerText.map((t) => ({ cookie: t })),
        fc.constant({ authorization: `Bearer ${"A".repeat(9000)}` })
      ) as fc.Arbitrary<Record<string, string>>
    }
  )
  const extraHeaders = fc.record(
    {
      "accept-language": fc.oneof(fc.constantFrom("en", "de", "en-GB,en;q=0.9", "*", "xx-ZZ;q=abc", ""), headerText),
      accept: fc.constantFrom("application/json", "text/html", "*/*", "application/problem+json", "image/png"),
      "x-forwarded-for": fc.oneof(fc.ipV4(), fc.ipV6(), headerText),
      origin: fc.oneof(fc.constant(who.origin), fc.webUrl(), headerText)
    },
    { requiredKeys: [] }
  )
  const params = fc.tuple(...op.pathParameters.map(() => pathValue(who.ids)))
  const query = fc.tuple(
    ...op.query.map((q) =>
      fc.option(queryValue(q.schema, definitions), { nil: undefined, freq: 2 }).map((v) => [q.name, v] as const)
    )
  )
  const valid = op.body ? fromSchema(op.body, definitions, hintsFor(who.ids)) : fc.constant({})
  return fc
    .record({
      params,
      query,
      auth,
      extraHeaders,
      mutation: op.body ? mutationArb : fc.oneof(fc.constant("noBody" as const), mutationArb),
      valid,
      pick: fc.nat(),
      other: fc.jsonValue({ maxDepth: 2 }),
      text: fuzzText
    })
    .map(({ params, query, auth, extraHeaders, mutation, valid, pick, other, text }) => {
      let path = op.path
      op.pathParameters.forEach((name, i) => {
        path = path.replace(`{${name}}`, params[i]!)
      })
      const search = new URLSearchParams()
      for (const [name, v] of query) if (v !== undefined) search.append(name, v)
      const qs = search.toString()
      const { body, contentType } = mutateBody(valid as Json, mutation, pick, other as Json, text)
      // A method the route does not have (HEAD is left out: its answer has no body to check).
      const method =
        mutation === "wrongMethod"
          ? (["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].filter((m) => m !== op.method)[pick % 5] ?? "PUT")
          : op.method
      const sendsBody = method !== "GET" && method !== "HEAD"
      const headers: Record<string, string> = { ...extraHeaders, ...auth }
      if (sendsBody && contentType !== undefined && contentType !== "") headers["content-type"] = contentType
      return {
        operation: `${op.method} ${op.path}`,
        mutation,
        method,
        path: qs === "" ? path : `${path}?${qs}`,
        headers,
        body: sendsBody ? body : undefined
      }
    })
}
