/**
 * Every path a mail links to, in one place. The portal's web front end must serve these; the token travels
 * in the query string because the front end posts it to the API (`POST /registrations/confirm` etc.).
 */
export const linkPaths = {
  /** `?token=`: confirms the email address of a registration (POST /registrations/confirm). */
  confirmRegistration: "/registrierung/bestaetigen",
  /** `?token=`: accepts an invitation and sets the password (POST /invitations/accept). */
  acceptInvitation: "/einladung/annehmen",
  /** `?token=`: sets a new password (POST /auth/password-reset/confirm). */
  resetPassword: "/passwort/zuruecksetzen",
  /** „Passwort vergessen": asks for a reset link (POST /auth/password-reset). */
  forgotPassword: "/passwort/vergessen",
  login: "/anmelden",
  /** `/{orderId}`: one order, for the orderer and for the acting party alike; the front end picks the view. */
  orders: "/bestellungen"
} as const

export interface PortalLinks {
  readonly confirmRegistration: (token: string) => string
  readonly acceptInvitation: (token: string) => string
  readonly resetPassword: (token: string) => string
  readonly forgotPassword: string
  readonly login: string
  readonly order: (orderId: string) => string
}

/**
 * The links of the portal under its configured public base URL (see `PublicBaseUrl`), which may carry a
 * base path (`https://example.org/csp`). Never built from a request's Host header: a forged header would
 * otherwise send a reset token to the attacker's host.
 */
export const portalLinks = (baseUrl: string): PortalLinks => {
  const base = baseUrl.replace(/\/+$/u, "")
  const withToken = (path: string, token: string) => `${base}${path}?token=${encodeURIComponent(token)}`
  return {
    confirmRegistration: (token) => withToken(linkPaths.confirmRegistration, token),
    acceptInvitation: (token) => withToken(linkPaths.acceptInvitation, token),
    resetPassword: (token) => withToken(linkPaths.resetPassword, token),
    forgotPassword: `${base}${linkPaths.forgotPassword}`,
    login: `${base}${linkPaths.login}`,
    order: (orderId) => `${base}${linkPaths.orders}/${encodeURIComponent(orderId)}`
  }
}
