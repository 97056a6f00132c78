/** An answer of the API, its body parsed when it is JSON. */
export interface Answer {
  readonly status: number
  readonly headers: Headers
  // biome-ignore lint/suspicious/noExplicitAny: answers are read loosely and checked field by field
  readonly body: any
  readonly text: string
}

export interface CallOptions {
  readonly body?: unknown
  /** Sent as it is, instead of `body` as JSON (broken JSON, invalid UTF-8, other media types). */
  readonly rawBody?: string | Uint8Array
  readonly token?: string | undefined
  readonly headers?: Record<string, string>
}

/** Where requests go: an in-process app (`app.fetch`) or a server over loopback (global `fetch`). */
export interface Target {
  readonly origin: string
  readonly basePath: string
  readonly fetch: (request: Request) => Promise<Response>
}

export const inProcess = (fetch: (request: Request) => Promise<Response>): Target => ({
  origin: "http://localhost",
  basePath: "/api",
  fetch
})

export const overHttp = (origin: string): Target => ({ origin, basePath: "/api", fetch: (r) => fetch(r) })

export const call = async (
  target: Target,
  method: string,
  path: string,
  options: CallOptions = {}
): Promise<Answer> => {
  const headers = new Headers(options.headers)
  if (options.token !== undefined) headers.set("authorization", `Bearer ${options.token}`)
  let body: string | Uint8Array | null = null
  if (options.rawBody !== undefined) body = options.rawBody
  else if (options.body !== undefined) body = JSON.stringify(options.body)
  if (body !== null && !headers.has("content-type")) headers.set("content-type", "application/json")
  const response = await target.fetch(
    new Request(`${target.origin}${target.basePath}${path}`, {
      method,
      headers,
      body: body as BodyInit | null,
      redirect: "manual"
    })
  )
  const text = await response.text()
  let parsed: unknown = text
  if ((response.headers.get("content-type") ?? "").includes("json") && text !== "") {
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = text
    }
  }
  return { status: response.status, headers: response.headers, body: parsed, text }
}

/** Throws with the answer unless it has the expected status. */
export const expectStatus = (answer: Answer, status: number, what: string): Answer => {
  if (answer.status !== status) throw new Error(`${what}: expected ${status}, got ${answer.status}: ${answer.text}`)
  return answer
}

/**
 * Why an error answer is not an RFC 9457 problem document of the API (API.md), or undefined when it is one:
 * `application/problem+json`, with `type`, `title`, `status` (the HTTP status), `detail` and a stable `code`.
 */
export const problemDefect = (answer: Answer): string | undefined => {
  const type = answer.headers.get("content-type") ?? ""
  if (!type.startsWith("application/problem+json")) return `content-type ${type || "(none)"}`
  const b = answer.body
  if (typeof b !== "object" || b === null) return "body is no JSON object"
  for (const field of ["type", "title", "detail", "code"] as const)
    if (typeof b[field] !== "string" || b[field] === "") return `no ${field}`
  if (b.status !== answer.status) return `status field ${b.status} differs from ${answer.status}`
  if (b.errors !== undefined) {
    if (!Array.isArray(b.errors)) return "errors is no array"
    for (const e of b.errors)
      if (typeof e?.path !== "string" || typeof e?.message !== "string") return "an errors entry lacks path or message"
  }
  if (answer.status === 429 && !answer.headers.has("retry-after")) return "429 without Retry-After"
  return undefined
}
