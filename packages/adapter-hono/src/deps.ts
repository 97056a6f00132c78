import type { MiddlewareHandler } from "hono"
import type { ResolvedOptions } from "./options.ts"
import type { rateLimit } from "./rateLimit.ts"
import type { Runner } from "./runtime.ts"
import type { SessionEnv } from "./session.ts"

/** What every route module is built with. */
export interface Deps {
  readonly runner: Runner
  readonly options: ResolvedOptions
  /** A live session, or 401; puts the `SessionHolder` into `c.var.session`. */
  readonly session: MiddlewareHandler<SessionEnv>
  readonly limit: ReturnType<typeof rateLimit>
}
