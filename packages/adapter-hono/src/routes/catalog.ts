import { Catalog, Offering, OfferingDraft, OfferingPatch, OrganizationId, ServiceType } from "@cloudportal/core"
import { Schema } from "effect"
import { Hono } from "hono"
import type { Deps } from "../deps.ts"
import { PageOf, toJson } from "../json.ts"
import { describe } from "../openapi.ts"
import { BooleanFromQuery, jsonBody, Limit, queryOf, rawBody } from "../validation.ts"

const tag = "Catalog"

/** `GET /catalog/offerings`: the query string, decoded to core's `OfferingQuery`. */
export const OfferingListQuery = Schema.Struct({
  serviceType: Schema.optionalKey(ServiceType),
  portfolioCategory: Schema.optionalKey(Schema.String),
  providerId: Schema.optionalKey(OrganizationId),
  efa: Schema.optionalKey(BooleanFromQuery),
  limit: Schema.optionalKey(Limit),
  cursor: Schema.optionalKey(Schema.String)
})

/** The catalog: every signed-in member browses it; providers publish with `catalog.manage`. */
export const catalogRoutes = ({ runner, session }: Deps) =>
  new Hono()
    .get(
      "/",
      describe({
        tag,
        summary: "Offerings, filtered by service type, portfolio category, provider, EfA",
        auth: "session",
        success: { status: 200, description: "A page of offerings (latest versions)", schema: PageOf(Offering) }
      }),
      session,
      queryOf(OfferingListQuery),
      async (c) => {
        const page = await runner.run(
          c,
          Catalog.use((cat) => cat.list(c.var.session.actor, c.req.valid("query")))
        )
        return c.json(toJson(PageOf(Offering), page), 200)
      }
    )
    .get(
      "/:id",
      describe({
        tag,
        summary: "One offering: price plans, properties, provisioning time, maturity level, conditions",
        auth: "session",
        success: { status: 200, description: "The latest version", schema: Offering },
        errors: ["OfferingNotFound"]
      }),
      session,
      async (c) => {
        const offering = await runner.run(
          c,
          Catalog.use((cat) => cat.get(c.var.session.actor, c.req.param("id")))
        )
        return c.json(toJson(Offering, offering), 200)
      }
    )
    .get(
      "/:id/versions/:version",
      describe({
        tag,
        summary: "One version of an offering, as the orders placed on it show it",
        auth: "session",
        success: { status: 200, description: "That version", schema: Offering },
        errors: ["OfferingNotFound"]
      }),
      session,
      async (c) => {
        const version = Number(c.req.param("version"))
        const offering = await runner.run(
          c,
          Catalog.use((cat) =>
            cat.getVersion(
              c.var.session.actor,
              c.req.param("id"),
              Number.isSafeInteger(version) ? version : c.req.param("version")
            )
          )
        )
        return c.json(toJson(Offering, offering), 200)
      }
    )
    .post(
      "/",
      describe({
        tag,
        summary: "Publish an offering (catalog.manage on a provider organization)",
        auth: "session",
        success: { status: 201, description: "Version 1", schema: Offering },
        errors: ["PermissionDenied", "NotAProvider"]
      }),
      session,
      jsonBody(OfferingDraft),
      async (c) => {
        const body = await rawBody(c)
        const offering = await runner.run(
          c,
          Catalog.use((cat) => cat.create(c.var.session.actor, body))
        )
        return c.json(toJson(Offering, offering), 201)
      }
    )
    .patch(
      "/:id",
      describe({
        tag,
        summary: "Change an offering: a new version; orders keep the version they were placed on",
        auth: "session",
        success: { status: 200, description: "The new version", schema: Offering },
        errors: ["PermissionDenied", "NotAProvider", "OfferingNotFound", "OfferingVersionConflict"]
      }),
      session,
      jsonBody(OfferingPatch),
      async (c) => {
        const body = await rawBody(c)
        const offering = await runner.run(
          c,
          Catalog.use((cat) => cat.update(c.var.session.actor, c.req.param("id"), body))
        )
        return c.json(toJson(Offering, offering), 200)
      }
    )
