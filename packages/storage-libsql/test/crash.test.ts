import { spawn } from "node:child_process"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { createClient } from "@libsql/client"
import { eq } from "drizzle-orm"
import { drizzle } from "drizzle-orm/libsql"
import { Effect, Schema } from "effect"
import { Notification } from "../src/internal/core.ts"
import { auditEvents } from "../src/schema/audit-events.ts"
import * as AuditLogLibsql from "../src/stores/AuditLogLibsql.ts"
import { verifyChain } from "./support/core.ts"
import { tempDir } from "./support/databases.ts"

const packageRoot = fileURLToPath(new URL("..", import.meta.url))

/**
 * Starts the writer process on the database and SIGKILLs it once `killWhen` accepts a line it printed.
 * Resolves with every line it printed.
 */
const killWriter = (url: string, mode: "hang" | "loop", killWhen: (line: string, lines: number) => boolean) =>
  Effect.callback<ReadonlyArray<string>, Error>((resume) => {
    const child = spawn(process.execPath, ["--import", "tsx", "test/support/crash-child.ts", url, mode], {
      cwd: packageRoot,
      stdio: ["ignore", "pipe", "pipe"]
    })
    const lines: Array<string> = []
    let buffered = ""
    let err = ""
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString()
      for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
        const line = buffered.slice(0, nl)
        buffered = buffered.slice(nl + 1)
        lines.push(line)
        if (killWhen(line, lines.length)) child.kill("SIGKILL")
      }
    })
    child.stderr.on("data", (chunk) => (err += chunk))
    child.once("exit", (_code, signal) =>
      resume(
        signal === "SIGKILL"
          ? Effect.succeed(lines)
          : Effect.fail(new Error(`writer ended without being killed: ${err}`))
      )
    )
    return Effect.sync(() => child.kill("SIGKILL"))
  })

const decodeNotification = Schema.decodeUnknownSync(Schema.toCodecJson(Notification))

/** What the killed writer left: integrity, organizations, audit events and outbox messages. */
const inspect = (url: string) =>
  Effect.gen(function* () {
    const client = yield* Effect.acquireRelease(
      Effect.sync(() => createClient({ url })),
      (c) => Effect.sync(() => c.close())
    )
    const query = (sql: string) => Effect.promise(() => client.execute(sql)).pipe(Effect.map((rs) => rs.rows))
    const integrity = (yield* query("PRAGMA integrity_check")).map((r) => String(r.integrity_check))
    const organizations = (yield* query("SELECT id FROM organizations")).map((r) => String(r.id))
    const events = (yield* Effect.promise(() =>
      drizzle({ client })
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.chain, "crash-test"))
        .orderBy(auditEvents.sequence)
    )).map(AuditLogLibsql.toDomain)
    const recipients = (yield* query("SELECT notification FROM outbox_messages")).map(
      (r) => decodeNotification(JSON.parse(String(r.notification))).recipient
    )
    return { integrity, organizations, events, recipients }
  })

/** State, audit events and outbox messages describe the same set of committed units of work. */
const assertConsistent = (left: Effect.Success<ReturnType<typeof inspect>>, committed: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    assert.deepStrictEqual(left.integrity, ["ok"])
    const organizations = [...left.organizations].sort()
    assert.deepStrictEqual(left.events.map((e) => e.subject.id).sort(), organizations)
    assert.deepStrictEqual(left.recipients.map((r) => r.replace("@crash.test", "")).sort(), organizations)
    assert.deepStrictEqual(yield* verifyChain(left.events), { ok: true })
    // Every unit of work reported as committed survived the kill.
    for (const id of committed) assert.include(organizations, id)
  })

const idsOf = (lines: ReadonlyArray<string>, prefix: string) =>
  lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length))

describe("a writer process killed with SIGKILL", () => {
  it.effect(
    "killed inside a write transaction, it leaves no partial state: integrity ok, state, audit and outbox agree",
    () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        const hang = `file:${join(dir, "hang.db")}`
        const loop = `file:${join(dir, "loop.db")}`
        // Both writers at once: one is killed while it holds a transaction open after all its writes, the
        // other at an arbitrary point of a stream of transactions.
        const [hangLines, loopLines] = yield* Effect.all(
          [
            killWriter(hang, "hang", (line) => line.startsWith("inside ")),
            killWriter(loop, "loop", (_line, count) => count >= 40)
          ],
          { concurrency: "unbounded" }
        )

        const afterHang = yield* inspect(hang)
        const committed = idsOf(hangLines, "committed ")
        const [interrupted] = idsOf(hangLines, "inside ")
        assert.strictEqual(committed.length, 3)
        assert.isDefined(interrupted)
        yield* assertConsistent(afterHang, committed)
        assert.notInclude(afterHang.organizations, interrupted)
        assert.strictEqual(afterHang.organizations.length, 3)

        const afterLoop = yield* inspect(loop)
        yield* assertConsistent(afterLoop, idsOf(loopLines, "committed "))
        assert.isAtLeast(afterLoop.organizations.length, 40)
      })
  )
})
