/** RFC 9457 problem details: the one error shape of the API. */
export interface FieldError {
  readonly path: string
  readonly message: string
}

export interface Problem {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly detail: string
  /** The core error's `_tag` (or the adapter's own code): stable, for clients to branch on. */
  readonly code: string
  readonly errors?: ReadonlyArray<FieldError>
  readonly [extension: string]: unknown
}

export const problemType = (code: string): string => `https://cloudportal.dev/problems/${code}`

export const problemContentType = "application/problem+json; charset=utf-8"

export const problemResponse = (problem: Problem, headers?: Record<string, string>): Response =>
  new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { "content-type": problemContentType, ...headers }
  })

/**
 * Carries a finished problem response out of a handler: handlers `await` use cases and stay linear, and the
 * app's error handler answers with the response as it is.
 */
export class ProblemException extends Error {
  constructor(readonly response: Response) {
    super(`problem ${response.status}`)
    this.name = "ProblemException"
  }
}
