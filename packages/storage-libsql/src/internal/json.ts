/**
 * JSON columns hold JSON text written and read by the mappers themselves: drizzle's JSON mode inspects
 * the values it is given and fails on objects without a prototype, which decoded data may contain.
 */
export const toJson = (value: unknown): string => JSON.stringify(value)
export const fromJson = (text: string): unknown => JSON.parse(text)
export const toJsonOrNull = (value: unknown): string | null => (value === null ? null : JSON.stringify(value))
export const fromJsonOrNull = (text: string | null): unknown => (text === null ? null : JSON.parse(text))
