import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"
import { Context, Effect, Layer } from "effect"

export interface CapturedRequest {
  readonly method: string
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
  readonly json: Record<string, unknown> | undefined
}

export interface ScriptedAnswer {
  readonly status: number
  /** A JSON body; a string is sent as it is (for answers that are not JSON). */
  readonly body: unknown
}

/**
 * A stand-in for Resend's API on 127.0.0.1: real HTTP, real JSON. It behaves like Resend where the tests
 * rely on it: a repeated `Idempotency-Key` whose first request succeeded gets the first answer again and
 * sends nothing; scripted answers model outages and refusals.
 */
export class CaptureServer extends Context.Service<
  CaptureServer,
  {
    readonly url: string
    /** Every request in arrival order, repeats included. */
    readonly requests: () => ReadonlyArray<CapturedRequest>
    /** Mails Resend would have sent: one per idempotency key (or per request without a key). */
    readonly deliveries: () => ReadonlyArray<CapturedRequest>
    /** The next requests get these answers, one each, in order. */
    readonly answerNext: (...answers: ReadonlyArray<ScriptedAnswer>) => void
  }
>()("test/CaptureServer") {
  static readonly layer = Layer.effect(
    CaptureServer,
    Effect.acquireRelease(
      Effect.callback<{ server: ReturnType<typeof createServer>; service: CaptureServer["Service"] }>((resume) => {
        const requests: Array<CapturedRequest> = []
        const deliveries = new Map<string, { request: CapturedRequest; answer: string }>()
        const scripted: Array<ScriptedAnswer> = []
        let sequence = 0
        const server = createServer((req, res) => {
          const chunks: Array<Buffer> = []
          req.on("data", (c: Buffer) => chunks.push(c))
          req.on("end", () => {
            const body = Buffer.concat(chunks).toString("utf8")
            let json: Record<string, unknown> | undefined
            try {
              json = JSON.parse(body) as Record<string, unknown>
            } catch {
              json = undefined
            }
            const request = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body, json }
            requests.push(request)
            const key = req.headers["idempotency-key"]
            const repeat = typeof key === "string" ? deliveries.get(key) : undefined
            if (repeat) {
              res.writeHead(200, { "content-type": "application/json" }).end(repeat.answer)
              return
            }
            const next = scripted.shift()
            if (next && (next.status < 200 || next.status >= 300)) {
              const text = typeof next.body === "string" ? next.body : JSON.stringify(next.body)
              res.writeHead(next.status, { "content-type": "application/json" }).end(text)
              return
            }
            const answer = JSON.stringify({ id: `email_${++sequence}` })
            deliveries.set(typeof key === "string" ? key : `no-key-${sequence}`, { request, answer })
            res.writeHead(200, { "content-type": "application/json" }).end(answer)
          })
        })
        server.listen(0, "127.0.0.1", () => {
          const { port } = server.address() as AddressInfo
          resume(
            Effect.succeed({
              server,
              service: {
                url: `http://127.0.0.1:${port}`,
                requests: () => [...requests],
                deliveries: () => [...deliveries.values()].map((d) => d.request),
                answerNext: (...answers) => {
                  scripted.push(...answers)
                }
              }
            })
          )
        })
      }),
      ({ server }) =>
        Effect.callback<void>((resume) => {
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        })
    ).pipe(Effect.map(({ service }) => service))
  )
}

/** Resend's error body. */
export const resendError = (status: number, name: string, message = name): ScriptedAnswer => ({
  status,
  body: { statusCode: status, name, message }
})
