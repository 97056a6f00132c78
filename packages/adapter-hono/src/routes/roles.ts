import { Role, RoleInput, RolePatch, Roles } from "@cloudportal/core"
import { Hono } from "hono"
import type { Deps } from "../deps.ts"
import { PageOf, toJson } from "../json.ts"
import { describe } from "../openapi.ts"
import { jsonBody, PageQuery, queryOf, rawBody } from "../validation.ts"

const tag = "Roles"

/** Roles of the own organization: a name and permissions from the catalogue. */
export const roleRoutes = ({ runner, session }: Deps) =>
  new Hono()
    .get(
      "/",
      describe({
        tag,
        summary: "The organization's roles, the built-in „Organisationsadmin“ first",
        auth: "session",
        success: { status: 200, description: "A page of roles", schema: PageOf(Role) }
      }),
      session,
      queryOf(PageQuery),
      async (c) => {
        const page = await runner.run(
          c,
          Roles.use((r) => r.list(c.var.session.actor, c.req.valid("query")))
        )
        return c.json(toJson(PageOf(Role), page), 200)
      }
    )
    .post(
      "/",
      describe({
        tag,
        summary: "Create a role (roles.manage)",
        auth: "session",
        success: { status: 201, description: "The role", schema: Role },
        errors: ["PermissionDenied", "PermissionEscalation", "RoleNameTaken"]
      }),
      session,
      jsonBody(RoleInput),
      async (c) => {
        const body = await rawBody(c)
        const role = await runner.run(
          c,
          Roles.use((r) => r.create(c.var.session.actor, body))
        )
        return c.json(toJson(Role, role), 201)
      }
    )
    .patch(
      "/:id",
      describe({
        tag,
        summary: "Rename a role or change its permissions",
        auth: "session",
        success: { status: 200, description: "The role", schema: Role },
        errors: ["PermissionDenied", "PermissionEscalation", "RoleNotFound", "RoleNameTaken", "BuiltInRoleProtected"]
      }),
      session,
      jsonBody(RolePatch),
      async (c) => {
        const body = await rawBody(c)
        const role = await runner.run(
          c,
          Roles.use((r) => r.update(c.var.session.actor, c.req.param("id"), body))
        )
        return c.json(toJson(Role, role), 200)
      }
    )
    .delete(
      "/:id",
      describe({
        tag,
        summary: "Delete a role; it is taken from every account holding it",
        auth: "session",
        success: { status: 204, description: "Deleted" },
        errors: ["PermissionDenied", "RoleNotFound", "BuiltInRoleProtected"]
      }),
      session,
      async (c) => {
        await runner.run(
          c,
          Roles.use((r) => r.delete(c.var.session.actor, c.req.param("id")))
        )
        return c.body(null, 204)
      }
    )
