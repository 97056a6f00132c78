import type * as Core from "@cloudportal/core"

/**
 * Every TaggedError class core exports, as the union of their instances. Built from the exports, so a new
 * error in core joins the union by itself, and `coreErrors` below stops type-checking until it is mapped.
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

export interface Title {
  readonly de: string
  readonly en: string
}

/** Every failure the client cannot act on answers the same: no detail of the cause leaves the server. */
const internalError = { status: 500, title: { de: "Interner Fehler", en: "Internal error" } } as const

/**
 * The one table of core's errors: each error's HTTP status (API.md conventions) and its problem title, German first
 * (the default locale), English with `Accept-Language: en`.
 */
export const coreErrors = {
  // Input, sessions, permissions
  InvalidInput: { status: 400, title: { de: "Ungültige Eingabe", en: "Invalid input" } },
  Unauthenticated: { status: 401, title: { de: "Nicht angemeldet", en: "Not signed in" } },
  InvalidCredentials: {
    status: 401,
    title: {
      de: "E-Mail-Adresse oder Passwort falsch. Erster Login nach der Systemumstellung? Vergeben Sie über „Passwort vergessen“ ein neues Passwort.",
      en: "Wrong email address or password. First sign-in after the system switch-over? Set a new password through “Passwort vergessen” (forgot password)."
    }
  },
  PermissionDenied: { status: 403, title: { de: "Keine Berechtigung", en: "Permission denied" } },
  PermissionEscalation: {
    status: 403,
    title: {
      de: "Berechtigungen, die Sie selbst nicht haben, können Sie nicht vergeben",
      en: "You cannot grant permissions you do not hold"
    }
  },
  OperatorOnly: {
    status: 403,
    title: { de: "Nur durch den Betreiber änderbar", en: "Only the operator can change this" }
  },
  NotAProvider: {
    status: 403,
    title: { de: "Die Organisation ist kein Anbieter", en: "The organization is not a provider" }
  },
  PasswordResetRequired: {
    status: 403,
    title: {
      de: "Bitte setzen Sie über „Passwort vergessen“ ein neues Passwort",
      en: "Please set a new password through “Passwort vergessen” (forgot password)"
    }
  },
  AccountDeactivated: {
    status: 403,
    title: {
      de: "Das Konto ist deaktiviert; wenden Sie sich an die Administration Ihrer Organisation",
      en: "The account is deactivated; contact your organization's admin"
    }
  },
  RegistrationNotApproved: {
    status: 403,
    title: {
      de: "Die Registrierung ist noch nicht freigegeben",
      en: "The registration has not been approved yet"
    }
  },
  RateLimited: { status: 429, title: { de: "Zu viele Anfragen", en: "Too many requests" } },
  // Links
  LinkExpiredOrUsed: {
    status: 410,
    title: {
      de: "Der Link ist abgelaufen oder wurde bereits verwendet",
      en: "The link has expired or was already used"
    }
  },
  // Not found, or not the viewer's (never 403 for another organization's resource)
  AccountNotFound: { status: 404, title: { de: "Konto nicht gefunden", en: "Account not found" } },
  AddressNotFound: { status: 404, title: { de: "Adresse nicht gefunden", en: "Address not found" } },
  ContractDocumentNotFound: { status: 404, title: { de: "Dokument nicht gefunden", en: "Document not found" } },
  InhouseDeclarationNotFound: {
    status: 404,
    title: { de: "Inhouse-Erklärung nicht gefunden", en: "In-house declaration not found" }
  },
  OfferingNotFound: { status: 404, title: { de: "Angebot nicht gefunden", en: "Offering not found" } },
  OrderNotFound: { status: 404, title: { de: "Bestellung nicht gefunden", en: "Order not found" } },
  OrganizationNotFound: { status: 404, title: { de: "Organisation nicht gefunden", en: "Organization not found" } },
  RegistrationNotFound: { status: 404, title: { de: "Registrierung nicht gefunden", en: "Registration not found" } },
  RoleNotFound: { status: 404, title: { de: "Rolle nicht gefunden", en: "Role not found" } },
  // Conflicts with the current state
  BuiltInRoleProtected: {
    status: 409,
    title: {
      de: "Die Rolle „Organisationsadmin“ kann nicht geändert werden",
      en: "The built-in role „Organisationsadmin“ cannot be changed"
    }
  },
  ContractFolderAlreadyExists: {
    status: 409,
    title: { de: "Vertragsmappe existiert bereits", en: "Contract folder exists already" }
  },
  DeclarationIdTaken: { status: 409, title: { de: "Kennung bereits vergeben", en: "Id already taken" } },
  DefaultAddressConflict: {
    status: 409,
    title: { de: "Es gibt bereits eine Standardadresse", en: "There is a default address already" }
  },
  DefaultAddressNotDeletable: {
    status: 409,
    title: {
      de: "Die Standardadresse kann nicht gelöscht werden",
      en: "The default address cannot be deleted"
    }
  },
  DefaultAddressRequired: {
    status: 409,
    title: {
      de: "Machen Sie zuerst eine andere Adresse zur Standardadresse",
      en: "Make another address the default first"
    }
  },
  DuplicateInhouseDeclaration: {
    status: 409,
    title: {
      de: "Diese Inhouse-Beziehung ist für den Zeitraum bereits erklärt",
      en: "This in-house relationship is already declared for the period"
    }
  },
  EmailAlreadyRegistered: {
    status: 409,
    title: {
      de: "Die E-Mail-Adresse ist bereits registriert",
      en: "The email address is already registered"
    }
  },
  IllegalAccountTransition: {
    status: 409,
    title: {
      de: "Im aktuellen Status des Kontos nicht möglich",
      en: "Not possible in the account's current status"
    }
  },
  IllegalOrderTransition: {
    status: 409,
    title: {
      de: "Im aktuellen Status der Bestellung nicht möglich",
      en: "Not possible in the order's current status"
    }
  },
  IllegalRegistrationTransition: {
    status: 409,
    title: {
      de: "Im aktuellen Status der Registrierung nicht möglich",
      en: "Not possible in the registration's current status"
    }
  },
  MainAdminConflict: {
    status: 409,
    title: { de: "Die Organisation hat bereits einen Hauptadmin", en: "The organization has a main admin" }
  },
  MainAdminProtected: {
    status: 409,
    title: {
      de: "Der Hauptadmin kann nur durch den Betreiber geändert werden",
      en: "Only the operator can change the main admin"
    }
  },
  NoTermsInForce: { status: 409, title: { de: "Keine CSP-AGB in Kraft", en: "No CSP-AGB version in force" } },
  OfferingVersionConflict: {
    status: 409,
    title: { de: "Das Angebot wurde zwischenzeitlich geändert", en: "The offering changed meanwhile" }
  },
  OrderAlreadyExists: { status: 409, title: { de: "Bestellung existiert bereits", en: "Order exists already" } },
  OrganizationAlreadyRegistered: {
    status: 409,
    title: {
      de: "Die Organisation ist bereits registriert; bitte wenden Sie sich an die Administration Ihrer Organisation",
      en: "The organization is already registered; please contact your organization's admin"
    }
  },
  RoleNameTaken: {
    status: 409,
    title: { de: "Eine Rolle mit diesem Namen gibt es bereits", en: "A role with this name exists already" }
  },
  StaleOrderStatus: {
    status: 409,
    title: {
      de: "Die Bestellung wurde zwischenzeitlich geändert; bitte neu laden",
      en: "The order changed meanwhile; please reload"
    }
  },
  StaleRegistrationStatus: {
    status: 409,
    title: {
      de: "Die Registrierung wurde zwischenzeitlich geändert; bitte neu laden",
      en: "The registration changed meanwhile; please reload"
    }
  },
  TermsVersionExists: {
    status: 409,
    title: { de: "Diese AGB-Version gibt es bereits", en: "This terms version exists already" }
  },
  // A rule refused the request
  DeadlineExpired: {
    status: 422,
    title: { de: "Die Entscheidungsfrist ist abgelaufen", en: "The decision period has ended" }
  },
  DeadlineNotReached: {
    status: 422,
    title: { de: "Die Entscheidungsfrist läuft noch", en: "The decision period has not ended yet" }
  },
  IneligibleMainAdmin: {
    status: 422,
    title: {
      de: "Nur ein aktives Konto der Organisation kann Hauptadmin werden",
      en: "Only an active account of the organization can become main admin"
    }
  },
  NotEligible: {
    status: 422,
    title: {
      de: "Das Vertragsmodell ist für diese Bestellung nicht zulässig",
      en: "The contract model is not allowed for this order"
    }
  },
  ReasonRequired: {
    status: 422,
    title: { de: "Eine Ablehnung braucht eine Begründung", en: "A rejection needs a reason" }
  },
  // Infrastructure: a generic answer, the cause goes to the log only
  StorageError: internalError,
  DocumentRenderFailed: internalError,
  MailDeliveryFailed: internalError
} as const satisfies Record<CoreErrorTag, { readonly status: number; readonly title: Title }>

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
  InternalError: internalError,
  NotImplemented: { status: 501, title: { de: "Noch nicht verfügbar", en: "Not implemented" } },
  Overloaded: { status: 503, title: { de: "Vorübergehend überlastet", en: "Temporarily overloaded" } }
} as const satisfies Record<string, { readonly status: number; readonly title: Title }>

export type AdapterProblemCode = keyof typeof adapterProblems

export const isCoreErrorTag = (tag: string): tag is CoreErrorTag => Object.hasOwn(coreErrors, tag)
