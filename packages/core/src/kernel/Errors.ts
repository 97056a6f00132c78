import { Effect, Schema, SchemaIssue } from "effect"

/** One offending field: a dotted path ("organization.address.postalCode") and what is wrong with it. */
export class FieldIssue extends Schema.Class<FieldIssue>("@cloudportal/core/FieldIssue")({
  path: Schema.String,
  message: Schema.String
}) {}

/** Bad input: every offending field at once; nothing was changed. */
export class InvalidInput extends Schema.TaggedError<InvalidInput>()("InvalidInput", {
  issues: Schema.Array(FieldIssue)
}) {
  static readonly of = (...issues: ReadonlyArray<{ path: string; message: string }>) =>
    new InvalidInput({ issues: issues.map((i) => new FieldIssue(i)) })
}

/** Any failure of the infrastructure behind a port; the cause is kept for logs, never shown to users. */
export class StorageError extends Schema.TaggedError<StorageError>()("StorageError", {
  operation: Schema.String,
  cause: Schema.Defect()
}) {}

/** The actor lacks the permission the action needs. */
export class PermissionDenied extends Schema.TaggedError<PermissionDenied>()("PermissionDenied", {
  permission: Schema.String
}) {}

/** No session or a dead one. */
export class Unauthenticated extends Schema.TaggedError<Unauthenticated>()("Unauthenticated", {}) {}

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

const toPath = (path: ReadonlyArray<PropertyKey | { key: PropertyKey }> | undefined): string =>
  (path ?? []).map((p) => String(typeof p === "object" ? p.key : p)).join(".")

/** Flattens a Schema issue tree into one FieldIssue per offending field. */
export const issuesOf = (issue: SchemaIssue.Issue): ReadonlyArray<FieldIssue> =>
  formatter(issue).issues.map((i) => new FieldIssue({ path: toPath(i.path), message: i.message }))

// NUL and unpaired surrogates: no person types them, and databases store them cut short or altered.
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this refuses
const unstorableText = /[\u0000\uD800-\uDFFF]/u
/** Deeper input than any use case takes is refused before anything walks it. */
export const maxInputDepth = 32

/** Text no field may hold, and nesting no use case takes, wherever it hides in the input. */
export const textIssues = (input: unknown): Array<FieldIssue> => {
  const issues: Array<FieldIssue> = []
  const walk = (value: unknown, path: ReadonlyArray<string>): void => {
    if (typeof value === "string") {
      if (unstorableText.test(value))
        issues.push(
          new FieldIssue({
            path: path.join("."),
            message: "Unzulässige Zeichen (NUL oder ungepaarte Surrogate) / invalid characters"
          })
        )
    } else if (value !== null && typeof value === "object") {
      if (path.length >= maxInputDepth) {
        issues.push(new FieldIssue({ path: path.join("."), message: "Zu tief verschachtelt / nested too deeply" }))
        return
      }
      for (const [key, child] of Object.entries(value)) walk(child, [...path, key])
    }
  }
  walk(input, [])
  return issues
}

/**
 * Decodes untrusted input, reporting every offending field at once as `InvalidInput`.
 * Use cases take encoded input and decode it here, so an embedding app gets the same checks as the HTTP API.
 */
export const decodeInput =
  <S extends Schema.Decoder<unknown>>(schema: S) =>
  (input: unknown): Effect.Effect<S["Type"], InvalidInput> => {
    const unstorable = textIssues(input)
    return unstorable.length > 0
      ? Effect.fail(new InvalidInput({ issues: unstorable }))
      : Schema.decodeUnknownEffect(schema)(input, { errors: "all" }).pipe(
          Effect.mapError((e) => new InvalidInput({ issues: issuesOf(e.issue) }))
        )
  }
