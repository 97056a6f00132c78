/** The header that names the portal (database, clock, runtime) a request to the test Worker is for. */
export const portalHeader = "x-test-portal"
