import { Effect, Schema } from "effect"
import { type FieldIssue, InvalidInput, issuesOf } from "../kernel/Errors.ts"
import type { PropertyDefinition } from "./Offering.ts"

/** One configured value: text and choices are strings, integers numbers, switches booleans. */
export const ConfigurationValue = Schema.Union([Schema.String, Schema.Number, Schema.Boolean])
export type ConfigurationValue = typeof ConfigurationValue.Type

/** The configured properties of an order, by property key; frozen into the contract folder. */
export const Configuration = Schema.Record(Schema.String, ConfigurationValue)
export type Configuration = typeof Configuration.Type

/** Property keys appear in field paths (`configuration.<key>`) and in documents: plain identifiers only. */
export const propertyKeyPattern = /^[A-Za-z][A-Za-z0-9_]{0,63}$/u

/**
 * A provider's pattern as a RegExp, or undefined when it does not compile. Patterns are anchored: the whole
 * value must match. The `u` flag makes the pattern count code points and reject ambiguous escapes.
 */
export const compilePattern = (pattern: string): RegExp | undefined => {
  // RegExp has no non-throwing constructor; this is plain data validation, not Effect code.
  try {
    return new RegExp(`^(?:${pattern})$`, "u")
  } catch {
    return undefined
  }
}

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
  const fields: Record<string, Schema.Codec<ConfigurationValue> | Schema.optionalKey<Schema.Codec<ConfigurationValue>>> = {}
  for (const p of properties) {
    const value = valueSchema(p).annotateKey({
      messageMissingKey: `„${p.label.de}" ist erforderlich / is required`
    })
    fields[p.key] = p.required ? value : Schema.optionalKey(value)
  }
  return Schema.Struct(fields)
}

/** One issue per property: several failed limits of one value are joined into one message. */
const onePerProperty = (issues: ReadonlyArray<FieldIssue>): ReadonlyArray<{ path: string; message: string }> => {
  const byPath = new Map<string, Array<string>>()
  for (const i of issues) {
    const message = i.message === "Expected no excess property" ? "Unbekannte Eigenschaft / unknown property" : i.message
    const messages = byPath.get(i.path)
    if (messages) messages.push(message)
    else byPath.set(i.path, [message])
  }
  return [...byPath].map(([path, messages]) => ({ path, message: messages.join("; ") }))
}

/**
 * Validates a configuration against an offering's property definitions. Fails with `InvalidInput` carrying
 * one issue per offending property, at path `configuration.<key>` (unknown keys included). A missing
 * configuration counts as an empty one.
 */
export const validateConfiguration = (
  properties: ReadonlyArray<PropertyDefinition>,
  configuration: unknown
): Effect.Effect<Configuration, InvalidInput> =>
  Schema.decodeUnknownEffect(Schema.Struct({ configuration: configurationSchema(properties) }))(
    { configuration: configuration ?? {} },
    { errors: "all", onExcessProperty: "error" }
  ).pipe(
    Effect.map((decoded) => decoded.configuration as Configuration),
    Effect.mapError((e) => InvalidInput.of(...onePerProperty(issuesOf(e.issue))))
  )
