import { describe, expect, it } from "@effect/vitest"
import { type Answer, call, type Harness, unique } from "./harness.ts"
import { login, type Org, offeringDraft, password, world } from "./world.ts"

/**
 * The HTTP contract of API.md, over any running app: a function of the harness factory, so the same suite
 * runs against the memory layers (routes.test.ts) and inside workerd against sqld (workerd/). Every test builds its own
 * portal (fresh harness), so tests share nothing and do not depend on their order.
 */
export const routeSuite = (name: string, makeHarness: () => Promise<Harness>) => {
  const withPortal = (run: (h: Harness, w: ReturnType<typeof world>) => Promise<void>) => async () => {
    const h = await makeHarness()
    try {
      await run(h, world(h))
    } finally {
      await h.close()
    }
  }

  const expectProblem = (answer: Answer, status: number, code: string) => {
    if (answer.status !== status || answer.body?.code !== code)
      expect.fail(`expected ${status} ${code}, got ${answer.status}: ${JSON.stringify(answer.body)}`)
    expect(answer.headers.get("content-type")).toContain("application/problem+json")
    expect(answer.body).toMatchObject({ status, code, type: expect.stringContaining(code) })
    expect(typeof answer.body.title).toBe("string")
    expect(typeof answer.body.detail).toBe("string")
  }

  /** A provider with an active offering and a customer organization. */
  const market = async (h: Harness, w: ReturnType<typeof world>) => {
    const provider = await w.organization({ capabilities: ["customer", "provider"] })
    const created = await call(h, "POST", "/catalog/offerings", { token: provider.admin.token, body: offeringDraft() })
    if (created.status !== 201) expect.fail(JSON.stringify(created.body))
    const customer = await w.organization()
    return { provider, customer, offeringId: created.body.id as string }
  }

  const placeOrder = async (h: Harness, customer: Org, offeringId: string, pricePlanId = "plan_setup") => {
    const placed = await call(h, "POST", "/orders", {
      token: customer.admin.token,
      body: { offeringId, pricePlanId, quantity: 1, contractModel: "DV" }
    })
    if (placed.status !== 201) expect.fail(JSON.stringify(placed.body))
    return placed.body as { id: string; status: string }
  }

  describe(`${name}: registration and sign-in`, () => {
    it(
      "a registration is submitted, confirmed by its link and approved by the operator; then the main admin signs in",
      withPortal(async (h, w) => {
        const body = await w.registrationBody()
        const submitted = await call(h, "POST", "/registrations", { body })
        expect(submitted.status).toBe(202)
        expect(submitted.body.registrationId).toEqual(expect.any(String))

        const before = await login(h, body.person.email, password).catch(() => undefined)
        expect(before).toBeUndefined()
        const refused = await call(h, "POST", "/auth/login", { body: { email: body.person.email, password } })
        expectProblem(refused, 403, "RegistrationNotApproved")
        expect(refused.body.status).toBe(403)

        const token = await h.linkToken(body.person.email, "RegistrationConfirmationLink")
        const confirmed = await call(h, "POST", "/registrations/confirm", { body: { token } })
        expect(confirmed.status).toBe(200)
        expect(confirmed.body.status).toBe("awaitingOperatorReview")
        expect(confirmed.headers.get("referrer-policy")).toBe("no-referrer")

        const again = await call(h, "POST", "/registrations/confirm", { body: { token } })
        expectProblem(again, 410, "LinkExpiredOrUsed")

        const op = await w.operatorSession()
        const list = await call(h, "GET", "/operator/registrations?status=awaitingOperatorReview", { token: op.token })
        expect(list.status).toBe(200)
        expect(list.body.items.map((r: { id: string }) => r.id)).toContain(submitted.body.registrationId)
        expect(list.body.nextCursor).toBeNull()

        const approved = await call(h, "POST", `/operator/registrations/${submitted.body.registrationId}/approve`, {
          token: op.token
        })
        expect(approved.status).toBe(200)
        expect(approved.body.registration.status).toBe("approved")

        const signedIn = await call(h, "POST", "/auth/login", { body: { email: body.person.email, password } })
        expect(signedIn.status).toBe(200)
        expect(signedIn.body.account.isMainAdmin).toBe(true)
        expect(signedIn.body.organization.id).toBe(approved.body.organizationId)
        expect(signedIn.body.permissions).toContain("members.invite")
        expect(signedIn.body.session).toEqual({ token: expect.any(String), expiresAt: expect.any(String) })
        expect(new Date(signedIn.body.session.expiresAt).toISOString()).toBe(signedIn.body.session.expiresAt)
      })
    )

    it(
      "every missing or invalid registration field is reported at once, with dotted paths",
      withPortal(async (h, w) => {
        const body = await w.registrationBody()
        const bad = {
          ...body,
          organization: { ...body.organization, name: "", address: { ...body.organization.address, postalCode: "" } },
          person: { ...body.person, email: "keine-adresse" },
          password: "zu kurz"
        }
        const answer = await call(h, "POST", "/registrations", { body: bad })
        expectProblem(answer, 400, "InvalidInput")
        const paths = answer.body.errors.map((e: { path: string }) => e.path)
        expect(paths).toEqual(
          expect.arrayContaining(["organization.name", "organization.address.postalCode", "person.email", "password"])
        )
      })
    )

    it(
      "an organization already registered is refused with 409",
      withPortal(async (h, w) => {
        const org = await w.organization()
        const body = await w.registrationBody({ name: org.name })
        const answer = await call(h, "POST", "/registrations", { body })
        expectProblem(answer, 409, "OrganizationAlreadyRegistered")
      })
    )

    it(
      "resending the confirmation answers 202 whatever the email",
      withPortal(async (h) => {
        const answer = await call(h, "POST", "/registrations/resend-confirmation", {
          body: { email: `niemand-${unique()}@example.test` }
        })
        expect(answer.status).toBe(202)
        expect(answer.body).toBe("")
      })
    )

    it(
      "the operator rejects a registration with a reason, and a reason is required",
      withPortal(async (h, w) => {
        const body = await w.registrationBody()
        const submitted = await call(h, "POST", "/registrations", { body })
        const token = await h.linkToken(body.person.email, "RegistrationConfirmationLink")
        await call(h, "POST", "/registrations/confirm", { body: { token } })
        const op = await w.operatorSession()
        const path = `/operator/registrations/${submitted.body.registrationId}/reject`
        expectProblem(await call(h, "POST", path, { token: op.token, body: {} }), 400, "InvalidInput")
        const rejected = await call(h, "POST", path, { token: op.token, body: { reason: "Keine öffentliche Stelle" } })
        expect(rejected.status).toBe(200)
        expect(rejected.body.status).toBe("rejected")
        expect(rejected.body.rejectionReason).toBe("Keine öffentliche Stelle")
      })
    )

    it(
      "the current CSP-AGB version is public",
      withPortal(async (h, w) => {
        expectProblem(await call(h, "GET", "/terms/current"), 404, "RouteNotFound")
        const id = await w.currentTerms()
        const answer = await call(h, "GET", "/terms/current")
        expect(answer.status).toBe(200)
        expect(answer.body).toMatchObject({
          id,
          url: "https://agb.example/v1",
          effectiveFrom: "2020-01-01T00:00:00.000Z"
        })
      })
    )

    it(
      "an unknown email and a wrong password get the same 401",
      withPortal(async (h, w) => {
        const org = await w.organization()
        const wrong = await call(h, "POST", "/auth/login", {
          body: { email: org.admin.email, password: `${password}x` }
        })
        const unknown = await call(h, "POST", "/auth/login", { body: { email: `x-${unique()}@x.test`, password } })
        expectProblem(wrong, 401, "InvalidCredentials")
        expectProblem(unknown, 401, "InvalidCredentials")
        expect(wrong.headers.get("www-authenticate")).toContain("Bearer")
      })
    )

    it(
      "a bad login body answers 400 with every field",
      withPortal(async (h) => {
        const answer = await call(h, "POST", "/auth/login", { body: {} })
        expectProblem(answer, 400, "InvalidInput")
        expect(answer.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["email", "password"])
      })
    )

    it(
      "malformed JSON answers 400 as a problem",
      withPortal(async (h) => {
        const answer = await call(h, "POST", "/auth/login", { rawBody: "{not json" })
        expectProblem(answer, 400, "MalformedRequest")
      })
    )

    it(
      "the login answer sets the session cookie: HttpOnly, SameSite=Lax, Path=/; plain-http localhost drops __Host- and Secure",
      withPortal(async (h, w) => {
        const org = await w.organization()
        const answer = await call(h, "POST", "/auth/login", { body: { email: org.admin.email, password } })
        const cookie = answer.headers.get("set-cookie") ?? ""
        expect(cookie).toMatch(/^cloudportal-session=[^;]+;/u)
        expect(cookie).toContain("HttpOnly")
        expect(cookie).toContain("SameSite=Lax")
        expect(cookie).toContain("Path=/")
        expect(cookie).not.toContain("Secure")
        expect(cookie.split(";")[0]).toBe(`cloudportal-session=${answer.body.session.token}`)
      })
    )

    it(
      "the session cookie signs in like the bearer token, and logout ends the session",
      withPortal(async (h, w) => {
        const org = await w.organization()
        const cookie = `cloudportal-session=${org.admin.token}`
        const me = await call(h, "GET", "/me", { cookie })
        expect(me.status).toBe(200)
        expect(me.body.account.email).toBe(org.admin.email)
        const out = await call(h, "POST", "/auth/logout", { cookie, headers: { origin: h.origin } })
        expect(out.status).toBe(204)
        expect(out.headers.get("set-cookie")).toContain("Max-Age=0")
        expectProblem(await call(h, "GET", "/me", { token: org.admin.token }), 401, "Unauthenticated")
      })
    )

    it(
      "a cookie-authenticated unsafe request without a same-origin Origin is refused (CSRF)",
      withPortal(async (h, w) => {
        const org = await w.organization()
        const cookie = `cloudportal-session=${org.admin.token}`
        const body = { kind: "billing", street: "Weg 2", postalCode: "80331", city: "München" }
        expectProblem(await call(h, "POST", "/organization/addresses", { cookie, body }), 403, "CrossOriginRequest")
        expectProblem(
          await call(h, "POST", "/organization/addresses", {
            cookie,
            body,
            headers: { origin: "https://evil.example" }
          }),
          403,
          "CrossOriginRequest"
        )
        const same = await call(h, "POST", "/organization/addresses", { cookie, body, headers: { origin: h.origin } })
        expect(same.status).toBe(201)
        const bearer = await call(h, "POST", "/organization/addresses", { token: org.admin.token, body })
        expect(bearer.status).toBe(201)
      })
    )

    it(
      "„Passwort vergessen“ answers 202 for any email; the link sets a new password once and ends every session",
      withPortal(async (h, w) => {
        const org = await w.organization()
        const unknown = await call(h, "POST", "/auth/password-reset", { body: { email: `x-${unique()}@x.test` } })
        expect(unknown.status).toBe(202)
        const known = await call(h, "POST", "/auth/password-reset", { body: { email: org.admin.email } })
        expect(known.status).toBe(202)
        const token = await h.linkToken(org.admin.email, "PasswordResetLink")
        const tooShort = await call(h, "POST", "/auth/password-reset/confirm", { body: { token, password: "kurz" } })
        expectProblem(tooShort, 400, "InvalidInput")
        const newPassword = "ein-neues-sehr-langes-passwort-2025"
        const done = await call(h, "POST", "/auth/password-reset/confirm", { body: { token, password: newPassword } })
        expect(done.status).toBe(204)
        expect(done.headers.get("referrer-policy")).toBe("no-referrer")
        expectProblem(await call(h, "GET", "/me", { token: org.admin.token }), 401, "Unauthenticated")
        const reused = await call(h, "POST", "/auth/password-reset/confirm", { body: { token, password: newPassword } })
        expectProblem(reused, 410, "LinkExpiredOrUsed")
        expect((await login(h, org.admin.email, newPassword)).token).toEqual(expect.any(String))
      })
    )

    it(
      "login is rate-limited per address, answering 429 with Retry-After",
      withPortal(async (h, w) => {
        const org = await w.organization()
        let last: Answer | undefined
        for (let i = 0; i < 11; i++)
          last = await call(h, "POST", "/auth/login", { body: { email: org.admin.email, password: "falsch" } })
        expectProblem(last!, 429, "RateLimited")
        expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0)
        expect(last!.body.retryAfterSeconds).toBe(Number(last!.headers.get("retry-after")))
      })
    )

    it(
      "a body over the limit answers 413",
      withPortal(async (h) => {
        const answer = await call(h, "POST", "/auth/login", {
          body: { email: "a@b.test", password: "x".repeat(2 * 1024 * 1024) }
        })
        expectProblem(answer, 413, "PayloadTooLarge")
      })
    )

    it(
      "an unknown route answers 404 as a problem, with the security headers",
      withPortal(async (h) => {
        const answer = await call(h, "GET", "/gibt-es-nicht")
        expectProblem(answer, 404, "RouteNotFound")
        expect(answer.headers.get("x-content-type-options")).toBe("nosniff")
        expect(answer.headers.get("x-frame-options")).toBe("DENY")
        expect(answer.headers.get("cache-control")).toBe("no-store")
      })
    )
  })

  describe(`${name}: signed-in routes`, () => {
    const sessionRoutes: ReadonlyArray<readonly [string, string]> = [
      ["GET", "/me"],
      ["GET", "/organization"],
      ["PATCH", "/organization"],
      ["GET", "/organization/completeness"],
      ["POST", "/organization/master-data-review"],
      ["GET", "/organization/addresses"],
      ["POST", "/organization/addresses"],
      ["PATCH", "/organization/addresses/adr_x"],
      ["DELETE", "/organization/addresses/adr_x"],
      ["POST", "/organization/addresses/adr_x/make-default"],
      ["GET", "/organization/inhouse-declarations"],
      ["POST", "/organization/inhouse-declarations"],
      ["DELETE", "/organization/inhouse-declarations/inh_x"],
      ["GET", "/organization/members"],
      ["POST", "/organization/members"],
      ["GET", "/organization/members/acc_x"],
      ["PATCH", "/organization/members/acc_x"],
      ["DELETE", "/organization/members/acc_x"],
      ["POST", "/organization/members/acc_x/resend-invitation"],
      ["POST", "/organization/members/acc_x/deactivate"],
      ["POST", "/organization/members/acc_x/reactivate"],
      ["PUT", "/organization/members/acc_x/roles"],
      ["GET", "/organization/roles"],
      ["POST", "/organization/roles"],
      ["PATCH", "/organization/roles/role_x"],
      ["DELETE", "/organization/roles/role_x"],
      ["GET", "/organization/audit-events"],
      ["GET", "/organization/audit-events/verification"],
      ["GET", "/catalog/offerings"],
      ["GET", "/catalog/offerings/off_x"],
      ["POST", "/catalog/offerings"],
      ["PATCH", "/catalog/offerings/off_x"],
      ["POST", "/orders/eligibility"],
      ["POST", "/orders"],
      ["GET", "/orders"],
      ["GET", "/orders/ord_x"],
      ["POST", "/orders/ord_x/transitions"],
      ["GET", "/orders/ord_x/contract-folder"],
      ["GET", "/orders/ord_x/contract-folder/doc_x"],
      ["GET", "/provider/orders"],
      ["GET", "/intermediary/orders"],
      ["GET", "/operator/registrations"],
      ["POST", "/operator/registrations/reg_x/approve"],
      ["POST", "/operator/registrations/reg_x/reject"],
      ["PATCH", "/operator/organizations/org_x"],
      ["POST", "/operator/organizations/org_x/main-admin"],
      ["POST", "/operator/terms"],
      ["PUT", "/operator/thresholds"],
      ["POST", "/operator/imports"],
      ["POST", "/operator/orders/expire-overdue"]
    ]

    it(
      "every signed-in route answers 401 without a session, and with a dead one",
      withPortal(async (h) => {
        for (const [method, path] of sessionRoutes) {
          const none = await call(h, method, path, method === "GET" || method === "DELETE" ? {} : { body: {} })
          if (none.status !== 401) expect.fail(`${method} ${path} without a session: ${none.status}`)
          expect(none.body.code).toBe("Unauthenticated")
          const dead = await call(h, method, path, { token: "ses_nope.secret" })
          if (dead.status !== 401) expect.fail(`${method} ${path} with a dead session: ${dead.status}`)
        }
      })
    )

    it(
      "the profile is read by every member and edited with organization.profile.edit; name and legal form are the operator's",
      withPortal(async (h, w) => {
        const org = await w.organization()
        const employee = await w.member(org)
        const profile = await call(h, "GET", "/organization", { token: employee.token })
        expect(profile.status).toBe(200)
        expect(profile.body.organization.id).toBe(org.id)
        expect(profile.body.flags).toEqual(expect.objectContaining({ masterDataReviewRequired: false }))

        const edit = { supplementary: { website: "https://stadt.example" } }
        expectProblem(
          await call(h, "PATCH", "/organization", { token: employee.token, body: edit }),
          403,
          "PermissionDenied"
        )
        const edited = await call(h, "PATCH", "/organization", { token: org.admin.token, body: edit })
        expect(edited.status).toBe(200)
        expect(edited.body.organization.supplementary.website).toBe("https://stadt.example")

        const renamed = await call(h, "PATCH", "/organization", {
          token: org.admin.token,
          body: { name: "Anderer Name" }
        })
        expectProblem(renamed, 403, "OperatorOnly")
        expect(renamed.body.fields).toEqual(["name"])
        expectProblem(
          await call(h, "PATCH", "/organization", {
            token: org.admin.token,
            body: { supplementary: { website: "kein-url" } }
          }),
          400,
          "InvalidInput"
        )

        const completeness = await call(h, "GET", "/organization/completeness", { token: employee.token })
        expect(completeness.status).toBe(200)
        expect(completeness.body.missing).toContain("inhouseDeclaration")
        expectProblem(
          await call(h, "POST", "/organization/master-data-review", { token: employee.token }),
          403,
          "PermissionDenied"
        )
        expect((await call(h, "POST", "/organization/master-data-review", { token: org.admin.token })).status).toBe(204)
      })
    )

    it(
      "addresses: the default address cannot be deleted; another can be made default; another organization's is not found",
      withPortal(async (h, w) => {
        const org = await w.organization()
        const other = await w.organization()
        const list = await call(h, "GET", "/organization/addresses", { token: org.admin.token })
        expect(list.status).toBe(200)
        const defaultAddress = list.body.items[0]
        expect(defaultAddress.isDefault).toBe(true)

        const created = await call(h, "POST", "/organization/addresses", {
          token: org.admin.token,
          body: { kind: "billing", street: "Rathausplatz 2", postalCode: "80331", city: "München", phone: "+49 89 1" }
        })
        expect(created.status).toBe(201)
        expect(created.body.isDefault).toBe(false)
        const bad = await call(h, "POST", "/organization/addresses", {
          token: org.admin.token,
          body: { kind: "hauptsitz", street: "", postalCode: "x" }
        })
        expectProblem(bad, 400, "InvalidInput")
        expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(
          expect.arrayContaining(["kind", "street", "postalCode", "city"])
        )

        expectProblem(
          await call(h, "DELETE", `/organization/addresses/${defaultAddress.id}`, { token: org.admin.token }),
          409,
          "DefaultAddressNotDeletable"
        )
        const patched = await call(h, "PATCH", `/organization/addresses/${created.body.id}`, {
          token: org.admin.token,
          body: { city: "Augsburg", postalCode: "86150" }
        })
        expect(patched.status).toBe(200)
        expect(patched.body.city).toBe("Augsburg")
        const made = await call(h, "POST", `/organization/addresses/${created.body.id}/make-default`, {
          token: org.admin.token
        })
        expect(made.status).toBe(200)
        expect(made.body.isDefault).toBe(true)
        expect(
          (await call(h, "DELETE", `/organization/addresses/${defaultAddress.id}`, { token: org.admin.token })).status
        ).toBe(204)

        expectProblem(
          await call(h, "PATCH", `/organization/addresses/${created.body.id}`, {
            token: other.admin.token,
            body: { city: "X" }
          }),
          404,
          "AddressNotFound"
        )
        expectProblem(
          await call(h, "DELETE", `/organization/addresses/${created.body.id}`, { token: other.admin.token }),
          404,
          "AddressNotFound"
        )
        const employee = await w.member(org)
        expectProblem(
          await call(h, "POST", `/organization/addresses/${created.body.id}/make-default`, { token: employee.token }),
          403,
          "PermissionDenied"
        )
      })
    )

    it(
      "in-house declarations are declared, listed and ended; another organization's is not found",
      withPortal(async (h, w) => {
        const org = await w.organization()
        const parent = await w.organization()
        const body = {
          controlledBy: parent.id,
          joint: false,
          evidence: "Satzung § 3",
          validFrom: "2024-01-01T00:00:00.000Z"
        }
        const declared = await call(h, "POST", "/organization/inhouse-declarations", { token: org.admin.token, body })
        expect(declared.status).toBe(201)
        expect(declared.body).toMatchObject({ controller: parent.id, controlled: org.id, ended: null })
        expectProblem(
          await call(h, "POST", "/organization/inhouse-declarations", { token: org.admin.token, body }),
          409,
          "DuplicateInhouseDeclaration"
        )
        const both = await call(h, "POST", "/organization/inhouse-declarations", {
          token: org.admin.token,
          body: { ...body, controls: parent.id, evidence: "" }
        })
        expectProblem(both, 400, "InvalidInput")
        expect(both.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(["evidence"]))

        const list = await call(h, "GET", "/organization/inhouse-declarations", { token: org.admin.token })
        expect(list.body.items.map((d: { id: string }) => d.id)).toEqual([declared.body.id])
        expectProblem(
          await call(h, "DELETE", `/organization/inhouse-declarations/${declared.body.id}`, {
            token: parent.admin.token
          }),
          404,
          "InhouseDeclarationNotFound"
        )
        expect(
          (
            await call(h, "DELETE", `/organization/inhouse-declarations/${declared.body.id}`, {
              token: org.admin.token
            })
          ).status
        ).toBe(204)
        const after = await call(h, "GET", "/organization/inhouse-declarations", { token: org.admin.token })
        expect(after.body.items[0].ended).not.toBeNull()
      })
    )

    it(
      "members: invite, accept, edit, roles, deactivate (sessions end), reactivate, resend, delete; the main admin is protected",
      withPortal(async (h, w) => {
        const org = await w.organization()
        const email = `neu-${unique()}@kommune.test`
        const invited = await call(h, "POST", "/organization/members", {
          token: org.admin.token,
          body: { email, firstName: "Nora", lastName: "Neu" }
        })
        expect(invited.status).toBe(201)
        expect(invited.body.status).toBe("invited")
        expectProblem(
          await call(h, "POST", "/organization/members", {
            token: org.admin.token,
            body: { email, firstName: "Nora", lastName: "Neu" }
          }),
          409,
          "EmailAlreadyRegistered"
        )
        const resent = await call(h, "POST", `/organization/members/${invited.body.id}/resend-invitation`, {
          token: org.admin.token
        })
        expect(resent.status).toBe(202)
        const token = await h.linkToken(email, "Invitation")
        const accepted = await call(h, "POST", "/invitations/accept", { body: { token, password } })
        expect(accepted.status).toBe(200)
        expect(accepted.body.session.token).toEqual(expect.any(String))
        expect(accepted.headers.get("set-cookie")).toContain("cloudportal-session=")
        const nora = accepted.body.session.token as string

        const list = await call(h, "GET", "/organization/members?limit=1", { token: org.admin.token })
        expect(list.body.items).toHaveLength(1)
        expect(list.body.nextCursor).toEqual(expect.any(String))
        const next = await call(h, "GET", `/organization/members?limit=1&cursor=${list.body.nextCursor}`, {
          token: org.admin.token
        })
        expect(next.body.items[0].id).not.toBe(list.body.items[0].id)
        expectProblem(
          await call(h, "GET", "/organization/members?limit=0", { token: org.admin.token }),
          400,
          "InvalidInput"
        )

        const one = await call(h, "GET", `/organization/members/${invited.body.id}`, { token: org.admin.token })
        expect(one.body.allowedActions).toEqual(expect.arrayContaining(["edit", "deactivate", "delete"]))
        const renamed = await call(h, "PATCH", `/organization/members/${invited.body.id}`, {
          token: nora,
          body: { firstName: "Norah" }
        })
        expect(renamed.status).toBe(200)
        expect(renamed.body.firstName).toBe("Norah")

        expectProblem(
          await call(h, "POST", `/organization/members/${org.admin.accountId}/deactivate`, { token: org.admin.token }),
          409,
          "MainAdminProtected"
        )
        expectProblem(
          await call(h, "DELETE", `/organization/members/${org.admin.accountId}`, { token: org.admin.token }),
          409,
          "MainAdminProtected"
        )
        expectProblem(
          await call(h, "POST", `/organization/members/${org.admin.accountId}/deactivate`, { token: nora }),
          403,
          "PermissionDenied"
        )

        const deactivated = await call(h, "POST", `/organization/members/${invited.body.id}/deactivate`, {
          token: org.admin.token
        })
        expect(deactivated.body.status).toBe("deactivated")
        expectProblem(await call(h, "GET", "/me", { token: nora }), 401, "Unauthenticated")
        expectProblem(await call(h, "POST", "/auth/login", { body: { email, password } }), 403, "AccountDeactivated")
        const reactivated = await call(h, "POST", `/organization/members/${invited.body.id}/reactivate`, {
          token: org.admin.token
        })
        expect(reactivated.body.status).toBe("active")
        expectProblem(
          await call(h, "POST", `/organization/members/${invited.body.id}/reactivate`, { token: org.admin.token }),
          409,
          "IllegalAccountTransition"
        )

        const reset = await call(h, "POST", `/organization/members/${invited.body.id}/password-reset`, {
          token: org.admin.token
        })
        expect(reset.status).toBe(202)
        expect(await h.linkToken(email, "PasswordResetLink")).toEqual(expect.any(String))

        expect(
          (await call(h, "DELETE", `/organization/members/${invited.body.id}`, { token: org.admin.token })).status
        ).toBe(204)
        expectProblem(
          await call(h, "GET", `/organization/members/${invited.body.id}`, { token: org.admin.token }),
          404,
          "AccountNotFound"
        )
      })
    )

    it(
      "nobody grants a permission they do not hold (403 PermissionEscalation); another organization's member is not found",
      withPortal(async (h, w) => {
        const org = await w.organization()
        const other = await w.organization()
        const manager = await w.member(org, { permissions: ["members.manage", "members.invite"] })
        const employee = await w.member(org)
        const adminRole = (await call(h, "GET", "/organization/roles", { token: org.admin.token })).body.items.find(
          (r: { builtIn: boolean }) => r.builtIn
        )
        expect(adminRole.name).toBe("Organisationsadmin")
        const catalogRole = await w.role(org, ["catalog.manage"])
        const escalated = await call(h, "PUT", `/organization/members/${employee.accountId}/roles`, {
          token: manager.token,
          body: { roleIds: [catalogRole] }
        })
        expectProblem(escalated, 403, "PermissionEscalation")
        expect(escalated.body.missing).toEqual(["catalog.manage"])
        const granted = await call(h, "PUT", `/organization/members/${employee.accountId}/roles`, {
          token: org.admin.token,
          body: { roleIds: [catalogRole] }
        })
        expect(granted.status).toBe(200)
        expect(granted.body.roles.map((r: { id: string }) => r.id)).toEqual([catalogRole])
        expectProblem(
          await call(h, "PUT", `/organization/members/${employee.accountId}/roles`, {
            token: org.admin.token,
            body: { roleIds: "alle" }
          }),
          400,
          "InvalidInput"
        )

        for (const [method, path] of [
          ["GET", `/organization/members/${employee.accountId}`],
          ["PATCH", `/organization/members/${employee.accountId}`],
          ["POST", `/organization/members/${employee.accountId}/deactivate`],
          ["DELETE", `/organization/members/${employee.accountId}`]
        ] as const) {
          const answer = await call(h, method, path, {
            token: other.admin.token,
            ...(method === "PATCH" ? { body: { firstName: "X" } } : {})
          })
          expectProblem(answer, 404, "AccountNotFound")
        }
        expectProblem(
          await call(h, "POST", "/organization/members", {
            token: employee.token,
            body: { email: `x-${unique()}@x.test`, firstName: "A", lastName: "B" }
          }),
          403,
          "PermissionDenied"
        )
      })
    )

    it(
      "roles: created, renamed and deleted by admins; the built-in role is protected; another organization's is not found",
      withPortal(async (h, w) => {
        const org = await w.organization()
        const other = await w.organization()
        const employee = await w.member(org)
        const created = await call(h, "POST", "/organization/roles", {
          token: org.admin.token,
          body: { name: "Einkauf", permissions: ["orders.viewOrganization"] }
        })
        expect(created.status).toBe(201)
        expectProblem(
          await call(h, "POST", "/organization/roles", {
            token: org.admin.token,
            body: { name: "einkauf", permissions: [] }
          }),
          409,
          "RoleNameTaken"
        )
        expectProblem(
          await call(h, "POST", "/organization/roles", {
            token: org.admin.token,
            body: { name: "", permissions: ["alles"] }
          }),
          400,
          "InvalidInput"
        )
        expectProblem(
          await call(h, "POST", "/organization/roles", { token: employee.token, body: { name: "X", permissions: [] } }),
          403,
          "PermissionDenied"
        )
        const renamed = await call(h, "PATCH", `/organization/roles/${created.body.id}`, {
          token: org.admin.token,
          body: { name: "Beschaffung" }
        })
        expect(renamed.body.name).toBe("Beschaffung")
        const builtIn = (await call(h, "GET", "/organization/roles", { token: employee.token })).body.items[0]
        expectProblem(
          await call(h, "DELETE", `/organization/roles/${builtIn.id}`, { token: org.admin.token }),
          409,
          "BuiltInRoleProtected"
        )
        expectProblem(
          await call(h, "PATCH", `/organization/roles/${created.body.id}`, {
            token: other.admin.token,
            body: { name: "Y" }
          }),
          404,
          "RoleNotFound"
        )
        expect(
          (await call(h, "DELETE", `/organization/roles/${created.body.id}`, { token: org.admin.token })).status
        ).toBe(204)
      })
    )

    it(
      "the audit trail is for admins, with the hash chain fields",
      withPortal(async (h, w) => {
        const org = await w.organization()
        const employee = await w.member(org)
        expectProblem(
          await call(h, "GET", "/organization/audit-events", { token: employee.token }),
          403,
          "PermissionDenied"
        )
        const page = await call(h, "GET", "/organization/audit-events?limit=2", { token: org.admin.token })
        expect(page.status).toBe(200)
        expect(page.body.items).toHaveLength(2)
        const [first, second] = page.body.items
        expect(first).toMatchObject({ chain: org.id, sequence: 1, previousHash: "0".repeat(64) })
        expect(second.previousHash).toBe(first.hash)
        const rest = await call(h, "GET", `/organization/audit-events?cursor=${page.body.nextCursor}`, {
          token: org.admin.token
        })
        expect(rest.body.items[0].sequence).toBe(3)
        const verification = await call(h, "GET", "/organization/audit-events/verification", { token: org.admin.token })
        expect(verification.body).toMatchObject({ ok: true })
        expect(verification.body.events).toBeGreaterThanOrEqual(3)
        expectProblem(
          await call(h, "GET", "/organization/audit-events/verification", { token: employee.token }),
          403,
          "PermissionDenied"
        )
        expectProblem(
          await call(h, "GET", "/organization/audit-events?cursor=%%%", { token: org.admin.token }),
          400,
          "InvalidInput"
        )
      })
    )
  })

  describe(`${name}: catalog and orders`, () => {
    it(
      "a provider publishes and changes an offering; a customer browses it; a non-provider cannot publish",
      withPortal(async (h, w) => {
        const { provider, customer, offeringId } = await market(h, w)
        const list = await call(h, "GET", "/catalog/offerings?serviceType=IaaS&efa=false", {
          token: customer.admin.token
        })
        expect(list.status).toBe(200)
        expect(list.body.items.map((o: { id: string }) => o.id)).toContain(offeringId)
        expectProblem(
          await call(h, "GET", "/catalog/offerings?efa=vielleicht", { token: customer.admin.token }),
          400,
          "InvalidInput"
        )
        const one = await call(h, "GET", `/catalog/offerings/${offeringId}`, { token: customer.admin.token })
        expect(one.body).toMatchObject({ id: offeringId, version: 1, providerId: provider.id })
        expect(one.body.pricePlans[0]).toMatchObject({ _tag: "OneTime", amountCents: 50_000 })

        const changed = await call(h, "PATCH", `/catalog/offerings/${offeringId}`, {
          token: provider.admin.token,
          body: { provisioningTime: { de: "3 Werktage", en: "3 working days" } }
        })
        expect(changed.status).toBe(200)
        expect(changed.body.version).toBe(2)
        const v1 = await call(h, "GET", `/catalog/offerings/${offeringId}/versions/1`, { token: customer.admin.token })
        expect(v1.body.provisioningTime.de).toBe("5 Werktage")

        expectProblem(
          await call(h, "POST", "/catalog/offerings", { token: customer.admin.token, body: offeringDraft() }),
          403,
          "NotAProvider"
        )
        const bad = await call(h, "POST", "/catalog/offerings", {
          token: provider.admin.token,
          body: offeringDraft({ pricePlans: [], serviceType: "XaaS" })
        })
        expectProblem(bad, 400, "InvalidInput")
        expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(
          expect.arrayContaining(["pricePlans", "serviceType"])
        )
        expectProblem(
          await call(h, "PATCH", `/catalog/offerings/${offeringId}`, {
            token: customer.admin.token,
            body: { active: false }
          }),
          403,
          "NotAProvider"
        )
        expectProblem(
          await call(h, "GET", "/catalog/offerings/off_unbekannt", { token: customer.admin.token }),
          404,
          "OfferingNotFound"
        )
      })
    )

    it(
      "eligibility, then an order whose total equals the cart total; 422 NotEligible above the threshold",
      withPortal(async (h, w) => {
        const { customer, offeringId, provider } = await market(h, w)
        const cart = { offeringId, pricePlanId: "plan_setup", quantity: 1 }
        const answer = await call(h, "POST", "/orders/eligibility", { token: customer.admin.token, body: cart })
        expect(answer.status).toBe(200)
        expect(answer.body.cartTotal).toEqual({ amountCents: 50_000, currency: "EUR" })
        expect(answer.body.contractModels.DV.allowed).toBe(true)
        expect(answer.body.contractModels.DV.grounds[0].kind).toBe("belowThreshold")
        expect(answer.body.contractModels.UV.allowed).toBe(false)

        const badCart = await call(h, "POST", "/orders/eligibility", {
          token: customer.admin.token,
          body: { offeringId, pricePlanId: "plan_nix", quantity: 0 }
        })
        expectProblem(badCart, 400, "InvalidInput")
        expect(badCart.body.errors.map((e: { path: string }) => e.path)).toEqual(
          expect.arrayContaining(["pricePlanId", "quantity"])
        )

        const order = await placeOrder(h, customer, offeringId)
        const view = await call(h, "GET", `/orders/${order.id}`, { token: customer.admin.token })
        expect(view.body).toMatchObject({
          status: "open",
          statusLabel: "Offen",
          contractModel: "DV",
          total: answer.body.cartTotal,
          orderedBy: { accountId: customer.admin.accountId },
          offering: { id: offeringId, version: 1 }
        })
        expect(view.body.allowedActions).toEqual([])
        const english = await call(h, "GET", `/orders/${order.id}`, {
          token: customer.admin.token,
          headers: { "accept-language": "en-GB,en;q=0.9,de;q=0.5" }
        })
        expect(english.body.statusLabel).toBe("Open")

        const huge = await call(h, "POST", "/orders", {
          token: customer.admin.token,
          body: { offeringId, pricePlanId: "plan_huge", quantity: 1, contractModel: "DV" }
        })
        expectProblem(huge, 422, "NotEligible")
        expect(huge.body.blockingReasons.map((r: { kind: string }) => r.kind)).toContain("aboveThreshold")

        const own = await call(h, "GET", "/orders", { token: customer.admin.token })
        expect(own.body.items.map((o: { id: string }) => o.id)).toEqual([order.id])
        const asProvider = await call(h, "GET", "/provider/orders", { token: provider.admin.token })
        expect(asProvider.body.items.map((o: { id: string }) => o.id)).toEqual([order.id])
        expect(asProvider.body.items[0].allowedActions.map((a: { action: string }) => a.action)).toEqual(
          expect.arrayContaining(["startReview", "reject"])
        )
        const intermediary = await call(h, "GET", "/intermediary/orders", { token: provider.admin.token })
        expect(intermediary.body.items).toEqual([])
      })
    )

    it(
      "order listing by scope: own by default, the organization's with orders.viewOrganization",
      withPortal(async (h, w) => {
        const { customer, offeringId } = await market(h, w)
        const employee = await w.member(customer)
        await placeOrder(h, customer, offeringId)
        expect((await call(h, "GET", "/orders", { token: employee.token })).body.items).toEqual([])
        expectProblem(
          await call(h, "GET", "/orders?scope=organization", { token: employee.token }),
          403,
          "PermissionDenied"
        )
        const all = await call(h, "GET", "/orders?scope=organization&status=open", { token: customer.admin.token })
        expect(all.body.items).toHaveLength(1)
        expectProblem(await call(h, "GET", "/orders?scope=alle", { token: customer.admin.token }), 400, "InvalidInput")
      })
    )

    it(
      "the provider's workflow: 409 StaleOrderStatus, 409 IllegalOrderTransition, 422 ReasonRequired, and the steps in order",
      withPortal(async (h, w) => {
        const { customer, offeringId, provider } = await market(h, w)
        const order = await placeOrder(h, customer, offeringId)
        const step = (token: string, body: object) =>
          call(h, "POST", `/orders/${order.id}/transitions`, { token, body })

        expectProblem(
          await step(customer.admin.token, { action: "startReview", expectedStatus: "open" }),
          403,
          "PermissionDenied"
        )
        const review = await step(provider.admin.token, { action: "startReview", expectedStatus: "open" })
        expect(review.status).toBe(200)
        expect(review.body.status).toBe("inReviewByProviderDV")
        expect(review.body.statusLabel).toBe("In Prüfung durch Anbieter (DV)")
        expectProblem(
          await step(provider.admin.token, { action: "startReview", expectedStatus: "open" }),
          409,
          "StaleOrderStatus"
        )
        expectProblem(
          await step(provider.admin.token, { action: "markOrdered", expectedStatus: "inReviewByProviderDV" }),
          409,
          "IllegalOrderTransition"
        )
        expectProblem(
          await step(provider.admin.token, { action: "reject", expectedStatus: "inReviewByProviderDV" }),
          422,
          "ReasonRequired"
        )
        expectProblem(await step(provider.admin.token, { action: "genehmigen" }), 400, "InvalidInput")
        const confirmed = await step(provider.admin.token, {
          action: "confirm",
          expectedStatus: "inReviewByProviderDV"
        })
        expect(confirmed.body.status).toBe("confirmedByProviderDV")
        const ordered = await step(provider.admin.token, {
          action: "markOrdered",
          expectedStatus: "confirmedByProviderDV"
        })
        expect(ordered.body.status).toBe("ordered")
        expect(ordered.body.history.map((e: { to: string }) => e.to)).toEqual([
          "inReviewByProviderDV",
          "confirmedByProviderDV",
          "ordered"
        ])
      })
    )

    it(
      "after the deadline a decision is refused (422 DeadlineExpired) and the operator's sweep expires the order",
      withPortal(async (h, w) => {
        const { customer, offeringId, provider } = await market(h, w)
        const order = await placeOrder(h, customer, offeringId)
        await h.advanceTime("40 days")
        // Sessions do not outlive the decision period either: everyone signs in again.
        expectProblem(await call(h, "GET", "/me", { token: provider.admin.token }), 401, "Unauthenticated")
        w.forgetOperatorSession()
        const providerAdmin = await login(h, provider.admin.email, password)
        const customerAdmin = await login(h, customer.admin.email, password)
        expectProblem(
          await call(h, "POST", `/orders/${order.id}/transitions`, {
            token: providerAdmin.token,
            body: { action: "startReview", expectedStatus: "open" }
          }),
          422,
          "DeadlineExpired"
        )
        const op = await w.operatorSession()
        expectProblem(
          await call(h, "POST", "/operator/orders/expire-overdue", { token: customerAdmin.token }),
          403,
          "PermissionDenied"
        )
        const swept = await call(h, "POST", "/operator/orders/expire-overdue", { token: op.token })
        expect(swept.status).toBe(200)
        expect(swept.body).toEqual({ expired: 1 })
        const view = await call(h, "GET", `/orders/${order.id}`, { token: customerAdmin.token })
        expect(view.body.status).toBe("expired")
        expect(view.body.statusLabel).toBe("Abgelaufen")
      })
    )

    it(
      "the contract folder lists its documents and serves each; another organization sees no order of the customer",
      withPortal(async (h, w) => {
        const { customer, offeringId } = await market(h, w)
        const stranger = await w.organization()
        const order = await placeOrder(h, customer, offeringId)
        const folder = await call(h, "GET", `/orders/${order.id}/contract-folder`, { token: customer.admin.token })
        expect(folder.status).toBe(200)
        const kinds = folder.body.items.map((d: { kind: string }) => d.kind)
        expect(kinds).toEqual(expect.arrayContaining(["orderSummary", "masterData", "price", "terms"]))
        const price = folder.body.items.find((d: { kind: string }) => d.kind === "price")
        const priceDoc = await call(h, "GET", `/orders/${order.id}/contract-folder/${price.id}`, {
          token: customer.admin.token
        })
        expect(priceDoc.status).toBe(200)
        expect(priceDoc.body.total).toEqual({ amountCents: 50_000, currency: "EUR" })
        const summary = folder.body.items.find((d: { kind: string }) => d.kind === "orderSummary")
        const summaryDoc = await call(h, "GET", `/orders/${order.id}/contract-folder/${summary.id}`, {
          token: customer.admin.token
        })
        expect(summaryDoc.status).toBe(200)
        expect(summaryDoc.headers.get("content-type")).toContain(summary.mediaType.split(";")[0])
        expectProblem(
          await call(h, "GET", `/orders/${order.id}/contract-folder/doc_unbekannt`, { token: customer.admin.token }),
          404,
          "ContractDocumentNotFound"
        )

        for (const path of [`/orders/${order.id}`, `/orders/${order.id}/contract-folder`]) {
          expectProblem(await call(h, "GET", path, { token: stranger.admin.token }), 404, "OrderNotFound")
        }
        expectProblem(
          await call(h, "POST", `/orders/${order.id}/transitions`, {
            token: stranger.admin.token,
            body: { action: "startReview", expectedStatus: "open" }
          }),
          404,
          "OrderNotFound"
        )
      })
    )
  })

  describe(`${name}: operator`, () => {
    it(
      "operator routes refuse members with 403",
      withPortal(async (h, w) => {
        const org = await w.organization()
        for (const [method, path, body] of [
          ["GET", "/operator/registrations", undefined],
          ["PATCH", `/operator/organizations/${org.id}`, { name: "Neu", reason: "Umbenennung" }],
          [
            "POST",
            "/operator/terms",
            { version: "x", effectiveFrom: "2020-01-01T00:00:00.000Z", url: "https://a.example" }
          ],
          ["PUT", "/operator/thresholds", { thresholds: [] }],
          ["POST", "/operator/imports", { organizations: [] }]
        ] as const) {
          const answer = await call(h, method, path, { token: org.admin.token, ...(body ? { body } : {}) })
          expectProblem(answer, 403, "PermissionDenied")
        }
      })
    )

    it(
      "the operator renames an organization, reassigns its main admin, publishes terms and replaces the thresholds",
      withPortal(async (h, w) => {
        const org = await w.organization()
        const employee = await w.member(org)
        const op = await w.operatorSession()
        expectProblem(
          await call(h, "PATCH", `/operator/organizations/${org.id}`, { token: op.token, body: { name: "Neu" } }),
          400,
          "InvalidInput"
        )
        const renamed = await call(h, "PATCH", `/operator/organizations/${org.id}`, {
          token: op.token,
          body: { name: `Neue Stadt ${unique()}`, reason: "Gebietsreform" }
        })
        expect(renamed.status).toBe(200)
        expectProblem(
          await call(h, "PATCH", "/operator/organizations/org_unbekannt", { token: op.token, body: { reason: "x" } }),
          404,
          "OrganizationNotFound"
        )

        const reassigned = await call(h, "POST", `/operator/organizations/${org.id}/main-admin`, {
          token: op.token,
          body: { accountId: employee.accountId, reason: "Wechsel der Leitung" }
        })
        expect(reassigned.status).toBe(200)
        expect(reassigned.body.isMainAdmin).toBe(true)

        const published = await call(h, "POST", "/operator/terms", {
          token: op.token,
          body: { version: `v-${unique()}`, effectiveFrom: "2021-01-01T00:00:00.000Z", text: "AGB-Text" }
        })
        expect(published.status).toBe(201)
        expectProblem(
          await call(h, "POST", "/operator/terms", {
            token: op.token,
            body: { version: published.body.version, effectiveFrom: "2021-01-01T00:00:00.000Z", text: "AGB-Text" }
          }),
          409,
          "TermsVersionExists"
        )

        const table = {
          thresholds: [
            {
              jurisdiction: { _tag: "Fallback" },
              netAmount: { amountCents: 100_000, currency: "EUR" },
              validFrom: "2017-02-07T00:00:00.000Z",
              source: "§ 14 UVgO"
            }
          ]
        }
        const replaced = await call(h, "PUT", "/operator/thresholds", { token: op.token, body: table })
        expect(replaced.status).toBe(200)
        expect(replaced.body.thresholds[0]).toMatchObject({ netAmount: { amountCents: 100_000 }, validUntil: null })
        expectProblem(
          await call(h, "PUT", "/operator/thresholds", {
            token: op.token,
            body: { thresholds: [{ ...table.thresholds[0], netAmount: { amountCents: -1, currency: "USD" } }] }
          }),
          400,
          "InvalidInput"
        )
      })
    )

    it(
      "the migration import reports every problem on a dry run, then writes all at once; imported accounts start at „Passwort vergessen“",
      withPortal(async (h, w) => {
        const op = await w.operatorSession()
        const suffix = unique()
        const organization = {
          name: `Gemeinde Import ${suffix}`,
          legalForm: "Körperschaft des öffentlichen Rechts",
          administrativeLevel: "municipal",
          federalState: "DE-BY",
          addresses: [
            {
              kind: "location",
              street: "Markt 1",
              postalCode: "90518",
              city: "Altdorf",
              phone: "09187 1",
              isDefault: true
            }
          ],
          accounts: [{ email: `haupt-${suffix}@import.test`, firstName: "Hanna", lastName: "Haupt", isMainAdmin: true }]
        }
        const broken = { organizations: [{ ...organization, federalState: null, accounts: [] }] }
        const dry = await call(h, "POST", "/operator/imports?dryRun=true", { token: op.token, body: broken })
        expect(dry.status).toBe(200)
        expect(dry.body.problems.map((p: { path: string }) => p.path).sort()).toEqual([
          "organizations.0.accounts",
          "organizations.0.federalState"
        ])
        const refused = await call(h, "POST", "/operator/imports", { token: op.token, body: broken })
        expectProblem(refused, 400, "InvalidInput")

        const done = await call(h, "POST", "/operator/imports", {
          token: op.token,
          body: { organizations: [organization] }
        })
        expect(done.status).toBe(200)
        expect(done.body).toMatchObject({ dryRun: false, organizations: 1, accounts: 1, problems: [] })
        const login = await call(h, "POST", "/auth/login", {
          body: { email: organization.accounts[0]!.email, password: "irgendein langes Passwort aus dem Altsystem" }
        })
        expectProblem(login, 401, "InvalidCredentials")
        expect(login.body.detail).toContain("Passwort vergessen")
        const again = await call(h, "POST", "/operator/imports?dryRun=true", {
          token: op.token,
          body: { organizations: [organization] }
        })
        expect(again.body.problems.map((p: { path: string }) => p.path)).toContain("organizations.0.name")
      })
    )
  })

  describe(`${name}: development routes`, () => {
    it(
      "/dev/captcha hands out a solved challenge that registration accepts once",
      withPortal(async (h, w) => {
        const body = await w.registrationBody()
        expect((await call(h, "POST", "/registrations", { body })).status).toBe(202)
        const replay = await call(h, "POST", "/registrations", {
          body: {
            ...body,
            organization: { ...body.organization, name: `Andere ${unique()}` },
            person: { ...body.person, email: `x-${unique()}@x.test` }
          }
        })
        expectProblem(replay, 400, "InvalidInput")
        expect(replay.body.errors.map((e: { path: string }) => e.path)).toContain("captcha.answer")
      })
    )
  })
}
