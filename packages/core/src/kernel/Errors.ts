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

/**
 * Decodes untrusted input, reporting every offending field at once as `InvalidInput`.
 * Use cases take encoded input and decode it here, so an embedding app gets the same checks as the HTTP API.
 */
export const decodeInput =
  <S extends Schema.Decoder<unknown>>(schema: S) =>
  (input: unknown): Effect.Effect<S["Type"], InvalidInput> =>
    Schema.decodeUnknownEffect(schema)(input, { errors: "all" }).pipe(
      Effect.mapError((e) => new InvalidInput({ issues: issuesOf(e.issue) }))
    )
