import { type AccountId, MemberView, memberActions, type OrganizationId, type RoleId } from "@cloudportal/core"
import { describe, expect, it } from "@effect/vitest"
import { DateTime } from "effect"
import * as fc from "fast-check"
import { toJson } from "../src/json.ts"
import { memberViewJson } from "../src/routes/memberJson.ts"

const id = fc.string({ minLength: 1, maxLength: 30 })
const instant = fc
  .integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2200, 0, 1) })
  .map((ms) => DateTime.makeUnsafe(ms) as DateTime.Utc)
const view: fc.Arbitrary<MemberView> = fc.record({
  id: id.map((s) => s as AccountId),
  organizationId: id.map((s) => s as OrganizationId),
  email: fc.string(),
  firstName: fc.string(),
  lastName: fc.string(),
  status: fc.constantFrom("invited", "active", "deactivated", "deleted"),
  isMainAdmin: fc.boolean(),
  isAdmin: fc.boolean(),
  roles: fc.array(fc.record({ id: id.map((s) => s as RoleId), name: fc.string(), builtIn: fc.boolean() }), {
    maxLength: 4
  }),
  canOrder: fc.boolean(),
  createdAt: instant,
  updatedAt: instant,
  allowedActions: fc.subarray([...memberActions])
})

describe("member views as JSON", () => {
  it("the written-out encoding of a member view is the schema's, byte for byte", () => {
    fc.assert(
      fc.property(view, (v) => {
        expect(JSON.stringify(memberViewJson(v))).toBe(JSON.stringify(toJson(MemberView, v)))
      }),
      { numRuns: 300 }
    )
  })
})
