import { DateTime } from "effect"

// Instants are stored as epoch milliseconds: DateTime.Utc holds exactly that, and integers compare and sort.
export const toMillis = (at: DateTime.Utc): number => DateTime.toEpochMillis(at)
export const fromMillis = (ms: number): DateTime.Utc => DateTime.makeUnsafe(ms)
export const toMillisOrNull = (at: DateTime.Utc | null): number | null => (at === null ? null : toMillis(at))
export const fromMillisOrNull = (ms: number | null): DateTime.Utc | null => (ms === null ? null : fromMillis(ms))
