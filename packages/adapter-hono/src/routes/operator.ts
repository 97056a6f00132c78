import {
  type Actor,
  Authentication,
  FieldIssue,
  ImportInput,
  MainAdminReassignment,
  Members,
  MemberView,
  MigrationImport,
  OperatorProfileUpdate,
  OperatorVisibleStatus,
  Ordering,
  OrganizationProfile,
  PermissionDenied,
  ProfileView,
  PublishTermsInput,
  Registrations,
  RegistrationView,
  RejectionInput,
  Terms,
  TermsVersion,
  Threshold,
  Thresholds,
  ThresholdTableInput
} from "@cloudportal/core"
import { Schema } from "effect"
import { type Context, Hono } from "hono"
import type { Deps } from "../deps.ts"
import { PageOf, toJson } from "../json.ts"
import { describe } from "../openapi.ts"
import { coreProblem } from "../runtime.ts"
import { jsonBody, Limit, queryOf, rawBody } from "../validation.ts"
import { CountJson, RegistrationApprovalJson } from "../views.ts"

const tag = "Operator"

export const RegistrationListQuery = Schema.Struct({
  /** Default: awaitingOperatorReview, the operator's work list. */
  status: Schema.optionalKey(OperatorVisibleStatus),
  limit: Schema.optionalKey(Limit),
  cursor: Schema.optionalKey(Schema.String)
})

export const ImportQuery = Schema.Struct({ dryRun: Schema.optionalKey(Schema.Literals(["true", "false"])) })

export const ImportReportJson = Schema.Struct({
  dryRun: Schema.Boolean,
  organizations: Schema.Int,
  addresses: Schema.Int,
  accounts: Schema.Int,
  problems: Schema.Array(FieldIssue)
})

export const ThresholdTableJson = Schema.Struct({ thresholds: Schema.Array(Threshold) })

/** Portal staff (Betreiber / DVC support): registrations, master data, main admins, CSP-AGB, thresholds, sweeps. */
export const operatorRoutes = ({ runner, session }: Deps) =>
  new Hono()
    .get(
      "/registrations",
      describe({
        tag,
        summary: "Registrations by status (default: awaitingOperatorReview)",
        auth: "operator",
        success: { status: 200, description: "A page of registrations", schema: PageOf(RegistrationView) }
      }),
      session,
      queryOf(RegistrationListQuery),
      async (c) => {
        const query = c.req.valid("query")
        const page = await runner.run(
          c,
          Registrations.use((r) =>
            r.list(c.var.session.actor, { ...query, status: query.status ?? "awaitingOperatorReview" })
          )
        )
        return c.json(toJson(PageOf(RegistrationView), page), 200)
      }
    )
    .get(
      "/registrations/:id",
      describe({
        tag,
        summary: "One registration",
        auth: "operator",
        success: { status: 200, description: "The registration", schema: RegistrationView },
        errors: ["RegistrationNotFound"]
      }),
      session,
      async (c) => {
        const registration = await runner.run(
          c,
          Registrations.use((r) => r.get(c.var.session.actor, c.req.param("id")))
        )
        return c.json(toJson(RegistrationView, registration), 200)
      }
    )
    .post(
      "/registrations/:id/approve",
      describe({
        tag,
        summary: "Approve: creates the organization and its main admin",
        auth: "operator",
        success: { status: 200, description: "Approved", schema: RegistrationApprovalJson },
        errors: [
          "RegistrationNotFound",
          "IllegalRegistrationTransition",
          "StaleRegistrationStatus",
          "OrganizationAlreadyRegistered",
          "EmailAlreadyRegistered"
        ]
      }),
      session,
      async (c) => {
        const approval = await runner.run(
          c,
          Registrations.use((r) => r.approve(c.var.session.actor, c.req.param("id")))
        )
        return c.json(toJson(RegistrationApprovalJson, approval), 200)
      }
    )
    .post(
      "/registrations/:id/reject",
      describe({
        tag,
        summary: "Reject with a reason, which the applicant is told",
        auth: "operator",
        success: { status: 200, description: "Rejected", schema: RegistrationView },
        errors: ["RegistrationNotFound", "IllegalRegistrationTransition", "StaleRegistrationStatus"]
      }),
      session,
      jsonBody(RejectionInput),
      async (c) => {
        const body = (await rawBody(c)) as typeof RejectionInput.Encoded
        const registration = await runner.run(
          c,
          Registrations.use((r) => r.reject(c.var.session.actor, c.req.param("id") ?? "", body))
        )
        return c.json(toJson(RegistrationView, registration), 200)
      }
    )
    .post(
      "/registrations/expire-overdue",
      describe({
        tag,
        summary: "Expire unconfirmed registrations past their link's lifetime (also run on a schedule)",
        auth: "operator",
        success: { status: 200, description: "How many expired", schema: CountJson }
      }),
      session,
      async (c) => {
        requireOperator(c.var.session.actor, c)
        const result = await runner.run(
          c,
          Registrations.use((r) => r.expireOverdue())
        )
        return c.json(toJson(CountJson, result), 200)
      }
    )
    .patch(
      "/organizations/:id",
      describe({
        tag,
        summary: "Change name, legal form or capabilities of an organization; the reason is recorded",
        auth: "operator",
        success: { status: 200, description: "The profile", schema: ProfileView },
        errors: ["OrganizationNotFound", "OrganizationAlreadyRegistered"]
      }),
      session,
      jsonBody(OperatorProfileUpdate),
      async (c) => {
        const body = await rawBody(c)
        const profile = await runner.run(
          c,
          OrganizationProfile.use((p) => p.updateAsOperator(c.var.session.actor, c.req.param("id"), body))
        )
        return c.json(toJson(ProfileView, profile), 200)
      }
    )
    .post(
      "/organizations/:id/main-admin",
      describe({
        tag,
        summary: "Make another active member the organization's main admin; the reason is recorded",
        auth: "operator",
        success: { status: 200, description: "The new main admin", schema: MemberView },
        errors: ["OrganizationNotFound", "AccountNotFound", "IneligibleMainAdmin"]
      }),
      session,
      jsonBody(MainAdminReassignment),
      async (c) => {
        const body = await rawBody(c)
        const member = await runner.run(
          c,
          Members.use((m) => m.reassignMainAdmin(c.var.session.actor, c.req.param("id"), body))
        )
        return c.json(toJson(MemberView, member), 200)
      }
    )
    .post(
      "/accounts/:id/password-reset",
      describe({
        tag,
        summary: "Send an account a „Passwort vergessen“ link; the operator never sets a password",
        auth: "operator",
        success: { status: 202, description: "Mailed" },
        errors: ["AccountNotFound", "IllegalAccountTransition"]
      }),
      session,
      async (c) => {
        requireOperator(c.var.session.actor, c)
        await runner.run(
          c,
          Authentication.use((a) => a.startPasswordReset(c.var.session.actor, c.req.param("id")))
        )
        return c.body(null, 202)
      }
    )
    .post(
      "/terms",
      describe({
        tag,
        summary: "Publish a new CSP-AGB version",
        auth: "operator",
        success: { status: 201, description: "The version", schema: TermsVersion },
        errors: ["TermsVersionExists"]
      }),
      session,
      jsonBody(PublishTermsInput),
      async (c) => {
        const body = (await rawBody(c)) as typeof PublishTermsInput.Encoded
        const terms = await runner.run(
          c,
          Terms.use((t) => t.publish(c.var.session.actor, body))
        )
        return c.json(toJson(TermsVersion, terms), 201)
      }
    )
    .put(
      "/thresholds",
      describe({
        tag,
        summary: "Replace the procurement thresholds table („Bagatellgrenzen“)",
        auth: "operator",
        success: { status: 200, description: "The table in force", schema: ThresholdTableJson }
      }),
      session,
      jsonBody(ThresholdTableInput),
      async (c) => {
        const body = await rawBody(c)
        const thresholds = await runner.run(
          c,
          Thresholds.use((t) => t.replace(c.var.session.actor, body))
        )
        return c.json(toJson(ThresholdTableJson, { thresholds }), 200)
      }
    )
    .post(
      "/imports",
      describe({
        tag,
        summary: "Migration import from the previous system (`?dryRun=true` reports every problem, writes nothing)",
        description:
          "Organizations with addresses and accounts. Imported accounts set their password through „Passwort vergessen“; imported organizations review their master data. A real run writes everything or, with any problem, nothing (400 listing every problem).",
        auth: "operator",
        success: { status: 200, description: "The import report", schema: ImportReportJson }
      }),
      session,
      queryOf(ImportQuery),
      jsonBody(ImportInput),
      async (c) => {
        const body = await rawBody(c)
        const dryRun = c.req.valid("query").dryRun === "true"
        const report = await runner.run(
          c,
          MigrationImport.use((m) => m.run(c.var.session.actor, body, { dryRun }))
        )
        return c.json(toJson(ImportReportJson, report), 200)
      }
    )
    .post(
      "/orders/expire-overdue",
      describe({
        tag,
        summary: "Expire every order whose decision period passed (also run on a schedule)",
        auth: "operator",
        success: { status: 200, description: "How many expired", schema: CountJson }
      }),
      session,
      async (c) => {
        requireOperator(c.var.session.actor, c)
        const expired = await runner.run(
          c,
          Ordering.use((o) => o.expireOverdue())
        )
        return c.json(toJson(CountJson, { expired }), 200)
      }
    )

/**
 * Routes without a use case that checks the actor (the sweeps belong to the system, the import does not exist
 * yet): over HTTP only a signed-in operator may use them. The session was authenticated for this request.
 */
const requireOperator = (actor: Actor, c: Context): void => {
  if (actor._tag !== "Operator") throw coreProblem(c, new PermissionDenied({ permission: "operator" }))
}
