import fc from "fast-check"
import { type Answer, problemDefect } from "../http.ts"
import type { Portal } from "../portal.ts"
import { type ChangeLog, installChangeLog, writesBetween } from "./changeLog.ts"
import { type FuzzRequest, type Identities, operationsOf, requestArbitrary } from "./requests.ts"
import type { Definitions } from "./schemaArbitrary.ts"

/** What went wrong with one request: the request as sent, and why its answer is a defect. */
export interface Finding {
  readonly request: FuzzRequest
  readonly status: number
  readonly defect: string
  readonly answer: string
}

export interface FuzzReport {
  readonly sent: number
  /** Requests the client itself could not build (a header value no HTTP client could send). */
  readonly unsendable: number
  readonly byStatus: ReadonlyMap<number, number>
  readonly byMutation: ReadonlyMap<string, number>
  /** Requests per operation of the document; every operation is in it, with 0 if none was sent. */
  readonly byOperation: ReadonlyMap<string, number>
  readonly findings: ReadonlyArray<Finding>
  /** Accepted requests that wrote something: proves the write detection sees writes at all. */
  readonly acceptedWrites: number
}

const prototypeShape = () =>
  [Object.prototype, Array.prototype, Function.prototype]
    .map((p) => Object.getOwnPropertyNames(p).sort().join(","))
    .join("|")

const preview = (body: FuzzRequest["body"]) =>
  body === undefined
    ? "(none)"
    : typeof body === "string"
      ? `${body.slice(0, 160)}${body.length > 160 ? `… (${body.length} chars)` : ""}`
      : `${body.length} bytes`

export const describeFinding = (f: Finding) =>
  `${f.request.method} ${f.request.path} [${f.request.mutation}] headers ${JSON.stringify(f.request.headers).slice(0, 200)} body ${preview(f.request.body)} → ${f.status}: ${f.defect}; answer ${f.answer.slice(0, 300)}`

/**
 * Sends `count` generated requests to the portal, one after another, and checks each answer: never a 5xx; every
 * error a problem document; a refused request writes nothing (libSQL: every table but the rate limiter's, by
 * trigger; memory: no audit event, no mail); nothing reaches the prototypes of the process.
 */
export const fuzz = async (
  portal: Portal,
  who: () => Promise<Identities>,
  options: { readonly count: number; readonly seed: number; readonly refreshEvery?: number }
): Promise<FuzzReport> => {
  const doc = await (await portal.fetch(new Request("http://localhost/api/openapi.json"))).json()
  const definitions = (doc.components?.schemas ?? {}) as Definitions
  const operations = operationsOf(doc)
  const changes: ChangeLog | undefined = portal.client ? await installChangeLog(portal.client) : undefined
  const footprint = async () =>
    changes ? await changes.snapshot() : new Map([["footprint", 0]]).set(await portal.footprint([]), 1)
  const byStatus = new Map<number, number>()
  const byMutation = new Map<string, number>()
  const byOperation = new Map<string, number>(operations.map((op) => [`${op.method} ${op.path}`, 0]))
  const findings: Array<Finding> = []
  const prototypes = prototypeShape()
  let sent = 0
  let unsendable = 0
  let acceptedWrites = 0
  const refreshEvery = options.refreshEvery ?? 250

  for (let done = 0; done < options.count; done += refreshEvery) {
    // Sessions die under fuzzing (logout, deactivation): sign in afresh for each slice.
    const identities = await who()
    const arb = fc.oneof(...operations.map((op) => requestArbitrary(op, definitions, identities)))
    const batch = fc.sample(arb, { numRuns: Math.min(refreshEvery, options.count - done), seed: options.seed + done })
    let before = await footprint()
    for (const request of batch) {
      let response: Response
      try {
        const init: RequestInit = { method: request.method, headers: request.headers }
        if (request.body !== undefined) init.body = request.body as BodyInit
        response = await portal.fetch(new Request(`http://localhost/api${request.path}`, init))
      } catch (error) {
        if (error instanceof TypeError && /header|Request/iu.test(error.message)) {
          unsendable++
          continue
        }
        throw error
      }
      sent++
      const text = await response.text()
      let body: unknown = text
      try {
        body = JSON.parse(text)
      } catch {
        // Not JSON: only allowed for the documentation page and empty success answers; checked below.
      }
      const answer: Answer = { status: response.status, headers: response.headers, body, text }
      byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1)
      byMutation.set(request.mutation, (byMutation.get(request.mutation) ?? 0) + 1)
      byOperation.set(request.operation, (byOperation.get(request.operation) ?? 0) + 1)
      const report = (defect: string) => findings.push({ request, status: answer.status, defect, answer: text })
      if (answer.status >= 500) report("a 5xx answer")
      else if (answer.status >= 400) {
        const defect = problemDefect(answer)
        if (defect) report(`not a problem document: ${defect}`)
      }
      if (!answer.headers.has("x-content-type-options")) report("no security headers")
      const after = await footprint()
      const writes = writesBetween(before, after)
      if (answer.status >= 400 && writes.length > 0) report(`a refused request wrote: ${writes.join(", ")}`)
      if (answer.status < 400 && writes.length > 0) acceptedWrites++
      before = after
      if (prototypeShape() !== prototypes || ({} as Record<string, unknown>).polluted !== undefined) {
        report("a prototype of the process was changed")
        break
      }
    }
  }
  return { sent, unsendable, byStatus, byMutation, byOperation, findings, acceptedWrites }
}
