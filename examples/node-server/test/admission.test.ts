import { createServer, type RequestListener, type Server } from "node:http"
import { connect, type Socket } from "node:net"
import { afterEach, describe, expect, it } from "vitest"
import { type Admission, type AdmissionOptions, makeAdmission } from "../src/admission.ts"

interface Answer {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: string
}

/** One request over a connection of its own, as raw HTTP/1.1; resolves with the answer once the server closes. */
const request = (port: number, path: string, headers: Record<string, string> = {}) => {
  const socket = connect({ host: "127.0.0.1", port })
  let received = ""
  socket.setEncoding("utf8").on("data", (chunk: string) => {
    received += chunk
  })
  const answer = new Promise<Answer>((resolve, reject) => {
    socket.on("error", reject)
    socket.on("end", () => {
      const [head = "", body = ""] = received.split("\r\n\r\n", 2)
      const [statusLine = "", ...lines] = head.split("\r\n")
      resolve({
        status: Number(statusLine.split(" ")[1]),
        headers: Object.fromEntries(
          lines.map((line) => [
            line.slice(0, line.indexOf(":")).toLowerCase(),
            line.slice(line.indexOf(":") + 1).trim()
          ])
        ),
        body
      })
    })
  })
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("")
  socket.write(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n${extra}\r\n`)
  return { socket, answer }
}

/** Keeps the event loop busy, as a heavy request or a garbage collection does. */
const busy = (ms: number) => {
  const until = performance.now() + ms
  while (performance.now() < until) {
    // spinning on purpose
  }
}

const open: Array<{ server: Server; admission: Admission }> = []
afterEach(async () => {
  for (const { server, admission } of open.splice(0)) {
    admission.close()
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

const serve = async (options: Partial<AdmissionOptions>, listener: RequestListener) => {
  const admission = makeAdmission({ maxInFlight: 1_000, maxQueueDelayMs: 100, retryAfterSeconds: 1, ...options })
  const server = createServer(admission.wrap(listener))
  admission.attach(server)
  open.push({ server, admission })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address()
  return { admission, port: typeof address === "object" && address ? address.port : 0 }
}

const ok: RequestListener = (_req, res) => {
  res.writeHead(200, { "content-type": "text/plain" })
  res.end("ok")
}

describe("admission control in front of the app", () => {
  it("requests that waited longer than the queueing-delay budget in front of a busy server, in a crowd, are turned away at once with 503, Retry-After and a problem document", async () => {
    // Each request keeps the loop busy for 30 ms: forty arriving at once would make the last one wait 1.2 s.
    const { admission, port } = await serve({ maxQueueDelayMs: 100, crowd: 4 }, (req, res) => {
      busy(30)
      ok(req, res)
    })
    const answers = await Promise.all(Array.from({ length: 40 }, () => request(port, "/api/me").answer))
    const served = answers.filter((a) => a.status === 200)
    const shed = answers.filter((a) => a.status === 503)
    expect(served.length + shed.length).toBe(40)
    // Served: the first ones, until the budget of 100 ms was used up (at 30 ms each, counted from when the loop was
    // last idle, before the clients connected) with a crowd (4) accepted.
    expect(served.length).toBeGreaterThanOrEqual(1)
    expect(served.length).toBeLessThanOrEqual(5)
    expect(admission.stats().shedQueueDelay).toBe(shed.length)
    const answer = shed[0]!
    expect(answer.headers["retry-after"]).toBe("1")
    expect(answer.headers["content-type"]).toBe("application/problem+json; charset=utf-8")
    expect(JSON.parse(answer.body)).toMatchObject({
      type: "https://cloudportal.dev/problems/Overloaded",
      status: 503,
      code: "Overloaded",
      title: "Vorübergehend überlastet"
    })
    // Once the loop has caught up and waited for work once (here the client shares the loop, so it has to let it
    // wait), requests are served again.
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect((await request(port, "/api/me").answer).status).toBe(200)
  })

  it("fewer clients than a crowd are never turned away for waiting: they wait for each other at most as long as they are many", async () => {
    const { admission, port } = await serve({ maxQueueDelayMs: 100 }, (req, res) => {
      busy(30)
      ok(req, res)
    })
    // Twelve at once wait up to 360 ms, more than three times the budget, but they are fewer than the default crowd
    // of 16.
    const answers = await Promise.all(Array.from({ length: 12 }, () => request(port, "/api/me").answer))
    expect(answers.every((a) => a.status === 200)).toBe(true)
    expect(admission.stats().shedQueueDelay).toBe(0)
  })

  it("the first requests after a stall that was not their doing are let in (start-up, a garbage collection)", async () => {
    const { admission, port } = await serve({ maxQueueDelayMs: 100, crowd: 4 }, ok)
    const pending = Array.from({ length: 3 }, () => request(port, "/api/me").answer)
    // They wait in the kernel while the loop is stuck for three times the budget.
    busy(300)
    const answers = await Promise.all(pending)
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200])
    expect(admission.stats().worstLoopDelayMs).toBeGreaterThan(100)
  })

  it("beyond maxInFlight requests inside the app a request is turned away, and let in again once one has finished", async () => {
    const held: Array<() => void> = []
    const { admission, port } = await serve({ maxInFlight: 2 }, (req, res) => {
      held.push(() => ok(req, res))
    })
    const first = request(port, "/api/orders").answer
    const second = request(port, "/api/orders").answer
    while (held.length < 2) await new Promise((resolve) => setTimeout(resolve, 5))
    const third = await request(port, "/api/orders").answer
    expect(third.status).toBe(503)
    expect(admission.stats()).toMatchObject({ inFlight: 2, shedInFlight: 1 })
    for (const release of held.splice(0)) release()
    expect([(await first).status, (await second).status]).toEqual([200, 200])
    const fourth = request(port, "/api/orders").answer
    while (held.length < 1) await new Promise((resolve) => setTimeout(resolve, 5))
    held.splice(0)[0]!()
    expect((await fourth).status).toBe(200)
  })

  it("a client that goes away frees its place in flight", async () => {
    const held: Array<() => void> = []
    const { admission, port } = await serve({ maxInFlight: 1 }, (req, res) => {
      held.push(() => ok(req, res))
    })
    const gone: Socket = request(port, "/api/orders").socket
    gone.on("error", () => {})
    while (held.length < 1) await new Promise((resolve) => setTimeout(resolve, 5))
    gone.destroy()
    while (admission.stats().inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5))
    const next = request(port, "/api/orders").answer
    while (held.length < 2) await new Promise((resolve) => setTimeout(resolve, 5))
    held[1]!()
    expect((await next).status).toBe(200)
  })

  it("the liveness probe is never turned away", async () => {
    const held: Array<() => void> = []
    const { port } = await serve({ maxInFlight: 1, exempt: new Set(["/healthz"]) }, (req, res) => {
      if (req.url === "/healthz") return ok(req, res)
      held.push(() => ok(req, res))
    })
    const blocking = request(port, "/api/orders").answer
    while (held.length < 1) await new Promise((resolve) => setTimeout(resolve, 5))
    expect((await request(port, "/api/orders").answer).status).toBe(503)
    expect((await request(port, "/healthz").answer).status).toBe(200)
    held[0]!()
    expect((await blocking).status).toBe(200)
  })

  it("the refusal is German unless the client asks for English", async () => {
    const held: Array<() => void> = []
    const { port } = await serve({ maxInFlight: 1 }, (req, res) => {
      held.push(() => ok(req, res))
    })
    const blocking = request(port, "/api/orders").answer
    while (held.length < 1) await new Promise((resolve) => setTimeout(resolve, 5))
    const english = await request(port, "/api/orders", { "accept-language": "en-GB,en;q=0.9" }).answer
    expect(english.status).toBe(503)
    expect(english.headers["content-language"]).toBe("en")
    expect(JSON.parse(english.body)).toMatchObject({ title: "Temporarily overloaded", code: "Overloaded" })
    const german = await request(port, "/api/orders").answer
    expect(JSON.parse(german.body).detail).toBe(
      "Zu viele Anfragen auf einmal. Bitte versuchen Sie es gleich noch einmal."
    )
    held[0]!()
    await blocking
  })
})
