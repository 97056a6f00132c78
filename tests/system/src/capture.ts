import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"

/** One `POST /emails` as Resend would receive it. */
export interface CapturedMail {
  readonly key: string
  readonly to: ReadonlyArray<string>
  readonly subject: string
  readonly text: string
  /** Which life of the server sent it (the caller counts lives: each start is a new one). */
  readonly life: number
  readonly at: number
}

/**
 * A stand-in for Resend's API on loopback: accepts `POST /emails`, keeps the first mail of every
 * `Idempotency-Key` and answers a repeated key as Resend does (the same success, no second mail), counting it.
 */
export interface MailCapture {
  readonly baseUrl: string
  /** The first delivery of every key, in order. */
  readonly mails: () => ReadonlyArray<CapturedMail>
  /** Every request, repeats included. */
  readonly requests: () => ReadonlyArray<{ readonly key: string; readonly life: number }>
  /** Requests without an idempotency key: Resend could not deduplicate them. */
  readonly withoutKey: () => number
  setLife: (life: number) => void
  /** While set, every request fails with 503 (a mail service outage). */
  setDown: (down: boolean) => void
  readonly close: () => Promise<void>
}

export const startMailCapture = async (): Promise<MailCapture> => {
  const mails = new Map<string, CapturedMail>()
  const requests: Array<{ key: string; life: number }> = []
  let life = 0
  let down = false
  let withoutKey = 0
  const server: Server = createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" })
        res.end(JSON.stringify(body))
      }
      if (req.method !== "POST" || req.url !== "/emails") return reply(404, { name: "not_found", message: "no route" })
      if (down) return reply(503, { statusCode: 503, name: "application_error", message: "down for the test" })
      const key = String(req.headers["idempotency-key"] ?? "")
      if (key === "") withoutKey++
      requests.push({ key, life })
      let body: { to?: unknown; subject?: unknown; text?: unknown }
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"))
      } catch {
        return reply(422, { statusCode: 422, name: "validation_error", message: "invalid JSON" })
      }
      if (!mails.has(key))
        mails.set(key, {
          key,
          to: Array.isArray(body.to) ? body.to.map(String) : [String(body.to)],
          subject: String(body.subject ?? ""),
          text: String(body.text ?? ""),
          life,
          at: Date.now()
        })
      reply(200, { id: `captured-${key}` })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    mails: () => [...mails.values()],
    requests: () => [...requests],
    withoutKey: () => withoutKey,
    setLife: (n) => {
      life = n
    },
    setDown: (d) => {
      down = d
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/** The token of every link in a mail (`…?token=…`). */
export const tokensIn = (text: string): ReadonlyArray<string> =>
  [...text.matchAll(/[?&]token=([A-Za-z0-9_-]+)/gu)].map((m) => m[1]!)
