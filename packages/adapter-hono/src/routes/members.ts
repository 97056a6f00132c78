import { Authentication, InvitationInput, MemberEdit, Members, MemberView, RoleAssignment } from "@cloudportal/core"
import { Hono } from "hono"
import type { Deps } from "../deps.ts"
import { PageOf, toJson } from "../json.ts"
import { describe } from "../openapi.ts"
import { field } from "../rateLimit.ts"
import { jsonBody, PageQuery, queryOf, rawBody } from "../validation.ts"
import { memberViewJson } from "./memberJson.ts"

const tag = "Members"

/** Accounts of the own organization: „Konto hinzufügen", lifecycle, names and roles. */
export const memberRoutes = ({ runner, session, limit }: Deps) => {
  return new Hono()
    .get(
      "/",
      describe({
        tag,
        summary: "The organization's members, each with `allowedActions` for the viewer",
        auth: "session",
        success: { status: 200, description: "A page of members", schema: PageOf(MemberView) }
      }),
      session,
      queryOf(PageQuery),
      async (c) => {
        const page = await runner.run(
          c,
          Members.use((m) => m.list(c.var.session.actor, c.req.valid("query")))
        )
        return c.json({ items: page.items.map(memberViewJson), nextCursor: page.nextCursor }, 200)
      }
    )
    .post(
      "/",
      describe({
        tag,
        summary: "„Konto hinzufügen“: invite a person (members.invite)",
        auth: "session",
        success: { status: 201, description: "The invited account", schema: MemberView },
        errors: ["PermissionDenied", "EmailAlreadyRegistered", "RoleNotFound", "PermissionEscalation"],
        rateLimited: true
      }),
      session,
      limit("invitation", field("email")),
      jsonBody(InvitationInput),
      async (c) => {
        const body = await rawBody(c)
        const member = await runner.run(
          c,
          Members.use((m) => m.invite(c.var.session.actor, body))
        )
        return c.json(toJson(MemberView, member), 201)
      }
    )
    .get(
      "/:id",
      describe({
        tag,
        summary: "One member",
        auth: "session",
        success: { status: 200, description: "The member", schema: MemberView },
        errors: ["AccountNotFound"]
      }),
      session,
      async (c) => {
        const member = await runner.run(
          c,
          Members.use((m) => m.get(c.var.session.actor, c.req.param("id")))
        )
        return c.json(toJson(MemberView, member), 200)
      }
    )
    .patch(
      "/:id",
      describe({
        tag,
        summary: "Edit a member's name (members.manage; everyone their own)",
        auth: "session",
        success: { status: 200, description: "The member", schema: MemberView },
        errors: ["PermissionDenied", "AccountNotFound", "MainAdminProtected"]
      }),
      session,
      jsonBody(MemberEdit),
      async (c) => {
        const body = await rawBody(c)
        const member = await runner.run(
          c,
          Members.use((m) => m.edit(c.var.session.actor, c.req.param("id"), body))
        )
        return c.json(toJson(MemberView, member), 200)
      }
    )
    .delete(
      "/:id",
      describe({
        tag,
        summary: "Delete an account for good; its orders stay",
        auth: "session",
        success: { status: 204, description: "Deleted" },
        errors: ["PermissionDenied", "AccountNotFound", "MainAdminProtected"]
      }),
      session,
      async (c) => {
        await runner.run(
          c,
          Members.use((m) => m.delete(c.var.session.actor, c.req.param("id")))
        )
        return c.body(null, 204)
      }
    )
    .post(
      "/:id/resend-invitation",
      describe({
        tag,
        summary: "„Einladung erneut senden“: a new link; the old one dies",
        auth: "session",
        success: { status: 202, description: "Mailed", schema: MemberView },
        errors: ["PermissionDenied", "AccountNotFound", "IllegalAccountTransition"],
        rateLimited: true
      }),
      session,
      limit("invitation"),
      async (c) => {
        const member = await runner.run(
          c,
          Members.use((m) => m.resendInvitation(c.var.session.actor, c.req.param("id")))
        )
        return c.json(toJson(MemberView, member), 202)
      }
    )
    .post(
      "/:id/deactivate",
      describe({
        tag,
        summary: "Deactivate an account; its sessions end at once",
        auth: "session",
        success: { status: 200, description: "The member", schema: MemberView },
        errors: ["PermissionDenied", "AccountNotFound", "MainAdminProtected", "IllegalAccountTransition"]
      }),
      session,
      async (c) => {
        const member = await runner.run(
          c,
          Members.use((m) => m.deactivate(c.var.session.actor, c.req.param("id")))
        )
        return c.json(toJson(MemberView, member), 200)
      }
    )
    .post(
      "/:id/reactivate",
      describe({
        tag,
        summary: "Reactivate a deactivated account",
        auth: "session",
        success: { status: 200, description: "The member", schema: MemberView },
        errors: ["PermissionDenied", "AccountNotFound", "IllegalAccountTransition"]
      }),
      session,
      async (c) => {
        const member = await runner.run(
          c,
          Members.use((m) => m.reactivate(c.var.session.actor, c.req.param("id")))
        )
        return c.json(toJson(MemberView, member), 200)
      }
    )
    .put(
      "/:id/roles",
      describe({
        tag,
        summary: "Replace a member's roles; nobody grants what they do not hold",
        auth: "session",
        success: { status: 200, description: "The member", schema: MemberView },
        errors: ["PermissionDenied", "PermissionEscalation", "AccountNotFound", "RoleNotFound", "MainAdminProtected"]
      }),
      session,
      jsonBody(RoleAssignment),
      async (c) => {
        const body = await rawBody(c)
        const member = await runner.run(
          c,
          Members.use((m) => m.setRoles(c.var.session.actor, c.req.param("id"), body))
        )
        return c.json(toJson(MemberView, member), 200)
      }
    )
    .post(
      "/:id/password-reset",
      describe({
        tag,
        summary: "Send a member a „Passwort vergessen“ link (admins); never sets a password",
        auth: "session",
        success: { status: 202, description: "Mailed" },
        errors: ["PermissionDenied", "AccountNotFound", "IllegalAccountTransition"]
      }),
      session,
      async (c) => {
        await runner.run(
          c,
          Authentication.use((a) => a.startPasswordReset(c.var.session.actor, c.req.param("id")))
        )
        return c.body(null, 202)
      }
    )
}
