import type { Client, InStatement, ResultSet, Transaction } from "@libsql/client"

/**
 * A client or transaction that can also run a statement synchronously: the local client's, whose driver is
 * synchronous anyway. A statement run this way skips the promises of `execute` and the suspension of the
 * fiber awaiting them, which on a local file are a measurable part of a statement.
 */
export interface ExecuteNow {
  readonly executeNow: (statement: InStatement) => ResultSet
}

/** Whether the client (or transaction) runs statements synchronously. */
export const executesNow = (client: Client | Transaction): client is (Client | Transaction) & ExecuteNow =>
  typeof (client as Partial<ExecuteNow>).executeNow === "function"

/** Runs the statement synchronously where the client can (see `ExecuteNow`), through `execute` otherwise. */
export const executeOn = (client: Client | Transaction, statement: InStatement): ResultSet | Promise<ResultSet> =>
  executesNow(client) ? client.executeNow(statement) : client.execute(statement)

/** Whether an answer is still to come: a promise, or another thenable (a drizzle query). */
export const isPromiseLike = (u: unknown): u is PromiseLike<unknown> =>
  typeof u === "object" && u !== null && typeof (u as { then?: unknown }).then === "function"

/** `f` of an answer that is there now or will be: applied at once, or when the promise settles. */
export const whenDone = <A, B>(answer: A | PromiseLike<A>, f: (value: A) => B): B | PromiseLike<B> =>
  isPromiseLike(answer) ? answer.then(f) : f(answer)
