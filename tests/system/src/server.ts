import {
  type ServerProcess,
  startServer as startNodeServer,
  waitUntilReady
} from "@cloudportal/example-node-server/testing"

export { type ServerProcess, waitUntilReady }

export interface ServerOptions {
  /** The database file; the server creates it and its folder. */
  readonly databaseFile: string
  readonly port?: number
  /** Further variables, e.g. the mail transport. */
  readonly env?: Readonly<Record<string, string>>
}

/** The example server on `databaseFile`, its outbox dispatched every second (mail right after each change). */
export const startServer = (options: ServerOptions): Promise<ServerProcess> =>
  startNodeServer({
    port: options.port,
    env: { DATABASE_URL: options.databaseFile, CLOUDPORTAL_DISPATCH_INTERVAL: "1 second", ...options.env }
  })

/** Every child this process started, so that an interrupted run stops them too. */
const children = new Set<ServerProcess>()

export const tracked = (server: ServerProcess): ServerProcess => {
  children.add(server)
  void server.exited.then(() => children.delete(server))
  return server
}

export const killAll = async () => {
  for (const child of [...children]) await child.kill()
}
