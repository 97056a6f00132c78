/**
 * On workerd a request's I/O belongs to that request: a group commit would run one request's statements on a
 * connection another request opened and answer it from there, which the runtime does not allow (the waiting
 * request is cancelled as hung). Every unit of work is a transaction of its own there.
 */
export const requestsShareConnections = false
