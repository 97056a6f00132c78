import { Effect, Result, Schema } from "effect"
import { InvalidInput, issuesOf } from "../kernel/Errors.ts"
import type { PropertyDefinition } from "./Offering.ts"
import { compilePattern } from "./Pattern.ts"

/** One configured value: text and choices are strings, integers numbers, switches booleans. */
export const ConfigurationValue = Schema.Union([Schema.String, Schema.Number, Schema.Boolean])
export type ConfigurationValue = typeof ConfigurationValue.Type

/** The configured properties of an order, by property key; frozen into the contract folder. */
export const Configuration = Schema.Record(Schema.String, ConfigurationValue)
export type Configuration = typeof Configuration.Type

const valueSchema = (p: PropertyDefinition): Schema.Codec<ConfigurationValue> => {
  const label = p.label.de
  switch (p.type._tag) {
    case "Text": {
      const regExp = p.type.pattern === null ? undefined : compilePattern(p.type.pattern)
      const max = p.type.maxLength
      return Schema.String.annotate({ message: `„${label}": Text erwartet / text expected` }).pipe(
        Schema.check(
          Schema.isMaxCodePoints(max, {
            message: `„${label}": höchstens ${max} Zeichen / at most ${max} characters`
          }),
          ...(regExp
            ? [
                Schema.isPattern(regExp, {
                  message: `„${label}": Format ungültig / invalid format`
                })
              ]
            : [])
        )
      )
    }
    case "Integer": {
      const { min, max } = p.type
      return Schema.Number.annotate({ message: `„${label}": ganze Zahl erwartet / integer expected` }).pipe(
        Schema.check(
          Schema.isInt({ message: `„${label}": ganze Zahl erwartet / integer expected` }),
          Schema.isBetween(
            { minimum: min, maximum: max },
            { message: `„${label}": zwischen ${min} und ${max} / between ${min} and ${max}` }
          )
        )
      )
    }
    case "Boolean":
      return Schema.Boolean.annotate({ message: `„${label}": ja oder nein erwartet / true or false expected` })
    case "Choice": {
      const options = p.type.options
      return Schema.Literals(options).annotate({
        message: `„${label}": eine der Optionen ${options.join(", ")} / one of ${options.join(", ")}`
      })
    }
  }
}

/**
 * The Schema of an order's configuration for these property definitions: every required property present,
 * every value of its declared type and within its limits, and no property the offering does not define.
 */
export const configurationSchema = (properties: ReadonlyArray<PropertyDefinition>) => {
  const fields: Record<
    string,
    Schema.Codec<ConfigurationValue> | Schema.optionalKey<Schema.Codec<ConfigurationValue>>
  > = {}
  for (const p of properties) {
    const value = valueSchema(p).annotateKey({
      messageMissingKey: `„${p.label.de}" ist erforderlich / is required`
    })
    fields[p.key] = p.required ? value : Schema.optionalKey(value)
  }
  return Schema.Struct(fields)
}

/** One issue per property: several failed limits of one value are joined into one message. */
const onePerProperty = (
  issues: ReadonlyArray<{ readonly path: string; readonly message: string }>
): ReadonlyArray<{ path: string; message: string }> => {
  const byPath = new Map<string, Array<string>>()
  for (const i of issues) {
    const messages = byPath.get(i.path)
    if (messages) messages.push(i.message)
    else byPath.set(i.path, [i.message])
  }
  return [...byPath].map(([path, messages]) => ({ path, message: messages.join("; ") }))
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

type ConfigurationDecoder = (input: unknown) => Result.Result<{ readonly configuration: unknown }, Schema.SchemaError>

const makeDecoder = (properties: ReadonlyArray<PropertyDefinition>): ConfigurationDecoder => {
  const decode = Schema.decodeUnknownResult(Schema.Struct({ configuration: configurationSchema(properties) }))
  return (input) =>
    decode(input, { errors: "all" }) as Result.Result<{ readonly configuration: unknown }, Schema.SchemaError>
}

/**
 * Building a configuration's schema (and its compiled decoder) costs more than decoding with it, and every
 * order of an offering version decodes against the same definitions. Decoders are kept by the definitions'
 * content, so definitions read afresh from a database hit too; by identity first, which is cheaper still.
 */
const decoderLimit = 256
const decodersByContent = new Map<string, ConfigurationDecoder>()
const decodersByIdentity = new WeakMap<ReadonlyArray<PropertyDefinition>, ConfigurationDecoder>()

const decoderFor = (properties: ReadonlyArray<PropertyDefinition>): ConfigurationDecoder => {
  const same = decodersByIdentity.get(properties)
  if (same) return same
  const key = JSON.stringify(properties)
  let decoder = decodersByContent.get(key)
  if (!decoder) {
    if (decodersByContent.size >= decoderLimit) decodersByContent.clear()
    decoder = makeDecoder(properties)
    decodersByContent.set(key, decoder)
  }
  decodersByIdentity.set(properties, decoder)
  return decoder
}

/**
 * Validates a configuration against an offering's property definitions. Fails with `InvalidInput` carrying
 * one issue per offending property, at path `configuration.<key>` (unknown keys included). A missing
 * configuration counts as an empty one. The result holds the defined properties only.
 */
export const validateConfiguration = (
  properties: ReadonlyArray<PropertyDefinition>,
  configuration: unknown
): Effect.Effect<Configuration, InvalidInput> => {
  const raw = configuration ?? {}
  if (!isRecord(raw))
    return Effect.fail(InvalidInput.of({ path: "configuration", message: "Objekt erwartet / object expected" }))
  // Unknown keys are found here rather than by the schema: a struct without fields lets any object through.
  const unknown: Array<{ path: string; message: string }> = []
  for (const key of Object.keys(raw))
    if (!properties.some((p) => p.key === key))
      unknown.push({ path: `configuration.${key}`, message: "Unbekannte Eigenschaft / unknown property" })
  const decoded = decoderFor(properties)({ configuration: raw })
  if (Result.isFailure(decoded))
    return Effect.fail(InvalidInput.of(...onePerProperty([...issuesOf(decoded.failure.issue), ...unknown])))
  if (unknown.length > 0) return Effect.fail(InvalidInput.of(...onePerProperty(unknown)))
  const values = decoded.success.configuration as Configuration
  const result: Record<string, ConfigurationValue> = {}
  for (const p of properties) if (p.key in values) result[p.key] = values[p.key]!
  return Effect.succeed(result as Configuration)
}
