import type * as Core from "@cloudportal/core"

/**
 * Every TaggedError class core exports, as the union of their instances. Built from the exports, so a new
 * error in core joins the union by itself, and `errorStatus` below stops type-checking until it is mapped.
 */
type ExportedErrors = {
  readonly [K in keyof typeof Core]: (typeof Core)[K] extends abstract new (
    ...args: never
  ) => infer I
    ? I extends Error & { readonly _tag: string }
      ? I
      : never
    : never
}[keyof typeof Core]

export type CoreError = ExportedErrors
export type CoreErrorTag = CoreError["_tag"]

/** The one table from a core error to its HTTP status (API.md conventions). */
export const errorStatus = {
  // Input, sessions, permissions
  InvalidInput: 400,
  Unauthenticated: 401,
  InvalidCredentials: 401,
  PermissionDenied: 403,
  PermissionEscalation: 403,
  OperatorOnly: 403,
  NotAProvider: 403,
  PasswordResetRequired: 403,
  AccountDeactivated: 403,
  RegistrationNotApproved: 403,
  RateLimited: 429,
  // Links
  LinkExpiredOrUsed: 410,
  // Not found, or not the viewer's (never 403 for another organization's resource)
  AccountNotFound: 404,
  AddressNotFound: 404,
  ContractDocumentNotFound: 404,
  InhouseDeclarationNotFound: 404,
  OfferingNotFound: 404,
  OrderNotFound: 404,
  OrganizationNotFound: 404,
  RegistrationNotFound: 404,
  RoleNotFound: 404,
  // Conflicts with the current state
  BuiltInRoleProtected: 409,
  ContractFolderAlreadyExists: 409,
  DeclarationIdTaken: 409,
  DefaultAddressConflict: 409,
  DefaultAddressNotDeletable: 409,
  DefaultAddressRequired: 409,
  DuplicateInhouseDeclaration: 409,
  EmailAlreadyRegistered: 409,
  IllegalAccountTransition: 409,
  IllegalOrderTransition: 409,
  IllegalRegistrationTransition: 409,
  MainAdminConflict: 409,
  MainAdminProtected: 409,
  NoTermsInForce: 409,
  OfferingVersionConflict: 409,
  OrderAlreadyExists: 409,
  OrganizationAlreadyRegistered: 409,
  RoleNameTaken: 409,
  StaleOrderStatus: 409,
  StaleRegistrationStatus: 409,
  TermsVersionExists: 409,
  // A rule refused the request
  DeadlineExpired: 422,
  DeadlineNotReached: 422,
  IneligibleMainAdmin: 422,
  NotEligible: 422,
  ReasonRequired: 422,
  // Infrastructure: a generic answer, the cause goes to the log only
  StorageError: 500,
  DocumentRenderFailed: 500,
  MailDeliveryFailed: 500
} as const satisfies Record<CoreErrorTag, number>

export interface Title {
  readonly de: string
  readonly en: string
}

/** Problem titles, German first (the default locale), English with `Accept-Language: en`. */
export const errorTitles = {
  InvalidInput: { de: "Ungültige Eingabe", en: "Invalid input" },
  Unauthenticated: { de: "Nicht angemeldet", en: "Not signed in" },
  InvalidCredentials: {
    de: "E-Mail-Adresse oder Passwort falsch. Erster Login nach der Systemumstellung? Vergeben Sie über „Passwort vergessen“ ein neues Passwort.",
    en: "Wrong email address or password. First sign-in after the system switch-over? Set a new password through “Passwort vergessen” (forgot password)."
  },
  PermissionDenied: { de: "Keine Berechtigung", en: "Permission denied" },
  PermissionEscalation: {
    de: "Berechtigungen, die Sie selbst nicht haben, können Sie nicht vergeben",
    en: "You cannot grant permissions you do not hold"
  },
  OperatorOnly: { de: "Nur durch den Betreiber änderbar", en: "Only the operator can change this" },
  NotAProvider: { de: "Die Organisation ist kein Anbieter", en: "The organization is not a provider" },
  PasswordResetRequired: {
    de: "Bitte setzen Sie über „Passwort vergessen“ ein neues Passwort",
    en: "Please set a new password through “Passwort vergessen” (forgot password)"
  },
  AccountDeactivated: {
    de: "Das Konto ist deaktiviert; wenden Sie sich an die Administration Ihrer Organisation",
    en: "The account is deactivated; contact your organization's admin"
  },
  RegistrationNotApproved: {
    de: "Die Registrierung ist noch nicht freigegeben",
    en: "The registration has not been approved yet"
  },
  RateLimited: { de: "Zu viele Anfragen", en: "Too many requests" },
  LinkExpiredOrUsed: {
    de: "Der Link ist abgelaufen oder wurde bereits verwendet",
    en: "The link has expired or was already used"
  },
  AccountNotFound: { de: "Konto nicht gefunden", en: "Account not found" },
  AddressNotFound: { de: "Adresse nicht gefunden", en: "Address not found" },
  ContractDocumentNotFound: { de: "Dokument nicht gefunden", en: "Document not found" },
  InhouseDeclarationNotFound: { de: "Inhouse-Erklärung nicht gefunden", en: "In-house declaration not found" },
  OfferingNotFound: { de: "Angebot nicht gefunden", en: "Offering not found" },
  OrderNotFound: { de: "Bestellung nicht gefunden", en: "Order not found" },
  OrganizationNotFound: { de: "Organisation nicht gefunden", en: "Organization not found" },
  RegistrationNotFound: { de: "Registrierung nicht gefunden", en: "Registration not found" },
  RoleNotFound: { de: "Rolle nicht gefunden", en: "Role not found" },
  BuiltInRoleProtected: {
    de: "Die Rolle „Organisationsadmin“ kann nicht geändert werden",
    en: "The built-in role „Organisationsadmin“ cannot be changed"
  },
  ContractFolderAlreadyExists: { de: "Vertragsmappe existiert bereits", en: "Contract folder exists already" },
  DeclarationIdTaken: { de: "Kennung bereits vergeben", en: "Id already taken" },
  DefaultAddressConflict: { de: "Es gibt bereits eine Standardadresse", en: "There is a default address already" },
  DefaultAddressNotDeletable: {
    de: "Die Standardadresse kann nicht gelöscht werden",
    en: "The default address cannot be deleted"
  },
  DefaultAddressRequired: {
    de: "Machen Sie zuerst eine andere Adresse zur Standardadresse",
    en: "Make another address the default first"
  },
  DuplicateInhouseDeclaration: {
    de: "Diese Inhouse-Beziehung ist für den Zeitraum bereits erklärt",
    en: "This in-house relationship is already declared for the period"
  },
  EmailAlreadyRegistered: {
    de: "Die E-Mail-Adresse ist bereits registriert",
    en: "The email address is already registered"
  },
  IllegalAccountTransition: {
    de: "Im aktuellen Status des Kontos nicht möglich",
    en: "Not possible in the account's current status"
  },
  IllegalOrderTransition: {
    de: "Im aktuellen Status der Bestellung nicht möglich",
    en: "Not possible in the order's current status"
  },
  IllegalRegistrationTransition: {
    de: "Im aktuellen Status der Registrierung nicht möglich",
    en: "Not possible in the registration's current status"
  },
  MainAdminConflict: { de: "Die Organisation hat bereits einen Hauptadmin", en: "The organization has a main admin" },
  MainAdminProtected: {
    de: "Der Hauptadmin kann nur durch den Betreiber geändert werden",
    en: "Only the operator can change the main admin"
  },
  NoTermsInForce: { de: "Keine CSP-AGB in Kraft", en: "No CSP-AGB version in force" },
  OfferingVersionConflict: { de: "Das Angebot wurde zwischenzeitlich geändert", en: "The offering changed meanwhile" },
  OrderAlreadyExists: { de: "Bestellung existiert bereits", en: "Order exists already" },
  OrganizationAlreadyRegistered: {
    de: "Die Organisation ist bereits registriert; bitte wenden Sie sich an die Administration Ihrer Organisation",
    en: "The organization is already registered; please contact your organization's admin"
  },
  RoleNameTaken: { de: "Eine Rolle mit diesem Namen gibt es bereits", en: "A role with this name exists already" },
  StaleOrderStatus: {
    de: "Die Bestellung wurde zwischenzeitlich geändert; bitte neu laden",
    en: "The order changed meanwhile; please reload"
  },
  StaleRegistrationStatus: {
    de: "Die Registrierung wurde zwischenzeitlich geändert; bitte neu laden",
    en: "The registration changed meanwhile; please reload"
  },
  TermsVersionExists: { de: "Diese AGB-Version gibt es bereits", en: "This terms version exists already" },
  DeadlineExpired: { de: "Die Entscheidungsfrist ist abgelaufen", en: "The decision period has ended" },
  DeadlineNotReached: { de: "Die Entscheidungsfrist läuft noch", en: "The decision period has not ended yet" },
  IneligibleMainAdmin: {
    de: "Nur ein aktives Konto der Organisation kann Hauptadmin werden",
    en: "Only an active account of the organization can become main admin"
  },
  NotEligible: {
    de: "Das Vertragsmodell ist für diese Bestellung nicht zulässig",
    en: "The contract model is not allowed for this order"
  },
  ReasonRequired: { de: "Eine Ablehnung braucht eine Begründung", en: "A rejection needs a reason" },
  StorageError: { de: "Interner Fehler", en: "Internal error" },
  DocumentRenderFailed: { de: "Interner Fehler", en: "Internal error" },
  MailDeliveryFailed: { de: "Interner Fehler", en: "Internal error" }
} as const satisfies Record<CoreErrorTag, Title>

/** Problems the adapter raises itself, outside core's rules. */
export const adapterProblems = {
  MalformedRequest: { status: 400, title: { de: "Ungültige Anfrage", en: "Malformed request" } },
  CrossOriginRequest: { status: 403, title: { de: "Anfrage von fremder Herkunft", en: "Cross-origin request" } },
  SingleSignOnRefused: {
    status: 403,
    title: { de: "Anmeldung über Single Sign-on abgelehnt", en: "Single sign-on refused" }
  },
  RouteNotFound: { status: 404, title: { de: "Nicht gefunden", en: "Not found" } },
  PayloadTooLarge: { status: 413, title: { de: "Anfrage zu groß", en: "Payload too large" } },
  InternalError: { status: 500, title: { de: "Interner Fehler", en: "Internal error" } },
  NotImplemented: { status: 501, title: { de: "Noch nicht verfügbar", en: "Not implemented" } },
  Overloaded: { status: 503, title: { de: "Vorübergehend überlastet", en: "Temporarily overloaded" } }
} as const satisfies Record<string, { readonly status: number; readonly title: Title }>

export type AdapterProblemCode = keyof typeof adapterProblems

export const isCoreErrorTag = (tag: string): tag is CoreErrorTag => Object.hasOwn(errorStatus, tag)
