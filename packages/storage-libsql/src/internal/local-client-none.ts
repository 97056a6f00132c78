import type { Client } from "@libsql/client"
import type { LocalClientOptions } from "./local-client.ts"

/**
 * Where there are no files (workerd, browsers) there is no local client: `#local-client` resolves here, so
 * the native driver stays out of those bundles and `file:` URLs go to @libsql/client, which refuses them.
 */
export const createLocalClient: ((options: LocalClientOptions) => Client) | undefined = undefined
