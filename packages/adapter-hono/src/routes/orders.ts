import {
  Configuration,
  ContractDocumentInfo,
  ContractModel,
  EligibilityAnswer,
  Ordering,
  OrderStatus,
  type PlaceRequest,
  TransitionRequest
} from "@cloudportal/core"
import { Schema } from "effect"
import { Hono } from "hono"
import type { Deps } from "../deps.ts"
import { PageOf, toJson } from "../json.ts"
import { localeOf } from "../locale.ts"
import { describe } from "../openapi.ts"
import { jsonBody, jsonBodyCheckedByCore, Limit, queryOf, rawBody } from "../validation.ts"
import { OrderViewJson, orderJson } from "../views.ts"

const tag = "Orders"

/** The cart as clients send it (API.md `POST /orders/eligibility`); core checks it against the offering. */
export const CartInput = Schema.Struct({
  offeringId: Schema.String,
  /** The version the customer looked at: refused if the offering changed since. */
  offeringVersion: Schema.optionalKey(Schema.Int),
  pricePlanId: Schema.String,
  quantity: Schema.Int,
  configuration: Schema.optionalKey(Configuration)
})
export const PlaceOrderInput = Schema.Struct({ ...CartInput.fields, contractModel: ContractModel })

export const OrderListQuery = Schema.Struct({
  scope: Schema.optionalKey(Schema.Literals(["own", "organization"])),
  status: Schema.optionalKey(OrderStatus),
  limit: Schema.optionalKey(Limit),
  cursor: Schema.optionalKey(Schema.String)
})

const FolderJson = PageOf(ContractDocumentInfo)

/** Ordering: eligibility, placing, the workflow, the views and the „Vertragsmappe". */
export const orderRoutes = ({ runner, session }: Deps) =>
  new Hono()
    .post(
      "/eligibility",
      describe({
        tag,
        summary: "Which contract models the own organization may use for a cart, with grounds or blocking reasons",
        auth: "session",
        success: { status: 200, description: "The eligibility answer and the cart total", schema: EligibilityAnswer }
      }),
      session,
      jsonBodyCheckedByCore(CartInput),
      async (c) => {
        const body = (await rawBody(c)) as PlaceRequest
        const answer = await runner.run(
          c,
          Ordering.use((o) => o.checkEligibility(c.var.session.actor, body))
        )
        return c.json(toJson(EligibilityAnswer, answer), 200)
      }
    )
    .post(
      "/",
      describe({
        tag,
        summary: "Place an order (any active member); its total equals the eligibility answer's cart total",
        auth: "session",
        success: { status: 201, description: "The order, status „Offen“", schema: OrderViewJson },
        errors: ["NotEligible", "NoTermsInForce"]
      }),
      session,
      jsonBodyCheckedByCore(PlaceOrderInput),
      async (c) => {
        const body = (await rawBody(c)) as PlaceRequest
        const order = await runner.run(
          c,
          Ordering.use((o) => o.place(c.var.session.actor, body))
        )
        return c.json(orderJson(order, localeOf(c.req.header("accept-language"))), 201)
      }
    )
    .get(
      "/",
      describe({
        tag,
        summary: "Own orders, or (`scope=organization`, orders.viewOrganization) all of the organization",
        auth: "session",
        success: { status: 200, description: "A page of orders", schema: PageOf(OrderViewJson) },
        errors: ["PermissionDenied"]
      }),
      session,
      queryOf(OrderListQuery),
      async (c) => {
        const page = await runner.run(
          c,
          Ordering.use((o) => o.list(c.var.session.actor, c.req.valid("query")))
        )
        const locale = localeOf(c.req.header("accept-language"))
        return c.json({ items: page.items.map((v) => orderJson(v, locale)), nextCursor: page.nextCursor }, 200)
      }
    )
    .get(
      "/:id",
      describe({
        tag,
        summary: "One order: status and label, history, deadline, `allowedActions` for the viewer",
        auth: "session",
        success: { status: 200, description: "The order", schema: OrderViewJson },
        errors: ["OrderNotFound"]
      }),
      session,
      async (c) => {
        const order = await runner.run(
          c,
          Ordering.use((o) => o.get(c.var.session.actor, c.req.param("id")))
        )
        return c.json(orderJson(order, localeOf(c.req.header("accept-language"))), 200)
      }
    )
    .post(
      "/:id/transitions",
      describe({
        tag,
        summary: "One step of the workflow: startReview, confirm, reject (with reason), markOrdered",
        description: "`expectedStatus` is the status the caller saw: a concurrent change answers 409 StaleOrderStatus.",
        auth: "session",
        success: { status: 200, description: "The order after the step", schema: OrderViewJson },
        errors: [
          "OrderNotFound",
          "PermissionDenied",
          "StaleOrderStatus",
          "IllegalOrderTransition",
          "ReasonRequired",
          "DeadlineExpired"
        ]
      }),
      session,
      jsonBody(TransitionRequest),
      async (c) => {
        const body = (await rawBody(c)) as TransitionRequest
        const order = await runner.run(
          c,
          Ordering.use((o) => o.transition(c.var.session.actor, c.req.param("id"), body))
        )
        return c.json(orderJson(order, localeOf(c.req.header("accept-language"))), 200)
      }
    )
    .get(
      "/:id/contract-folder",
      describe({
        tag,
        summary: "The documents of the „Vertragsmappe“",
        auth: "session",
        success: { status: 200, description: "The document list", schema: FolderJson },
        errors: ["OrderNotFound"]
      }),
      session,
      async (c) => {
        const documents = await runner.run(
          c,
          Ordering.use((o) => o.contractFolder(c.var.session.actor, c.req.param("id")))
        )
        return c.json(toJson(FolderJson, { items: documents, nextCursor: null }), 200)
      }
    )
    .get(
      "/:id/contract-folder/:documentId",
      describe({
        tag,
        summary: "One document: a JSON section, or the order summary in its own media type (PDF or text)",
        auth: "session",
        success: {
          status: 200,
          description: "The document",
          mediaTypes: ["application/json", "application/pdf", "text/plain"]
        },
        errors: ["OrderNotFound", "ContractDocumentNotFound"]
      }),
      session,
      async (c) => {
        const document = await runner.run(
          c,
          Ordering.use((o) => o.contractDocument(c.var.session.actor, c.req.param("id"), c.req.param("documentId")))
        )
        if (document._tag === "Json") return c.json(document.body as Schema.Json as object, 200)
        const extension = document.info.mediaType === "application/pdf" ? "pdf" : "txt"
        return c.body(document.bytes.slice().buffer as ArrayBuffer, 200, {
          "content-type": document.info.mediaType,
          "content-disposition":
            `attachment; filename="${document.info.kind}-${c.req.param("id")}.${extension}"`.replace(
              /[^\x20-\x7e]/gu,
              "_"
            )
        })
      }
    )
