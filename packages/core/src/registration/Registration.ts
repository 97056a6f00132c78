import { DateTime, Duration, Result, Schema } from "effect"
import { LinkExpiredOrUsed } from "../identity/LinkToken.ts"
import { Password } from "../identity/Password.ts"
import type { Actor } from "../kernel/Actor.ts"
import { Email } from "../kernel/Email.ts"
import { FieldIssue, InvalidInput, PermissionDenied } from "../kernel/Errors.ts"
import { AccountId, OrganizationId, RegistrationId, TermsId } from "../kernel/Ids.ts"
import { City, Phone, PostalCode, Street } from "../kernel/PostalAddress.ts"
import type { RateLimit } from "../kernel/RateLimiter.ts"
import { AdministrativeLevel, FederalState } from "../organization/Organization.ts"

// ---------------------------------------------------------------------------------------------------------------
// The form (API.md "Registration body"), decoded field by field so that every offending field is reported at once.

const missing =
  (label: string) =>
  <S extends Schema.Top>(self: S): S["Rebuild"] =>
    self.annotateKey({ messageMissingKey: `${label} fehlt / ${label} is required` })

/** Free text the person types: trimmed, required, bounded. */
const text = (de: string, en: string, max = 200) =>
  Schema.Trim.pipe(
    Schema.check(
      Schema.isNonEmpty({ message: `${de} fehlt / ${en} is required` }),
      Schema.isMaxLength(max, { message: `${de}: höchstens ${max} Zeichen / ${en}: at most ${max} characters` })
    ),
    Schema.annotateKey({ messageMissingKey: `${de} fehlt / ${en} is required` })
  )

/** Address fields arrive untrimmed from forms; the kernel's address schemas then check the trimmed value. */
const trimmedInto = <S extends Schema.Codec<string, string>>(schema: S, de: string) =>
  Schema.Trim.pipe(Schema.decodeTo(schema), missing(de))

export const RegistrationAddressInput = Schema.Struct({
  street: trimmedInto(Street, "Straße"),
  postalCode: trimmedInto(PostalCode, "Postleitzahl"),
  city: trimmedInto(City, "Ort"),
  phone: trimmedInto(Phone, "Telefonnummer")
})

/** The Land is required unless the organization is federal, and meaningless (so refused) when it is. */
export const federalStateIssue = (
  administrativeLevel: AdministrativeLevel,
  federalState: FederalState | null | undefined
): string | undefined =>
  administrativeLevel === "federal"
    ? federalState == null
      ? undefined
      : "Bundesbehörden geben kein Land an / federal organizations name no Land"
    : federalState == null
      ? "Land fehlt / Land (federal state) is required unless the organization is federal"
      : undefined

const federalStateCheck = Schema.makeFilter(
  (o: { readonly administrativeLevel: AdministrativeLevel; readonly federalState?: FederalState | null }) => {
    const issue = federalStateIssue(o.administrativeLevel, o.federalState)
    return issue === undefined ? undefined : { path: ["federalState"], issue }
  }
)

export const RegistrationOrganizationInput = Schema.Struct({
  name: text("Name der Organisation", "organization name"),
  legalForm: text("Rechtsform", "legal form"),
  administrativeLevel: AdministrativeLevel.pipe(
    Schema.annotate({
      message:
        "Verwaltungsebene: federal, state, municipal oder other / administrative level: federal, state, municipal or other"
    }),
    missing("Verwaltungsebene")
  ),
  federalState: Schema.optionalKey(
    Schema.NullOr(
      FederalState.pipe(
        Schema.annotate({ message: "Land: ISO-3166-2-Code wie DE-BY / Land: ISO 3166-2 code such as DE-BY" })
      )
    )
  ),
  address: RegistrationAddressInput.pipe(missing("Adresse"))
}).check(federalStateCheck)

export const RegistrationPersonInput = Schema.Struct({
  firstName: text("Vorname", "first name"),
  lastName: text("Nachname", "last name"),
  email: Email.pipe(missing("E-Mail-Adresse"))
})

export const CaptchaAnswer = Schema.Struct({
  challengeId: text("Captcha", "captcha", 256),
  answer: text("Captcha-Antwort", "captcha answer", 256)
})

/** The registration form exactly as API.md describes its body. */
export const RegistrationInput = Schema.Struct({
  organization: RegistrationOrganizationInput.pipe(missing("Organisation")),
  person: RegistrationPersonInput.pipe(missing("Person")),
  password: Password,
  captcha: CaptchaAnswer.pipe(missing("Captcha")),
  acceptedTermsId: TermsId.pipe(
    Schema.annotate({ message: "Bitte die CSP-AGB akzeptieren / please accept the CSP-AGB" }),
    Schema.annotateKey({
      messageMissingKey: "Bitte die CSP-AGB akzeptieren / please accept the CSP-AGB"
    })
  )
})
export type RegistrationInput = typeof RegistrationInput.Type
export type RegistrationInputEncoded = typeof RegistrationInput.Encoded

// A struct check runs only once all the struct's own fields decode; this narrow view reports the Land rule even
// when, say, the organization's street is missing too.
const FederalStateView = Schema.Struct({
  organization: Schema.Struct({
    administrativeLevel: AdministrativeLevel,
    federalState: Schema.optionalKey(Schema.Unknown)
  })
})

/** The Land issue of a form whose other organization fields may be broken; undefined if none can be told. */
export const federalStateIssueOf = (input: unknown): FieldIssue | undefined => {
  const view = Schema.decodeUnknownOption(FederalStateView)(input)
  if (view._tag === "None") return undefined
  const { administrativeLevel, federalState } = view.value.organization
  const known = federalState == null || Schema.is(FederalState)(federalState)
  // An unknown code is already reported by the field itself.
  if (!known) return undefined
  const issue = federalStateIssue(administrativeLevel, federalState as FederalState | null | undefined)
  return issue === undefined ? undefined : new FieldIssue({ path: "organization.federalState", message: issue })
}

/** The form must accept the CSP-AGB version in force now; an older one is not consent to the current terms. */
export const acceptedTermsIssue = (acceptedTermsId: unknown, currentTermsId: TermsId): FieldIssue | undefined =>
  typeof acceptedTermsId === "string" && acceptedTermsId !== "" && acceptedTermsId !== currentTermsId
    ? new FieldIssue({
        path: "acceptedTermsId",
        message: "Bitte die aktuelle Version der CSP-AGB akzeptieren / please accept the current version of the CSP-AGB"
      })
    : undefined

// ---------------------------------------------------------------------------------------------------------------
// The aggregate.

/** DOMAIN §2: `awaitingEmailConfirmation → awaitingOperatorReview → approved | rejected`, `… → expired`. */
export const registrationStatuses = [
  "awaitingEmailConfirmation",
  "awaitingOperatorReview",
  "approved",
  "rejected",
  "expired"
] as const
export const RegistrationStatus = Schema.Literals(registrationStatuses)
export type RegistrationStatus = typeof RegistrationStatus.Type

/** Registrations that still claim their organization name and email: nobody else may register them. */
export const openRegistrationStatuses: ReadonlySet<RegistrationStatus> = new Set([
  "awaitingEmailConfirmation",
  "awaitingOperatorReview"
])

/** What the operator may see: confirmed registrations only (DOMAIN §2: before confirmation the operator does not see it). */
export const OperatorVisibleStatus = Schema.Literals(["awaitingOperatorReview", "approved", "rejected"]).pipe(
  Schema.annotate({
    message:
      "Status: awaitingOperatorReview, approved oder rejected / status: awaitingOperatorReview, approved or rejected"
  })
)
export type OperatorVisibleStatus = typeof OperatorVisibleStatus.Type

export const registrationStatusLabels: Record<RegistrationStatus, { readonly de: string; readonly en: string }> = {
  awaitingEmailConfirmation: { de: "Wartet auf E-Mail-Bestätigung", en: "Awaiting email confirmation" },
  awaitingOperatorReview: { de: "Wartet auf Prüfung durch den Betreiber", en: "Awaiting operator review" },
  approved: { de: "Freigegeben", en: "Approved" },
  rejected: { de: "Abgelehnt", en: "Rejected" },
  expired: { de: "Abgelaufen", en: "Expired" }
}

export const RegisteredOrganization = Schema.Struct({
  name: Schema.String,
  legalForm: Schema.String,
  administrativeLevel: AdministrativeLevel,
  federalState: Schema.NullOr(FederalState),
  address: Schema.Struct({ street: Street, postalCode: PostalCode, city: City, phone: Phone })
})
export type RegisteredOrganization = typeof RegisteredOrganization.Type

export const RegisteredPerson = Schema.Struct({
  firstName: Schema.String,
  lastName: Schema.String,
  email: Email
})
export type RegisteredPerson = typeof RegisteredPerson.Type

/**
 * One registration request. One row shape for every status (nullable fields filled as the lifecycle goes on)
 * rather than a union per status: storage maps it to one table, and `transition` is the only writer of `status`.
 */
export class Registration extends Schema.Class<Registration>("@cloudportal/core/Registration")({
  id: RegistrationId,
  status: RegistrationStatus,
  organization: RegisteredOrganization,
  person: RegisteredPerson,
  /** PHC string; becomes the main admin's password on approval. Never leaves core. */
  passwordHash: Schema.String,
  /** The CSP-AGB version accepted with the form (DOMAIN §2). */
  acceptedTermsId: TermsId,
  submittedAt: Schema.DateTimeUtc,
  /** While unconfirmed: when the registration expires, which is when its live confirmation link dies. */
  confirmationDeadline: Schema.DateTimeUtc,
  confirmedAt: Schema.NullOr(Schema.DateTimeUtc),
  decidedAt: Schema.NullOr(Schema.DateTimeUtc),
  decidedBy: Schema.NullOr(AccountId),
  rejectionReason: Schema.NullOr(Schema.String),
  /** Set on approval: the organization and main admin account created from this registration. */
  organizationId: Schema.NullOr(OrganizationId),
  accountId: Schema.NullOr(AccountId),
  expiredAt: Schema.NullOr(Schema.DateTimeUtc),
  updatedAt: Schema.DateTimeUtc
}) {}

/** Defaults of the registration flow; override with `Layer.succeed(RegistrationPolicyRef, …)`. */
export interface RegistrationPolicy {
  /** Lifetime of a confirmation link, and so of an unconfirmed registration (DOMAIN §2: 72 h). */
  readonly confirmationLinkLifetime: Duration.Duration
  /** How many confirmation mails (first or resent) one address receives per window (DOMAIN §11). */
  readonly perAddress: RateLimit
}
export const defaultRegistrationPolicy: RegistrationPolicy = {
  confirmationLinkLifetime: Duration.hours(72),
  perAddress: { limit: 5, window: Duration.hours(1) }
}

/** A new registration from a decoded form; the password is already hashed. */
export const newRegistration = (input: {
  readonly id: RegistrationId
  readonly form: RegistrationInput
  readonly passwordHash: string
  readonly now: DateTime.Utc
  readonly confirmationDeadline: DateTime.Utc
}): Registration => {
  const { organization, person, acceptedTermsId } = input.form
  return new Registration({
    id: input.id,
    status: "awaitingEmailConfirmation",
    organization: {
      name: organization.name,
      legalForm: organization.legalForm,
      administrativeLevel: organization.administrativeLevel,
      federalState: organization.federalState ?? null,
      address: organization.address
    },
    person,
    passwordHash: input.passwordHash,
    acceptedTermsId,
    submittedAt: input.now,
    confirmationDeadline: input.confirmationDeadline,
    confirmedAt: null,
    decidedAt: null,
    decidedBy: null,
    rejectionReason: null,
    organizationId: null,
    accountId: null,
    expiredAt: null,
    updatedAt: input.now
  })
}

/**
 * The status as it is at `now`: an unconfirmed registration past its deadline is expired whether or not the
 * sweep has written that yet, so that behaviour never depends on when the sweep last ran.
 */
export const effectiveRegistrationStatus = (r: Registration, now: DateTime.Utc): RegistrationStatus =>
  r.status === "awaitingEmailConfirmation" && !DateTime.isLessThan(now, r.confirmationDeadline) ? "expired" : r.status

export const isRegistrationOpen = (r: Registration, now: DateTime.Utc): boolean =>
  openRegistrationStatuses.has(effectiveRegistrationStatus(r, now))

// ---------------------------------------------------------------------------------------------------------------
// The lifecycle as data.

export type RegistrationCommand =
  | { readonly _tag: "confirm" }
  | { readonly _tag: "renewLink"; readonly confirmationDeadline: DateTime.Utc }
  | { readonly _tag: "expire" }
  | { readonly _tag: "approve"; readonly organizationId: OrganizationId; readonly accountId: AccountId }
  | { readonly _tag: "reject"; readonly reason: string }
export type RegistrationCommandName = RegistrationCommand["_tag"]

/**
 * Who may give a command: the applicant proves themselves by the emailed link (confirm) or by the
 * email address (renewLink); expiry is the deadline's, whoever notices; approval and rejection are the operator's.
 */
export type RegistrationParty = "applicant" | "deadline" | "operator"

export interface RegistrationRule {
  readonly from: RegistrationStatus
  readonly command: RegistrationCommandName
  readonly party: RegistrationParty
  readonly to: RegistrationStatus
}

/** Every allowed step and nothing else; `transition`, `allowedCommands` and the printed table read this list. */
export const registrationTransitionTable: ReadonlyArray<RegistrationRule> = [
  { from: "awaitingEmailConfirmation", command: "confirm", party: "applicant", to: "awaitingOperatorReview" },
  { from: "awaitingEmailConfirmation", command: "renewLink", party: "applicant", to: "awaitingEmailConfirmation" },
  { from: "awaitingEmailConfirmation", command: "expire", party: "deadline", to: "expired" },
  { from: "awaitingOperatorReview", command: "approve", party: "operator", to: "approved" },
  { from: "awaitingOperatorReview", command: "reject", party: "operator", to: "rejected" }
]

/** The command is not a step of the lifecycle from the registration's status as it is now. */
export class IllegalRegistrationTransition extends Schema.TaggedError<IllegalRegistrationTransition>()(
  "IllegalRegistrationTransition",
  { registrationId: Schema.String, status: RegistrationStatus, command: Schema.String }
) {}

export type RegistrationTransitionError =
  | IllegalRegistrationTransition
  | PermissionDenied
  | LinkExpiredOrUsed
  | InvalidInput

export const registrationRuleFor = (
  from: RegistrationStatus,
  command: RegistrationCommandName
): RegistrationRule | undefined => registrationTransitionTable.find((r) => r.from === from && r.command === command)

const obstacle = (
  r: Registration,
  rule: RegistrationRule,
  actor: Actor,
  now: DateTime.Utc
): RegistrationTransitionError | undefined => {
  const due = !DateTime.isLessThan(now, r.confirmationDeadline)
  switch (rule.party) {
    case "operator":
      return actor._tag === "Operator" ? undefined : new PermissionDenied({ permission: "operator" })
    case "deadline":
      return due
        ? undefined
        : new IllegalRegistrationTransition({ registrationId: r.id, status: r.status, command: rule.command })
    case "applicant":
      if (!due) return undefined
      return rule.command === "confirm"
        ? new LinkExpiredOrUsed({ purpose: "registrationConfirmation" })
        : new IllegalRegistrationTransition({ registrationId: r.id, status: "expired", command: rule.command })
  }
}

/**
 * Applies one step. Checks that the table has it from the stored status, that the actor's party may take it
 * (operator steps need the operator; applicant steps must come before the deadline, `expire` after it), and that
 * a rejection carries a reason. Returns the next registration.
 */
export const transition = (
  r: Registration,
  command: RegistrationCommand,
  actor: Actor,
  now: DateTime.Utc
): Result.Result<Registration, RegistrationTransitionError> => {
  const rule = registrationRuleFor(r.status, command._tag)
  if (!rule)
    return Result.fail(
      new IllegalRegistrationTransition({
        registrationId: r.id,
        status: effectiveRegistrationStatus(r, now),
        command: command._tag
      })
    )
  const blocked = obstacle(r, rule, actor, now)
  if (blocked) return Result.fail(blocked)
  const base = { ...r, status: rule.to, updatedAt: now }
  switch (command._tag) {
    case "confirm":
      return Result.succeed(new Registration({ ...base, confirmedAt: now }))
    case "renewLink":
      return Result.succeed(new Registration({ ...base, confirmationDeadline: command.confirmationDeadline }))
    case "expire":
      return Result.succeed(new Registration({ ...base, expiredAt: now }))
    case "approve":
      return Result.succeed(
        new Registration({
          ...base,
          decidedAt: now,
          decidedBy: actor._tag === "Operator" ? actor.accountId : null,
          organizationId: command.organizationId,
          accountId: command.accountId
        })
      )
    case "reject": {
      const reason = command.reason.trim()
      if (!reason) return Result.fail(InvalidInput.of(reasonRequired))
      return Result.succeed(
        new Registration({
          ...base,
          decidedAt: now,
          decidedBy: actor._tag === "Operator" ? actor.accountId : null,
          rejectionReason: reason
        })
      )
    }
  }
}

const reasonRequired = {
  path: "reason",
  message: "Eine Ablehnung braucht eine Begründung / a rejection needs a reason"
}

/** The operator's rejection: the reason is shown to the applicant, so it is required. */
export const RejectionInput = Schema.Struct({
  reason: Schema.Trim.pipe(
    Schema.check(
      Schema.isNonEmpty({ message: reasonRequired.message }),
      Schema.isMaxLength(2000, { message: "Begründung: höchstens 2000 Zeichen / reason: at most 2000 characters" })
    ),
    Schema.annotateKey({ messageMissingKey: reasonRequired.message })
  )
})

/** The commands `transition` would accept from this actor now (a rejection still needs its reason). */
export const allowedCommands = (
  r: Registration,
  actor: Actor,
  now: DateTime.Utc
): ReadonlyArray<{ readonly command: RegistrationCommandName; readonly to: RegistrationStatus }> =>
  registrationTransitionTable
    .filter((rule) => rule.from === r.status && !obstacle(r, rule, actor, now))
    .map((rule) => ({ command: rule.command, to: rule.to }))

const partyLabels: Record<RegistrationParty, string> = {
  applicant: "Antragsteller (per Link oder E-Mail-Adresse) / applicant (by link or email address)",
  deadline: "Fristablauf / deadline",
  operator: "Betreiber / operator"
}

/** The lifecycle table as Markdown, for READMEs and reviewers: the table is the rule. */
export const registrationTransitionTableMarkdown = (): string =>
  [
    "| von | Befehl | durch | nach |",
    "|---|---|---|---|",
    ...registrationTransitionTable.map(
      (r) =>
        `| „${registrationStatusLabels[r.from].de}" (\`${r.from}\`) | \`${r.command}\` | ${partyLabels[r.party]} | „${registrationStatusLabels[r.to].de}" (\`${r.to}\`) |`
    )
  ].join("\n")
