import { Effect } from "effect"
import { type SqldOptions, startSqld as start } from "../../src/testing/sqld.ts"

/** A fresh sqld for the scope of a test: started on a free loopback port, stopped and removed with the scope. */
export const startSqld = (options: SqldOptions = {}) =>
  Effect.acquireRelease(
    Effect.tryPromise(() => start(options)),
    (sqld) => Effect.promise(() => sqld.stop())
  ).pipe(Effect.map(({ url, dir }) => ({ url, dir })))
