import { Ordering, OrderStatus } from "@cloudportal/core"
import { Schema } from "effect"
import { Hono } from "hono"
import type { Deps } from "../deps.ts"
import { PageOf } from "../json.ts"
import { localeOf } from "../locale.ts"
import { describe } from "../openapi.ts"
import { Limit, queryOf } from "../validation.ts"
import { OrderViewJson, orderJson } from "../views.ts"

const tag = "Orders"

export const PartyOrderListQuery = Schema.Struct({
  status: Schema.optionalKey(OrderStatus),
  limit: Schema.optionalKey(Limit),
  cursor: Schema.optionalKey(Schema.String)
})

/** Orders on which the own organization acts as provider or as intermediary. */
export const partyOrderRoutes = ({ runner, session }: Deps, party: "provider" | "intermediary") =>
  new Hono().get(
    "/orders",
    describe({
      tag,
      summary:
        party === "provider"
          ? "Orders on this organization's offerings (orders.decideAsProvider)"
          : "Flip-contract orders this organization mediates (orders.decideAsIntermediary)",
      auth: "session",
      success: { status: 200, description: "A page of orders", schema: PageOf(OrderViewJson) },
      errors: ["PermissionDenied"]
    }),
    session,
    queryOf(PartyOrderListQuery),
    async (c) => {
      const query = c.req.valid("query")
      const page = await runner.run(
        c,
        Ordering.use((o) =>
          party === "provider"
            ? o.listAsProvider(c.var.session.actor, query)
            : o.listAsIntermediary(c.var.session.actor, query)
        )
      )
      const locale = localeOf(c.req.header("accept-language"))
      return c.json({ items: page.items.map((v) => orderJson(v, locale)), nextCursor: page.nextCursor }, 200)
    }
  )
