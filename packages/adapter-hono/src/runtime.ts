import { type CoreServices, RequestViewer } from "@cloudportal/core"
import { Cause, DateTime, Effect, Exit, type ManagedRuntime, Schema } from "effect"
import type { Context } from "hono"
import { type AdapterProblemCode, adapterProblems, coreErrors, isCoreErrorTag } from "./errors.ts"
import { type Locale, localeOf } from "./locale.ts"
import { type FieldError, type Problem, ProblemException, problemResponse, problemType } from "./problem.ts"
import type { SessionHolder } from "./session.ts"

/** What the app runs core's use cases on: a `ManagedRuntime` of every core service. */
export type CoreRuntime = ManagedRuntime.ManagedRuntime<CoreServices, unknown>

/** Core's answer to a request: the value, or the response that tells the client why not. */
export interface Runner {
  /** Runs a use case; its failure is thrown as a `ProblemException` carrying the finished problem response. */
  readonly run: <A, E>(c: Context, effect: Effect.Effect<A, E, CoreServices>) => Promise<A>
  /** The current time of the runtime's clock (tests move it). */
  readonly now: () => Promise<DateTime.Utc>
  /** Logs through Effect, never to the client. */
  readonly logError: (message: string, annotations: Record<string, unknown>) => void
  readonly logWarning: (message: string, annotations: Record<string, unknown>) => void
}

const unauthorizedHeaders = { "www-authenticate": 'Bearer realm="cloudportal"' }

const inputDetail: Record<Locale, string> = {
  de: "Bitte prüfen Sie die aufgeführten Felder.",
  en: "Please check the fields listed."
}

const retryDetail: Record<Locale, (seconds: number) => string> = {
  de: (s) => `Bitte versuchen Sie es in ${s} Sekunden erneut.`,
  en: (s) => `Please try again in ${s} seconds.`
}

const internalDetail: Record<Locale, string> = {
  de: "Die Anfrage konnte nicht bearbeitet werden. Bitte versuchen Sie es später erneut.",
  en: "The request could not be handled. Please try again later."
}

/** An adapter problem (not a core error), localized. */
export const adapterProblem = (
  code: AdapterProblemCode,
  locale: Locale,
  detail?: string,
  extensions?: Record<string, unknown>
): Problem => {
  const { status, title } = adapterProblems[code]
  return {
    ...extensions,
    type: problemType(code),
    title: title[locale],
    status,
    detail: detail ?? title[locale],
    code
  }
}

export const adapterProblemResponse = (
  c: Context,
  code: AdapterProblemCode,
  detail?: string,
  extensions?: Record<string, unknown>
): Response => problemResponse(adapterProblem(code, localeOf(c.req.header("accept-language")), detail, extensions))

/** The error's own fields as JSON (its Schema's JSON form), minus the tag that `code` carries already. */
const fieldsOf = (error: { readonly _tag: string }): Record<string, unknown> => {
  const encoded = Schema.encodeUnknownOption(
    Schema.toCodecJson(error.constructor as unknown as Schema.Codec<unknown, unknown>)
  )(error)
  if (encoded._tag === "None" || typeof encoded.value !== "object" || encoded.value === null) return {}
  const { _tag, ...fields } = encoded.value as Record<string, unknown>
  return fields
}

/**
 * The problem a core error answers with. 5xx answers carry a generic text only: no cause, no driver message.
 * Returns undefined for anything that is not a known core error.
 */
export const problemOfError = (
  error: unknown,
  locale: Locale
): { readonly problem: Problem; readonly headers: Record<string, string> } | undefined => {
  if (typeof error !== "object" || error === null || !("_tag" in error) || typeof error._tag !== "string")
    return undefined
  const tag = error._tag
  if (!isCoreErrorTag(tag)) return undefined
  const { status, title: titles } = coreErrors[tag]
  const title = titles[locale]
  const base = { type: problemType(tag), title, status, code: tag }
  if (status >= 500) return { problem: { ...base, detail: internalDetail[locale] }, headers: {} }
  const fields = fieldsOf(error as { readonly _tag: string })
  if (tag === "InvalidInput") {
    const issues = (fields.issues ?? []) as ReadonlyArray<FieldError>
    return {
      problem: {
        ...base,
        detail: inputDetail[locale],
        errors: issues.map((i) => ({ path: i.path, message: i.message }))
      },
      headers: {}
    }
  }
  if (tag === "RateLimited") {
    const seconds = Number(fields.retryAfterSeconds ?? 1)
    return {
      problem: { ...fields, ...base, detail: retryDetail[locale](seconds) },
      headers: { "retry-after": String(seconds) }
    }
  }
  return { problem: { ...fields, ...base, detail: title }, headers: status === 401 ? unauthorizedHeaders : {} }
}

/** A core error raised by the adapter itself (e.g. `PermissionDenied` for an operator-only route), as a thrown problem. */
export const coreProblem = (c: Context, error: { readonly _tag: string }): ProblemException => {
  const answer = problemOfError(error, localeOf(c.req.header("accept-language")))
  if (!answer) throw new Error(`not a core error: ${error._tag}`)
  return new ProblemException(problemResponse(answer.problem, answer.headers))
}

export const makeRunner = (runtime: CoreRuntime): Runner => {
  const logError = (message: string, annotations: Record<string, unknown>) => {
    runtime.runFork(Effect.logError(message).pipe(Effect.annotateLogs(annotations)))
  }

  const failure = (c: Context, cause: Cause.Cause<unknown>): Response => {
    const locale = localeOf(c.req.header("accept-language"))
    const found = Cause.findErrorOption(cause)
    const known = found._tag === "Some" ? problemOfError(found.value, locale) : undefined
    if (known && known.problem.status < 500) return problemResponse(known.problem, known.headers)
    // Defects, interruptions, infrastructure failures: logged with their cause, answered generically.
    logError("request failed", { method: c.req.method, path: c.req.path, cause: Cause.pretty(cause) })
    return problemResponse(known?.problem ?? adapterProblem("InternalError", locale, internalDetail[locale]))
  }

  return {
    run: async (c, effect) => {
      // The member this request's session middleware read, for this request's read-only use cases (core's
      // `loadMemberForRead`): one read of the session and its holder per request, never kept past it.
      const viewer = (c.get("session") as SessionHolder | undefined)?.viewer
      const exit = await runtime.runPromiseExit(
        viewer === undefined ? effect : Effect.provideService(effect, RequestViewer, viewer)
      )
      if (Exit.isSuccess(exit)) return exit.value
      throw new ProblemException(failure(c, exit.cause))
    },
    now: () => runtime.runPromise(DateTime.now),
    logWarning: (message, annotations) => {
      runtime.runFork(Effect.logWarning(message).pipe(Effect.annotateLogs(annotations)))
    },
    logError
  }
}
