/**
 * What a login costs at least: password hashes per second on this machine, one at a time and as many as
 * the thread pool runs at once, for the parameters each side of the HTTP benchmark uses.
 */
import { randomBytes, scrypt } from "node:crypto"
import { hash as argon2Hash } from "@node-rs/argon2"
import { median } from "./report.ts"

export interface HashRate {
  readonly name: string
  /** Median milliseconds of one hash, alone. */
  readonly singleMs: number
  /** Hashes per second with `parallel` in flight. */
  readonly perSecond: number
  readonly parallel: number
}

const argon2 = (password: string) => argon2Hash(password, { memoryCost: 19_456, timeCost: 2, parallelism: 1 })
const scryptDefault = (password: string) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(
      password,
      randomBytes(16).toString("hex"),
      64,
      { N: 16_384, r: 16, p: 1, maxmem: 128 * 16_384 * 16 * 2 },
      (e, k) => (e ? reject(e) : resolve(k))
    )
  )

const rate = async (
  name: string,
  run: (password: string) => Promise<unknown>,
  seconds: number,
  parallel: number
): Promise<HashRate> => {
  const password = "Benchmark-Passwort für beide Seiten 2026"
  for (let i = 0; i < 3; i++) await run(password)
  const singles: Array<number> = []
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now()
    await run(password)
    singles.push(performance.now() - t0)
  }
  let done = 0
  const until = performance.now() + seconds * 1000
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (performance.now() < until) {
        await run(password)
        done++
      }
    })
  )
  return { name, singleMs: median(singles), perSecond: done / ((performance.now() - t0) / 1000), parallel }
}

export const hashRates = async (seconds: number, parallel: number): Promise<ReadonlyArray<HashRate>> => [
  await rate("argon2id m=19456 KiB, t=2, p=1 (@node-rs/argon2): both sides here", argon2, seconds, parallel),
  await rate(
    "scrypt N=16384, r=16, p=1 (node:crypto): better-auth's default, not used here",
    scryptDefault,
    seconds,
    parallel
  )
]
