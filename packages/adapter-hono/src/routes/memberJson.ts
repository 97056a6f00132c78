import type { MemberView } from "@cloudportal/core"
import { DateTime } from "effect"
import type { JsonOf } from "../json.ts"

/**
 * `toJson(MemberView, view)` written out, field for field in the schema's order: a member list encodes fifty
 * views per request, and going through the schema costs more than building the views. A test holds the two
 * equal on generated views.
 */
export const memberViewJson = (v: MemberView): JsonOf<MemberView> => ({
  id: v.id,
  organizationId: v.organizationId,
  email: v.email,
  firstName: v.firstName,
  lastName: v.lastName,
  status: v.status,
  isMainAdmin: v.isMainAdmin,
  isAdmin: v.isAdmin,
  roles: v.roles.map((r) => ({ id: r.id, name: r.name, builtIn: r.builtIn })),
  canOrder: v.canOrder,
  createdAt: DateTime.formatIso(v.createdAt),
  updatedAt: DateTime.formatIso(v.updatedAt),
  allowedActions: [...v.allowedActions]
})
