import { Context, DateTime, Effect, Layer, Result, Schema } from "effect"
import { CaptchaVerifier } from "../identity/Captcha.ts"
import { issueLink, LinkExpiredOrUsed, LinkTokenStore, PresentedToken, redeemLink } from "../identity/LinkToken.ts"
import { PasswordHasher } from "../identity/PasswordHasher.ts"
import { type Actor, type Operator, system } from "../kernel/Actor.ts"
import { type AuditLog, portalChain, record } from "../kernel/Audit.ts"
import { Email } from "../kernel/Email.ts"
import { base64url, fromBase64url } from "../kernel/Encoding.ts"
import {
  decodeInput,
  FieldIssue,
  InvalidInput,
  issuesOf,
  PermissionDenied,
  type StorageError,
  Unauthenticated
} from "../kernel/Errors.ts"
import type { AccountId, AddressId, OrganizationId, RegistrationId, RoleId } from "../kernel/Ids.ts"
import { enqueue, type Outbox } from "../kernel/Outbox.ts"
import { permissionKeys } from "../kernel/Permission.ts"
import { type RateLimited, RateLimiter } from "../kernel/RateLimiter.ts"
import { newId, type SecureRandom } from "../kernel/SecureRandom.ts"
import { UnitOfWork } from "../kernel/UnitOfWork.ts"
import { Account, displayName, organizationAdminRoleName, Role } from "../members/Account.ts"
import { AccountStore, EmailAlreadyRegistered, RoleStore } from "../members/AccountStore.ts"
import { Address, Organization } from "../organization/Organization.ts"
import { AddressStore, OrganizationAlreadyRegistered, OrganizationStore } from "../organization/OrganizationStore.ts"
import { currentTerms, type NoTermsInForce, type TermsStore } from "../terms/Terms.ts"
import {
  acceptedTermsIssue,
  allowedCommands,
  CaptchaAnswer,
  defaultRegistrationPolicy,
  effectiveRegistrationStatus,
  federalStateIssueOf,
  type IllegalRegistrationTransition,
  isRegistrationOpen,
  newRegistration,
  OperatorVisibleStatus,
  RegisteredOrganization,
  RegisteredPerson,
  type Registration,
  type RegistrationCommand,
  RegistrationInput,
  type RegistrationInputEncoded,
  type RegistrationPolicy,
  RegistrationStatus,
  RejectionInput,
  transition
} from "./Registration.ts"
import { type RegistrationCursor, RegistrationStore, type StaleRegistrationStatus } from "./RegistrationStore.ts"

/** No such registration, or one the operator may not see yet (unconfirmed ones are invisible to the operator). */
export class RegistrationNotFound extends Schema.TaggedError<RegistrationNotFound>()("RegistrationNotFound", {
  registrationId: Schema.String
}) {}

/** Registration lifetimes; override with `Layer.succeed(RegistrationPolicyRef, …)`. */
export const RegistrationPolicyRef = Context.Reference<RegistrationPolicy>("@cloudportal/core/RegistrationPolicy", {
  defaultValue: () => defaultRegistrationPolicy
})

/** What the operator sees of a registration: everything but the password hash, with the steps open to the viewer. */
export const RegistrationView = Schema.Struct({
  id: Schema.String,
  status: RegistrationStatus,
  organization: RegisteredOrganization,
  person: RegisteredPerson,
  acceptedTermsId: Schema.String,
  submittedAt: Schema.DateTimeUtc,
  confirmedAt: Schema.NullOr(Schema.DateTimeUtc),
  decidedAt: Schema.NullOr(Schema.DateTimeUtc),
  decidedBy: Schema.NullOr(Schema.String),
  rejectionReason: Schema.NullOr(Schema.String),
  organizationId: Schema.NullOr(Schema.String),
  allowedActions: Schema.Array(Schema.Struct({ action: Schema.String, to: RegistrationStatus }))
})
export type RegistrationView = typeof RegistrationView.Type

export const registrationView = (r: Registration, viewer: Actor, now: DateTime.Utc): RegistrationView => ({
  id: r.id,
  status: effectiveRegistrationStatus(r, now),
  organization: r.organization,
  person: r.person,
  acceptedTermsId: r.acceptedTermsId,
  submittedAt: r.submittedAt,
  confirmedAt: r.confirmedAt,
  decidedAt: r.decidedAt,
  decidedBy: r.decidedBy,
  rejectionReason: r.rejectionReason,
  organizationId: r.organizationId,
  allowedActions: allowedCommands(r, viewer, now).map((c) => ({ action: c.command, to: c.to }))
})

export const ConfirmRegistrationInput = Schema.Struct({ token: PresentedToken })
export const ResendConfirmationInput = Schema.Struct({
  email: Email.pipe(Schema.annotateKey({ messageMissingKey: "E-Mail-Adresse fehlt / email address is required" }))
})

const maxPageLimit = 200
export const RegistrationListQuery = Schema.Struct({
  status: OperatorVisibleStatus.pipe(Schema.annotateKey({ messageMissingKey: "Status fehlt / status is required" })),
  limit: Schema.optionalKey(
    Schema.Int.pipe(
      Schema.check(
        Schema.isBetween(
          { minimum: 1, maximum: maxPageLimit },
          { message: `limit: 1 bis ${maxPageLimit} / limit: 1 to ${maxPageLimit}` }
        )
      )
    )
  ),
  cursor: Schema.optionalKey(Schema.String)
})

// The cursor is the sort key of the last registration handed out: "<epoch millis>:<id>", base64url.
const encodeCursor = (r: Registration): string =>
  base64url(Uint8Array.from(`${DateTime.toEpochMillis(r.submittedAt)}:${r.id}`, (c) => c.charCodeAt(0)))
const cursorPattern = /^[A-Za-z0-9_-]{1,512}$/u
const decodeCursor = (cursor: string): RegistrationCursor | undefined => {
  if (!cursorPattern.test(cursor) || cursor.length % 4 === 1) return undefined
  const key = String.fromCharCode(...fromBase64url(cursor))
  const match = /^([0-9]{1,15}):([\x21-\x7e]+)$/u.exec(key)
  if (!match) return undefined
  return { submittedAt: DateTime.makeUnsafe(Number(match[1])), id: match[2] as RegistrationId }
}

const defaultPageLimit = 50
const sweepBatch = 100

type ConflictError = OrganizationAlreadyRegistered | EmailAlreadyRegistered

/** Everything the registration use cases read and write through. */
export type RegistrationPorts =
  | UnitOfWork
  | RegistrationStore
  | LinkTokenStore
  | OrganizationStore
  | AddressStore
  | AccountStore
  | RoleStore
  | TermsStore
  | PasswordHasher
  | CaptchaVerifier
  | AuditLog
  | Outbox
  | RateLimiter
  | SecureRandom

export class Registrations extends Context.Service<
  Registrations,
  {
    /**
     * DOMAIN §2.1–2: checks the form (every field at once, the captcha and the current CSP-AGB included), refuses an
     * organization or email already registered or claimed by an open registration, hashes the password, and mails a
     * confirmation link. Status `awaitingEmailConfirmation`.
     */
    readonly submit: (
      input: RegistrationInputEncoded
    ) => Effect.Effect<
      { readonly registrationId: RegistrationId },
      InvalidInput | ConflictError | NoTermsInForce | StaleRegistrationStatus | RateLimited | StorageError
    >
    /** DOMAIN §2.3: the emailed link forwards the registration to the operator. */
    readonly confirm: (input: {
      readonly token: string
    }) => Effect.Effect<
      { readonly registrationId: RegistrationId; readonly status: "awaitingOperatorReview" },
      InvalidInput | LinkExpiredOrUsed | StaleRegistrationStatus | StorageError
    >
    /** A new confirmation link for an unconfirmed registration; the old one dies. Answers the same whatever the email. */
    readonly resendConfirmation: (input: {
      readonly email: string
    }) => Effect.Effect<void, InvalidInput | RateLimited | StorageError>
    /** The operator's work list; unconfirmed registrations are not visible to the operator. */
    readonly list: (
      operator: Actor,
      query: typeof RegistrationListQuery.Encoded
    ) => Effect.Effect<
      { readonly items: ReadonlyArray<RegistrationView>; readonly nextCursor: string | null },
      InvalidInput | PermissionDenied | Unauthenticated | StorageError
    >
    readonly get: (
      operator: Actor,
      id: string
    ) => Effect.Effect<RegistrationView, RegistrationNotFound | PermissionDenied | Unauthenticated | StorageError>
    /**
     * DOMAIN §2.4: creates the organization (customer), its „Organisationsadmin" role, its default address and the
     * main admin account (active, with the registration's password), and tells the applicant.
     */
    readonly approve: (
      operator: Actor,
      id: string
    ) => Effect.Effect<
      {
        readonly registration: RegistrationView
        readonly organizationId: OrganizationId
        readonly accountId: AccountId
      },
      | RegistrationNotFound
      | PermissionDenied
      | Unauthenticated
      | IllegalRegistrationTransition
      | StaleRegistrationStatus
      | ConflictError
      | StorageError
    >
    /** DOMAIN §2.4: rejection with a reason, which the applicant is told. */
    readonly reject: (
      operator: Actor,
      id: string,
      input: typeof RejectionInput.Encoded
    ) => Effect.Effect<
      RegistrationView,
      | InvalidInput
      | RegistrationNotFound
      | PermissionDenied
      | Unauthenticated
      | IllegalRegistrationTransition
      | StaleRegistrationStatus
      | StorageError
    >
    /** Writes `expired` on unconfirmed registrations past their deadline and kills their links; for a schedule. */
    readonly expireOverdue: () => Effect.Effect<{ readonly expired: number }, StorageError>
  }
>()("@cloudportal/core/Registrations") {
  static readonly make = Effect.gen(function* () {
    const context = yield* Effect.context<RegistrationPorts>()
    const uow = Context.get(context, UnitOfWork)
    const registrations = Context.get(context, RegistrationStore)
    const organizations = Context.get(context, OrganizationStore)
    const accounts = Context.get(context, AccountStore)
    const hasher = Context.get(context, PasswordHasher)
    const captcha = Context.get(context, CaptchaVerifier)
    const limiter = Context.get(context, RateLimiter)
    /** DOMAIN §11: mails to one address are limited. Inside the unit of work, so a refused request spends nothing. */
    const limitMail = (email: string, rule: RegistrationPolicy["perAddress"]) =>
      limiter.consume(`mail:registrationConfirmation:${email}`, rule)

    /** Runs in one unit of work with every port of this service at hand. */
    const inTransaction = <A, E>(effect: Effect.Effect<A, E, RegistrationPorts>) =>
      uow.transaction(effect).pipe(Effect.provideContext(context))
    const withPorts = <A, E>(effect: Effect.Effect<A, E, RegistrationPorts>) =>
      effect.pipe(Effect.provideContext(context))

    const audit = (actor: Actor, r: Registration, action: string, before: Registration | null, extra?: object) =>
      record({
        chain: portalChain,
        actor,
        action,
        subject: { type: "registration", id: r.id },
        before: before && { status: before.status },
        after: { status: r.status, ...extra }
      })

    const apply = Effect.fnUntraced(function* (r: Registration, command: RegistrationCommand, actor: Actor) {
      const now = yield* DateTime.now
      const next = yield* Effect.fromResult(transition(r, command, actor, now))
      // A transition never changes the email or the organization name, so the store's uniqueness cannot object.
      yield* registrations
        .update(next, r.status)
        .pipe(Effect.catchTags({ EmailAlreadyRegistered: Effect.die, OrganizationAlreadyRegistered: Effect.die }))
      return next
    })

    /** Writes the expiry of an overdue registration: status, dead links, audit. */
    const expireOne = Effect.fnUntraced(function* (r: Registration) {
      const next = yield* apply(r, { _tag: "expire" }, system).pipe(
        Effect.catchTags({ PermissionDenied: Effect.die, InvalidInput: Effect.die, LinkExpiredOrUsed: Effect.die })
      )
      yield* LinkTokenStore.use((s) => s.revokeAll("registrationConfirmation", r.id, next.updatedAt))
      yield* audit(system, next, "registration.expired", r)
      return next
    })

    /**
     * Why this organization or email cannot be registered now, if anything stands in the way. Open registrations
     * past their deadline do not count; with `expireStale` their expiry is written on the way.
     */
    const conflictOf = Effect.fnUntraced(function* (form: RegistrationInput, expireStale: boolean) {
      const now = yield* DateTime.now
      const { name } = form.organization
      const { email } = form.person
      if (yield* organizations.findByName(name)) return new OrganizationAlreadyRegistered({ name })
      const byName = yield* registrations.findOpenByOrganizationName(name)
      if (byName && isRegistrationOpen(byName, now)) return new OrganizationAlreadyRegistered({ name })
      if (yield* accounts.findByEmail(email)) return new EmailAlreadyRegistered({ email })
      const byEmail = yield* registrations.findOpenByEmail(email)
      if (byEmail && isRegistrationOpen(byEmail, now)) return new EmailAlreadyRegistered({ email })
      if (expireStale) {
        const stale = [byName, byEmail].filter(
          (r, i, all): r is Registration => !!r && all.findIndex((o) => o?.id === r.id) === i
        )
        for (const r of stale) yield* expireOne(r).pipe(Effect.catchTag("IllegalRegistrationTransition", Effect.die))
      }
      return undefined
    })

    /** Every issue of the form at once: the Schema's, the Land rule's, the CSP-AGB version's and the captcha's. */
    const decodeForm = Effect.fnUntraced(function* (input: unknown) {
      const terms = yield* currentTerms
      const decoded = Schema.decodeUnknownResult(RegistrationInput)(input, { errors: "all" })
      const issues: Array<FieldIssue> = Result.isFailure(decoded) ? [...issuesOf(decoded.failure.issue)] : []
      const raw = typeof input === "object" && input !== null ? (input as Record<string, unknown>) : {}
      const landIssue = federalStateIssueOf(input)
      if (landIssue && !issues.some((i) => i.path === landIssue.path)) issues.push(landIssue)
      const agbIssue = acceptedTermsIssue(raw.acceptedTermsId, terms.id)
      if (agbIssue) issues.push(agbIssue)
      // A challenge is consumed by checking it, so it is checked whenever it was sent, and its failure is
      // reported together with everything else rather than after the next attempt.
      const challenge = Schema.decodeUnknownOption(CaptchaAnswer)(raw.captcha)
      if (challenge._tag === "Some") {
        const solved = yield* captcha.verify(challenge.value.challengeId, challenge.value.answer)
        if (!solved)
          issues.push(
            new FieldIssue({
              path: "captcha.answer",
              message: "Captcha nicht gelöst oder abgelaufen / captcha not solved or expired"
            })
          )
      }
      if (issues.length > 0 || Result.isFailure(decoded)) return yield* new InvalidInput({ issues })
      return decoded.success
    })

    const submit = Effect.fn("Registrations.submit")(function* (input: RegistrationInputEncoded) {
      const form = yield* withPorts(decodeForm(input))
      // Refuse early and cheaply before paying for the hash; the unit of work checks again, and the stores hold it.
      const early = yield* withPorts(conflictOf(form, false))
      if (early) return yield* early
      const passwordHash = yield* hasher.hash(form.password)
      const policy = yield* RegistrationPolicyRef
      return yield* inTransaction(
        Effect.gen(function* () {
          const conflict = yield* conflictOf(form, true)
          if (conflict) return yield* conflict
          yield* limitMail(form.person.email, policy.perAddress)
          const now = yield* DateTime.now
          const id = yield* newId<RegistrationId>("reg")
          const link = yield* issueLink({
            purpose: "registrationConfirmation",
            subjectId: id,
            email: form.person.email,
            lifetime: policy.confirmationLinkLifetime
          })
          const r = newRegistration({ id, form, passwordHash, now, confirmationDeadline: link.expiresAt })
          yield* registrations.insert(r)
          yield* enqueue({
            _tag: "RegistrationConfirmationLink",
            recipient: r.person.email,
            recipientName: displayName(r.person),
            locale: "de",
            organizationName: r.organization.name,
            token: link.token,
            expiresAt: link.expiresAt
          })
          yield* audit(system, r, "registration.submitted", null, {
            organizationName: r.organization.name,
            email: r.person.email,
            acceptedTermsId: r.acceptedTermsId
          })
          return { registrationId: id }
        })
      )
    })

    const confirm = Effect.fn("Registrations.confirm")(function* (input: { readonly token: string }) {
      const { token } = yield* decodeInput(ConfirmRegistrationInput)(input)
      return yield* inTransaction(
        Effect.gen(function* () {
          const link = yield* redeemLink("registrationConfirmation", token)
          const r = yield* registrations.get(link.subjectId as RegistrationId)
          if (!r || r.person.email !== link.email)
            return yield* new LinkExpiredOrUsed({ purpose: "registrationConfirmation" })
          const next = yield* apply(r, { _tag: "confirm" }, system).pipe(
            Effect.catchTags({
              // The link outlived its registration's status (decided meanwhile): for the holder it is spent.
              IllegalRegistrationTransition: () =>
                Effect.fail(new LinkExpiredOrUsed({ purpose: "registrationConfirmation" })),
              PermissionDenied: Effect.die,
              InvalidInput: Effect.die
            })
          )
          yield* audit(system, next, "registration.emailConfirmed", r)
          return { registrationId: next.id, status: "awaitingOperatorReview" as const }
        })
      )
    })

    const resendConfirmation = Effect.fn("Registrations.resendConfirmation")(function* (input: {
      readonly email: string
    }) {
      const { email } = yield* decodeInput(ResendConfirmationInput)(input)
      const policy = yield* RegistrationPolicyRef
      yield* inTransaction(
        Effect.gen(function* () {
          // Counted for every address, known or not, so that the limit does not tell which have a registration.
          yield* limitMail(email, policy.perAddress)
          const r = yield* registrations.findOpenByEmail(email)
          if (r?.status !== "awaitingEmailConfirmation") return
          const now = yield* DateTime.now
          if (!isRegistrationOpen(r, now)) {
            yield* expireOne(r)
            return
          }
          const link = yield* issueLink({
            purpose: "registrationConfirmation",
            subjectId: r.id,
            email,
            lifetime: policy.confirmationLinkLifetime
          })
          const next = yield* apply(r, { _tag: "renewLink", confirmationDeadline: link.expiresAt }, system)
          yield* enqueue({
            _tag: "RegistrationConfirmationLink",
            recipient: next.person.email,
            recipientName: displayName(next.person),
            locale: "de",
            organizationName: next.organization.name,
            token: link.token,
            expiresAt: link.expiresAt
          })
          yield* audit(system, next, "registration.confirmationLinkRenewed", r, {
            confirmationDeadline: DateTime.formatIso(link.expiresAt)
          })
        })
      ).pipe(
        // The answer must not tell whether the email had an open registration, nor that a concurrent step won.
        Effect.catchTags({
          IllegalRegistrationTransition: () => Effect.void,
          StaleRegistrationStatus: () => Effect.void,
          PermissionDenied: Effect.die,
          InvalidInput: Effect.die,
          LinkExpiredOrUsed: Effect.die
        })
      )
    })

    /** The acting operator, re-read so that a decision never rests on a revoked operator account. */
    const loadOperator = Effect.fnUntraced(function* (actor: Actor) {
      if (actor._tag !== "Operator") return yield* new PermissionDenied({ permission: "operator" })
      const account = yield* accounts.get(actor.accountId)
      if (account?.kind !== "operator" || account.status !== "active") return yield* new Unauthenticated()
      return actor satisfies Operator
    })

    /** A registration the operator may see: confirmed at least. */
    const loadVisible = Effect.fnUntraced(function* (id: string) {
      const r = id === "" ? undefined : yield* registrations.get(id as RegistrationId)
      if (!r || !Schema.is(OperatorVisibleStatus)(r.status))
        return yield* new RegistrationNotFound({ registrationId: id })
      return r
    })

    const list = Effect.fn("Registrations.list")(function* (
      operator: Actor,
      query: typeof RegistrationListQuery.Encoded
    ) {
      const actor = yield* loadOperator(operator)
      const q = yield* decodeInput(RegistrationListQuery)(query)
      const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor)
      if (q.cursor !== undefined && !after)
        return yield* InvalidInput.of({ path: "cursor", message: "Ungültiger Cursor / invalid cursor" })
      const limit = q.limit ?? defaultPageLimit
      const rows = yield* registrations.listByStatus(q.status, { limit: limit + 1, after })
      const now = yield* DateTime.now
      const items = rows.slice(0, limit)
      const last = items.at(-1)
      return {
        items: items.map((r) => registrationView(r, actor, now)),
        nextCursor: rows.length > limit && last ? encodeCursor(last) : null
      }
    })

    const get = Effect.fn("Registrations.get")(function* (operator: Actor, id: string) {
      const actor = yield* loadOperator(operator)
      const r = yield* loadVisible(id)
      return registrationView(r, actor, yield* DateTime.now)
    })

    const approve = Effect.fn("Registrations.approve")(function* (operator: Actor, id: string) {
      const actor = yield* loadOperator(operator)
      return yield* inTransaction(
        Effect.gen(function* () {
          const r = yield* loadVisible(id)
          const now = yield* DateTime.now
          const organizationId = yield* newId<OrganizationId>("org")
          const accountId = yield* newId<AccountId>("acc")
          const next = yield* apply(r, { _tag: "approve", organizationId, accountId }, actor).pipe(
            Effect.catchTag("InvalidInput", Effect.die),
            Effect.catchTag("LinkExpiredOrUsed", Effect.die)
          )
          const { organization: o, person } = r
          const organization = new Organization({
            id: organizationId,
            name: o.name,
            legalForm: o.legalForm,
            administrativeLevel: o.administrativeLevel,
            federalState: o.federalState,
            capabilities: ["customer"],
            supplementary: { website: null, contactEmail: null, note: null },
            masterDataReviewRequired: false,
            createdAt: now,
            updatedAt: now
          })
          const role = new Role({
            id: yield* newId<RoleId>("role"),
            organizationId,
            name: organizationAdminRoleName,
            permissions: [...permissionKeys],
            builtIn: true
          })
          const address = new Address({
            id: yield* newId<AddressId>("adr"),
            organizationId,
            kind: "location",
            street: o.address.street,
            postalCode: o.address.postalCode,
            city: o.address.city,
            phone: o.address.phone,
            leitwegId: null,
            isDefault: true
          })
          // The main admin also holds the built-in admin role, so a later reassignment of the main admin by the
          // operator leaves the former one an organization admin rather than an unprivileged employee.
          const account = new Account({
            id: accountId,
            kind: "member",
            organizationId,
            email: person.email,
            firstName: person.firstName,
            lastName: person.lastName,
            status: "active",
            isMainAdmin: true,
            roleIds: [role.id],
            passwordHash: r.passwordHash,
            passwordResetRequired: false,
            createdAt: now,
            updatedAt: now
          })
          yield* organizations.insert(organization)
          yield* RoleStore.use((s) => s.insert(role)).pipe(Effect.catchTag("RoleNameTaken", Effect.die))
          yield* AddressStore.use((s) => s.insert(address)).pipe(Effect.catchTag("DefaultAddressConflict", Effect.die))
          yield* accounts.insert(account).pipe(Effect.catchTag("MainAdminConflict", Effect.die))

          const chain = organizationId as string
          const entry = (action: string, subject: { type: string; id: string }, after: Schema.Json) =>
            record({ chain, actor, action, subject, before: null, after })
          yield* entry(
            "organization.created",
            { type: "organization", id: organizationId },
            {
              name: organization.name,
              legalForm: organization.legalForm,
              administrativeLevel: organization.administrativeLevel,
              federalState: organization.federalState,
              capabilities: [...organization.capabilities],
              registrationId: r.id,
              acceptedTermsId: r.acceptedTermsId
            }
          )
          yield* entry(
            "role.created",
            { type: "role", id: role.id },
            {
              name: role.name,
              permissions: [...role.permissions],
              builtIn: true
            }
          )
          yield* entry(
            "address.created",
            { type: "address", id: address.id },
            {
              kind: address.kind,
              street: address.street,
              postalCode: address.postalCode,
              city: address.city,
              phone: address.phone,
              isDefault: true
            }
          )
          yield* entry(
            "account.created",
            { type: "account", id: account.id },
            {
              email: account.email,
              firstName: account.firstName,
              lastName: account.lastName,
              status: account.status,
              isMainAdmin: true,
              roleIds: [...account.roleIds]
            }
          )
          yield* audit(actor, next, "registration.approved", r, { organizationId, accountId })
          yield* enqueue({
            _tag: "RegistrationApproved",
            recipient: person.email,
            recipientName: displayName(person),
            locale: "de",
            organizationName: organization.name
          })
          return { registration: registrationView(next, actor, now), organizationId, accountId }
        })
      )
    })

    const reject = Effect.fn("Registrations.reject")(function* (
      operator: Actor,
      id: string,
      input: typeof RejectionInput.Encoded
    ) {
      const actor = yield* loadOperator(operator)
      const { reason } = yield* decodeInput(RejectionInput)(input)
      return yield* inTransaction(
        Effect.gen(function* () {
          const r = yield* loadVisible(id)
          const next = yield* apply(r, { _tag: "reject", reason }, actor).pipe(
            Effect.catchTag("LinkExpiredOrUsed", Effect.die)
          )
          yield* audit(actor, next, "registration.rejected", r, { reason })
          yield* enqueue({
            _tag: "RegistrationRejected",
            recipient: r.person.email,
            recipientName: displayName(r.person),
            locale: "de",
            organizationName: r.organization.name,
            reason
          })
          return registrationView(next, actor, next.updatedAt)
        })
      )
    })

    const expireOverdue = Effect.fn("Registrations.expireOverdue")(function* () {
      let expired = 0
      for (;;) {
        const now = yield* DateTime.now
        const due = yield* registrations.listOverdue(now, sweepBatch)
        for (const r of due) {
          // One short unit of work per registration; one that changed meanwhile is simply no longer due.
          const done = yield* inTransaction(expireOne(r)).pipe(
            Effect.as(1),
            Effect.catchTags({
              StaleRegistrationStatus: () => Effect.succeed(0),
              IllegalRegistrationTransition: () => Effect.succeed(0)
            })
          )
          expired += done
        }
        if (due.length < sweepBatch) return { expired }
      }
    })

    return Registrations.of({
      submit,
      confirm,
      resendConfirmation,
      list,
      get,
      approve,
      reject,
      expireOverdue: () => expireOverdue()
    })
  })

  static readonly layer = Layer.effect(Registrations)(Registrations.make)
}
