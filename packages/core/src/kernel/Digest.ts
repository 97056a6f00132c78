import { hex, utf8 } from "./Encoding.ts"

/**
 * SHA-256 (FIPS 180-4), computed here rather than through Web Crypto. Core hashes short texts inside units of
 * work: session and link secrets, audit events. Web Crypto's `digest` is asynchronous and on Node runs in the
 * thread pool, where it waits behind password hashing while the unit holds the database's write lock; its
 * promise and hand-over cost dozens of times the hashing, which takes about a microsecond here for a short text.
 * Where Node's synchronous native digest is at hand, `sha256Hex` uses it (below). Tests hold both to the standard
 * vectors and to Web Crypto on generated texts. The proof-of-work captcha's solver uses the words.
 */
// biome-ignore format: the table of FIPS 180-4, eight to a line
const roundConstants = Uint32Array.of(
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
)

const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n))

/** The message schedule, reused: hashing is synchronous, so no two calls share it at once. */
const schedule = new Uint32Array(64)

/** The eight state words of SHA-256 over `message`: the digest, big-endian, word by word. */
export const sha256Words = (message: Uint8Array): Uint32Array => {
  const length = message.length
  const padded = new Uint8Array(Math.ceil((length + 9) / 64) * 64)
  padded.set(message)
  padded[length] = 0x80
  const view = new DataView(padded.buffer)
  view.setUint32(padded.length - 8, Math.floor(length / 0x2000_0000))
  view.setUint32(padded.length - 4, (length * 8) >>> 0)
  // biome-ignore format: FIPS 180-4's initial hash value
  const state = Uint32Array.of(
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
  )
  const w = schedule
  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(block + i * 4)
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15]!
      const y = w[i - 2]!
      const s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3)
      const s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10)
      w[i] = w[i - 16]! + s0 + w[i - 7]! + s1
    }
    let a = state[0]!
    let b = state[1]!
    let c = state[2]!
    let d = state[3]!
    let e = state[4]!
    let f = state[5]!
    let g = state[6]!
    let h = state[7]!
    for (let i = 0; i < 64; i++) {
      const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + roundConstants[i]! + w[i]!) | 0
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0
      h = g
      g = f
      f = e
      e = (d + t1) | 0
      d = c
      c = b
      b = a
      a = (t1 + t2) | 0
    }
    state[0] = state[0]! + a
    state[1] = state[1]! + b
    state[2] = state[2]! + c
    state[3] = state[3]! + d
    state[4] = state[4]! + e
    state[5] = state[5]! + f
    state[6] = state[6]! + g
    state[7] = state[7]! + h
  }
  return state
}

/** The SHA-256 digest of `message`. */
export const sha256 = (message: Uint8Array): Uint8Array => {
  const words = sha256Words(message)
  const digest = new Uint8Array(32)
  const view = new DataView(digest.buffer)
  for (let i = 0; i < 8; i++) view.setUint32(i * 4, words[i]!)
  return digest
}

/** SHA-256 of a string's UTF-8 bytes as lower-case hex, computed here (`sha256Hex` where Node's is missing). */
export const sha256HexPortable = (text: string): string => hex(sha256(utf8(text)))

interface NodeCrypto {
  /** One-shot digest (Node 20.12 and later): no hash object to build, the fastest for short texts. */
  readonly hash?: (algorithm: "sha256", text: string, encoding: "hex") => string
  readonly createHash: (algorithm: "sha256") => {
    readonly update: (text: string, encoding: "utf8") => { readonly digest: (encoding: "hex") => string }
  }
}

/**
 * Node's own SHA-256 where the platform hands it out synchronously (`process.getBuiltinModule`, Node 20.16 and
 * later, or a runtime imitating it): native, and for an audit event of a kilobyte about seven times faster than
 * the one above. Elsewhere (workerd without it, browsers) undefined.
 */
const nodeCrypto: NodeCrypto | undefined = (() => {
  try {
    const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
    return process?.getBuiltinModule?.("node:crypto") as NodeCrypto | undefined
  } catch {
    return undefined
  }
})()

/** SHA-256 of a string's UTF-8 bytes as lower-case hex (lone surrogates encoded as U+FFFD, as `TextEncoder` does). */
export const sha256Hex: (text: string) => string =
  nodeCrypto === undefined
    ? sha256HexPortable
    : nodeCrypto.hash !== undefined
      ? (text) => nodeCrypto.hash!("sha256", text, "hex")
      : (text) => nodeCrypto.createHash("sha256").update(text, "utf8").digest("hex")

const inOrder = (keys: ReadonlyArray<string>): boolean => {
  for (let i = 1; i < keys.length; i++) if ((keys[i - 1] as string) >= (keys[i] as string)) return false
  return true
}

/**
 * The value with every object's keys in order: objects and arrays whose keys are in order all the way down are
 * the value itself, the others copies. A copy has no prototype, so a key named `__proto__` (input can carry
 * one) stays a key, where on an ordinary object the assignment would set the copy's prototype and drop it
 * from the hash. `toJSON` is called as `JSON.stringify` would, and its result put in order too.
 */
const keysInOrder = (value: unknown, key: string): unknown => {
  if (typeof value !== "object" || value === null) return value
  const toJSON = (value as { toJSON?: unknown }).toJSON
  if (typeof toJSON === "function") return keysInOrder(toJSON.call(value, key), key)
  if (Array.isArray(value)) {
    let copy: Array<unknown> | undefined
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i]
      const ordered = keysInOrder(item, String(i))
      if (ordered !== item) {
        copy ??= value.slice()
        copy[i] = ordered
      }
    }
    return copy ?? value
  }
  const record = value as Record<string, unknown>
  const keys = Object.keys(record)
  const sorted = inOrder(keys)
  if (!sorted) keys.sort()
  let copy: Record<string, unknown> | undefined = sorted ? undefined : Object.create(null)
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string
    const item = record[k]
    const ordered = keysInOrder(item, k)
    if (copy === undefined && ordered !== item) {
      copy = Object.create(null) as Record<string, unknown>
      for (let j = 0; j < i; j++) copy[keys[j] as string] = record[keys[j] as string]
    }
    if (copy !== undefined) copy[k] = ordered
  }
  return copy ?? value
}

/**
 * JSON with object keys sorted at every level: the same value always hashes the same. The keys are put in order
 * first and the text written by `JSON.stringify` alone: a replacer, called for every node, made it twice as
 * slow.
 */
export const canonicalJson = (value: unknown): string => JSON.stringify(keysInOrder(value, ""))

/** Constant-time comparison of two strings of equal length (hashes), so timing reveals nothing. */
export const timingSafeEqual = (a: string, b: string): boolean => {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}
