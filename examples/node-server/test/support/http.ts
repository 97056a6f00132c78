import { expect } from "vitest"

export interface Answer {
  readonly status: number
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in tests and checked field by field
  readonly body: any
}

/** A JSON client for one server over real HTTP; Bearer authentication, so no CSRF origin is needed. */
export const client = (origin: string) => {
  const call = async (
    method: string,
    path: string,
    options: { readonly body?: unknown; readonly token?: string } = {}
  ): Promise<Answer> => {
    const headers: Record<string, string> = { accept: "application/json" }
    if (options.token) headers.authorization = `Bearer ${options.token}`
    if (options.body !== undefined) headers["content-type"] = "application/json"
    const response = await fetch(`${origin}/api${path}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) })
    })
    const text = await response.text()
    return { status: response.status, body: text === "" ? undefined : JSON.parse(text) }
  }

  /** The call, which must answer `status`; fails with the answer otherwise. */
  const expectCall = async (
    status: number,
    method: string,
    path: string,
    options: { readonly body?: unknown; readonly token?: string } = {}
  ) => {
    const answer = await call(method, path, options)
    if (answer.status !== status)
      expect.fail(`${method} ${path}: expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`)
    return answer.body
  }

  const login = async (email: string, password: string): Promise<string> =>
    (await expectCall(200, "POST", "/auth/login", { body: { email, password } })).session.token

  /**
   * The token of the newest link to `linkPath` mailed to `email`, read from the dev mailbox. Mail goes out
   * through the outbox dispatcher, so it may take a moment to arrive.
   */
  const mailedToken = async (email: string, linkPath: string): Promise<string> => {
    const deadline = performance.now() + 15_000
    while (performance.now() < deadline) {
      const box = await expectCall(200, "GET", `/dev/mailbox?to=${encodeURIComponent(email)}`)
      for (const mail of box.items as ReadonlyArray<{ links: ReadonlyArray<string> }>) {
        const link = mail.links.find((l) => l.includes(linkPath))
        const token = link && new URL(link).searchParams.get("token")
        if (token) return token
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    return expect.fail(`no mail with a link to ${linkPath} reached ${email}`)
  }

  return { call, expectCall, login, mailedToken }
}
