import type { Duration } from "effect"

export type LinkKind = "RegistrationConfirmationLink" | "Invitation" | "PasswordResetLink"

/**
 * What the route suite needs from a running app: HTTP, and three test hooks a deployment does not have
 * (an operator account, the link tokens that went out by mail, a clock to move). The memory harness gives
 * them over the runtime; the workerd harness (workerd/) over test-only routes of its test Worker.
 */
export interface Harness {
  /** The origin requests are made on, e.g. "http://localhost". */
  readonly origin: string
  readonly basePath: string
  readonly fetch: (request: Request) => Promise<Response>
  readonly createOperator: () => Promise<{ readonly email: string; readonly password: string }>
  /** The newest token of that kind mailed to the address. */
  readonly linkToken: (email: string, kind: LinkKind) => Promise<string>
  readonly advanceTime: (duration: Duration.Input) => Promise<void>
  readonly close: () => Promise<void>
}

export interface CallOptions {
  readonly body?: unknown
  readonly rawBody?: string
  readonly token?: string
  readonly cookie?: string
  readonly headers?: Record<string, string>
}

export interface Answer {
  readonly status: number
  readonly headers: Headers
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in tests and checked field by field
  readonly body: any
}

export const call = async (h: Harness, method: string, path: string, options: CallOptions = {}): Promise<Answer> => {
  const headers = new Headers(options.headers)
  if (options.token) headers.set("authorization", `Bearer ${options.token}`)
  if (options.cookie) headers.set("cookie", options.cookie)
  let body: string | null = null
  if (options.rawBody !== undefined) body = options.rawBody
  else if (options.body !== undefined) body = JSON.stringify(options.body)
  if (body !== null && !headers.has("content-type")) headers.set("content-type", "application/json")
  const response = await h.fetch(
    new Request(`${h.origin}${h.basePath}${path}`, { method, headers, body, redirect: "manual" })
  )
  const text = await response.text()
  let parsed: unknown = text
  if ((response.headers.get("content-type") ?? "").includes("json") && text !== "") parsed = JSON.parse(text)
  return { status: response.status, headers: response.headers, body: parsed }
}

let counter = 0
/** A short unique suffix: tests make their own names and addresses. */
export const unique = (): string => `${Date.now().toString(36)}${(counter++).toString(36)}`
