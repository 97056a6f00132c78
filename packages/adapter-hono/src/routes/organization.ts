import {
  Address,
  Addresses,
  AddressInput,
  AddressPatch,
  AuditEvent,
  AuditTrail,
  DeclareInhouseInput,
  InhouseDeclaration,
  InhouseDeclarations,
  MissingItem,
  OrganizationProfile,
  ProfileUpdate,
  ProfileView
} from "@cloudportal/core"
import { Schema } from "effect"
import { Hono } from "hono"
import type { Deps } from "../deps.ts"
import { PageOf, toJson } from "../json.ts"
import { describe } from "../openapi.ts"
import { jsonBody, jsonBodyCheckedByCore, PageQuery, queryOf, rawBody } from "../validation.ts"

const tag = "Organization"

const CompletenessJson = Schema.Struct({ missing: Schema.Array(MissingItem) })

const ChainVerificationJson = Schema.Union([
  Schema.Struct({ ok: Schema.Literal(true), events: Schema.Int }),
  Schema.Struct({ ok: Schema.Literal(false), brokenAt: Schema.String })
])

/** „Persönliches Profil", master data, „Adressen", „Inhousefähigkeit" and the audit trail of the own organization. */
export const organizationRoutes = ({ runner, session }: Deps) =>
  new Hono()
    .get(
      "/",
      describe({
        tag,
        summary: "The own organization: profile, supplementary information, flags",
        auth: "session",
        success: { status: 200, description: "The profile", schema: ProfileView }
      }),
      session,
      async (c) => {
        const profile = await runner.run(
          c,
          OrganizationProfile.use((p) => p.get(c.var.session.actor))
        )
        return c.json(toJson(ProfileView, profile), 200)
      }
    )
    .patch(
      "/",
      describe({
        tag,
        summary: "Edit the profile (organization.profile.edit); name and legal form only by the operator",
        auth: "session",
        success: { status: 200, description: "The profile", schema: ProfileView },
        errors: ["PermissionDenied", "OperatorOnly"]
      }),
      session,
      jsonBody(ProfileUpdate),
      async (c) => {
        const body = await rawBody(c)
        const profile = await runner.run(
          c,
          OrganizationProfile.use((p) => p.update(c.var.session.actor, body))
        )
        return c.json(toJson(ProfileView, profile), 200)
      }
    )
    .get(
      "/completeness",
      describe({
        tag,
        summary: "What is missing from the master data",
        auth: "session",
        success: { status: 200, description: "Missing items, in display order", schema: CompletenessJson }
      }),
      session,
      async (c) => {
        const result = await runner.run(
          c,
          OrganizationProfile.use((p) => p.completeness(c.var.session.actor))
        )
        return c.json(toJson(CompletenessJson, result), 200)
      }
    )
    .post(
      "/master-data-review",
      describe({
        tag,
        summary: "Confirm the review of the master data after the migration (admins)",
        auth: "session",
        success: { status: 204, description: "Confirmed" },
        errors: ["PermissionDenied"]
      }),
      session,
      async (c) => {
        await runner.run(
          c,
          OrganizationProfile.use((p) => p.confirmMasterDataReview(c.var.session.actor))
        )
        return c.body(null, 204)
      }
    )
    .get(
      "/addresses",
      describe({
        tag,
        summary: "„Adressen“: the default address first",
        auth: "session",
        success: { status: 200, description: "A page of addresses", schema: PageOf(Address) }
      }),
      session,
      queryOf(PageQuery),
      async (c) => {
        const page = await runner.run(
          c,
          Addresses.use((a) => a.list(c.var.session.actor, c.req.valid("query")))
        )
        return c.json(toJson(PageOf(Address), page), 200)
      }
    )
    .post(
      "/addresses",
      describe({
        tag,
        summary: "Add an address (organization.addresses.manage)",
        auth: "session",
        success: { status: 201, description: "The new address", schema: Address },
        errors: ["PermissionDenied", "DefaultAddressConflict"]
      }),
      session,
      jsonBody(AddressInput),
      async (c) => {
        const body = await rawBody(c)
        const address = await runner.run(
          c,
          Addresses.use((a) => a.create(c.var.session.actor, body))
        )
        return c.json(toJson(Address, address), 201)
      }
    )
    .patch(
      "/addresses/:id",
      describe({
        tag,
        summary: "Edit an address",
        auth: "session",
        success: { status: 200, description: "The address", schema: Address },
        errors: ["PermissionDenied", "AddressNotFound", "DefaultAddressRequired"]
      }),
      session,
      jsonBody(AddressPatch),
      async (c) => {
        const body = await rawBody(c)
        const address = await runner.run(
          c,
          Addresses.use((a) => a.edit(c.var.session.actor, c.req.param("id"), body))
        )
        return c.json(toJson(Address, address), 200)
      }
    )
    .delete(
      "/addresses/:id",
      describe({
        tag,
        summary: "Delete an address; never the default one",
        auth: "session",
        success: { status: 204, description: "Deleted" },
        errors: ["PermissionDenied", "AddressNotFound", "DefaultAddressNotDeletable"]
      }),
      session,
      async (c) => {
        await runner.run(
          c,
          Addresses.use((a) => a.delete(c.var.session.actor, c.req.param("id")))
        )
        return c.body(null, 204)
      }
    )
    .post(
      "/addresses/:id/make-default",
      describe({
        tag,
        summary: "Make an address the „Standardadresse“",
        auth: "session",
        success: { status: 200, description: "The new default address", schema: Address },
        errors: ["PermissionDenied", "AddressNotFound"]
      }),
      session,
      async (c) => {
        const address = await runner.run(
          c,
          Addresses.use((a) => a.makeDefault(c.var.session.actor, c.req.param("id")))
        )
        return c.json(toJson(Address, address), 200)
      }
    )
    .get(
      "/inhouse-declarations",
      describe({
        tag,
        summary: "The control edges this organization declared („Inhousefähigkeit“)",
        auth: "session",
        success: { status: 200, description: "A page of declarations", schema: PageOf(InhouseDeclaration) }
      }),
      session,
      queryOf(PageQuery),
      async (c) => {
        const page = await runner.run(
          c,
          InhouseDeclarations.use((d) => d.list(c.var.session.actor, c.req.valid("query")))
        )
        return c.json(toJson(PageOf(InhouseDeclaration), page), 200)
      }
    )
    .post(
      "/inhouse-declarations",
      describe({
        tag,
        summary: "Declare an in-house relationship: `controls` or `controlledBy`, with evidence and validity",
        auth: "session",
        success: { status: 201, description: "The declaration", schema: InhouseDeclaration },
        errors: ["PermissionDenied", "DuplicateInhouseDeclaration"]
      }),
      session,
      jsonBodyCheckedByCore(DeclareInhouseInput),
      async (c) => {
        const body = await rawBody(c)
        const declaration = await runner.run(
          c,
          InhouseDeclarations.use((d) => d.declare(c.var.session.actor, body))
        )
        return c.json(toJson(InhouseDeclaration, declaration), 201)
      }
    )
    .delete(
      "/inhouse-declarations/:id",
      describe({
        tag,
        summary: "End a declaration (kept for the orders that relied on it)",
        auth: "session",
        success: { status: 204, description: "Ended" },
        errors: ["PermissionDenied", "InhouseDeclarationNotFound"]
      }),
      session,
      async (c) => {
        await runner.run(
          c,
          InhouseDeclarations.use((d) => d.end(c.var.session.actor, c.req.param("id")))
        )
        return c.body(null, 204)
      }
    )
    .get(
      "/audit-events",
      describe({
        tag,
        summary: "The organization's audit trail, oldest first, with the hash chain fields (admins)",
        description:
          "Each event carries `sequence`, `previousHash` and `hash`: the chain can be verified by recomputing the hashes.",
        auth: "session",
        success: { status: 200, description: "A page of audit events", schema: PageOf(AuditEvent) },
        errors: ["PermissionDenied"]
      }),
      session,
      queryOf(PageQuery),
      async (c) => {
        const page = await runner.run(
          c,
          AuditTrail.use((t) => t.list(c.var.session.actor, c.req.valid("query")))
        )
        return c.json(toJson(PageOf(AuditEvent), page), 200)
      }
    )
    .get(
      "/audit-events/verification",
      describe({
        tag,
        summary: "Verifies the organization's whole hash chain (admins)",
        auth: "session",
        success: {
          status: 200,
          description: "`{ ok, events }` or `{ ok: false, brokenAt }`",
          schema: ChainVerificationJson
        },
        errors: ["PermissionDenied"]
      }),
      session,
      async (c) => {
        const result = await runner.run(
          c,
          AuditTrail.use((t) => t.verify(c.var.session.actor))
        )
        return c.json(result, 200)
      }
    )
