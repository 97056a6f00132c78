import { Result } from "effect"

/** Property keys appear in field paths (`configuration.<key>`) and in documents: plain identifiers only. */
export const propertyKeyPattern = /^[A-Za-z][A-Za-z0-9_]{0,63}$/u

/**
 * A provider's pattern as a RegExp, or undefined when it does not compile. Patterns are anchored: the whole
 * value must match. The `u` flag makes the pattern count code points and reject ambiguous escapes.
 */
export const compilePattern = (pattern: string): RegExp | undefined =>
  Result.getOrUndefined(Result.try(() => new RegExp(`^(?:${pattern})$`, "u")))
