/**
 * Whether the units of work of different requests may run on one connection: on Node and in browsers they may,
 * so a group commit runs the units that queue, whoever they belong to, in one transaction. `#request-isolation`
 * resolves to `request-isolation-workerd.ts` on workerd, where they may not.
 */
export const requestsShareConnections = true
