import { Context, DateTime, Effect, Layer, Schema } from "effect"
import { type Actor, actorRef } from "./Actor.ts"
import { canonicalJson } from "./Digest.ts"
import type { StorageError } from "./Errors.ts"
import { AuditEventId } from "./Ids.ts"
import { newId, type SecureRandom } from "./SecureRandom.ts"
import { MemoryTable } from "./UnitOfWork.ts"

/**
 * The audit chain an event belongs to: its organization's, or the portal's own for events that
 * precede an organization (registrations) or concern the operator.
 */
export const portalChain = "portal"

/** The hash an empty chain starts from. */
export const genesisHash = "0".repeat(64)

/** An append-only record of one state change (DOMAIN §11), tamper-evident through `previousHash`. */
export class AuditEvent extends Schema.Class<AuditEvent>("@cloudportal/core/AuditEvent")({
  id: AuditEventId,
  chain: Schema.String,
  sequence: Schema.Int,
  actor: Schema.Struct({ kind: Schema.String, accountId: Schema.NullOr(Schema.String) }),
  action: Schema.String,
  subject: Schema.Struct({ type: Schema.String, id: Schema.String }),
  before: Schema.NullOr(Schema.Json),
  after: Schema.NullOr(Schema.Json),
  at: Schema.DateTimeUtc,
  previousHash: Schema.String,
  hash: Schema.String
}) {}

export interface AuditDraft {
  readonly chain: string
  readonly actor: Actor
  readonly action: string
  readonly subject: { readonly type: string; readonly id: string }
  readonly before: Schema.Json | null
  readonly after: Schema.Json | null
}

const hashInput = (e: Omit<AuditEvent, "hash">): string =>
  canonicalJson({
    chain: e.chain,
    sequence: e.sequence,
    actor: e.actor,
    action: e.action,
    subject: e.subject,
    before: e.before,
    after: e.after,
    at: DateTime.formatIso(e.at),
    previousHash: e.previousHash
  })

/** The hash an event must carry, given everything else it holds. */
export const eventHash = (e: Omit<AuditEvent, "hash">): Effect.Effect<string> =>
  Effect.sync(() => sha256HexSync(hashInput(e)))

const roundConstants = Uint32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
])

/**
 * SHA-256 (FIPS 180-4) of a string's UTF-8 bytes as lower-case hex, synchronously (the same digest as
 * `sha256Hex`, which a test checks on generated strings).
 */
export const sha256HexSync = (text: string): string => {
  const data = new TextEncoder().encode(text)
  const length = data.length
  const blocks = ((length + 8) >>> 6) + 1
  const padded = new Uint8Array(blocks * 64)
  padded.set(data)
  padded[length] = 0x80
  const view = new DataView(padded.buffer)
  view.setUint32(padded.length - 8, Math.floor(length / 0x20000000))
  view.setUint32(padded.length - 4, (length << 3) >>> 0)
  let h0 = 0x6a09e667,
    h1 = 0xbb67ae85,
    h2 = 0x3c6ef372,
    h3 = 0xa54ff53a
  let h4 = 0x510e527f,
    h5 = 0x9b05688c,
    h6 = 0x1f83d9ab,
    h7 = 0x5be0cd19
  const w = new Uint32Array(64)
  for (let offset = 0; offset < padded.length; offset += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(offset + 4 * i)
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15]!,
        b = w[i - 2]!
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3)
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10)
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0
    }
    let a = h0,
      b = h1,
      c = h2,
      d = h3,
      e = h4,
      f = h5,
      g = h6,
      h = h7
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + roundConstants[i]! + w[i]!) | 0
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0
      h = g
      g = f
      f = e
      e = (d + t1) | 0
      d = c
      c = b
      b = a
      a = (t1 + t2) | 0
    }
    h0 = (h0 + a) | 0
    h1 = (h1 + b) | 0
    h2 = (h2 + c) | 0
    h3 = (h3 + d) | 0
    h4 = (h4 + e) | 0
    h5 = (h5 + f) | 0
    h6 = (h6 + g) | 0
    h7 = (h7 + h) | 0
  }
  let out = ""
  for (const word of [h0, h1, h2, h3, h4, h5, h6, h7]) out += (word >>> 0).toString(16).padStart(8, "0")
  return out
}

/** The tail of a chain: what the next event links to. */
export interface ChainHead {
  readonly sequence: number
  readonly hash: string
}

/**
 * Appends audit events. Implementations store the event `record` built; inside a unit of work, so
 * that an event exists exactly when its state change does.
 */
export class AuditLog extends Context.Service<
  AuditLog,
  {
    /** The newest event's sequence and hash in a chain, or none. */
    readonly head: (chain: string) => Effect.Effect<ChainHead | undefined, StorageError>
    readonly append: (event: AuditEvent) => Effect.Effect<void, StorageError>
    /**
     * Appends the event `seal` builds on the chain's head and returns it: the store finds the head and
     * makes sure the event follows exactly it. A store may first try a head it remembers (saving the read)
     * and call `seal` again on the head it then reads when the chain moved on meanwhile.
     */
    readonly appendNext: (
      chain: string,
      seal: (head: ChainHead | undefined) => Effect.Effect<AuditEvent>
    ) => Effect.Effect<AuditEvent, StorageError>
    /** Events of a chain in order, from `afterSequence` (exclusive). */
    readonly list: (
      chain: string,
      options: { readonly afterSequence: number; readonly limit: number }
    ) => Effect.Effect<ReadonlyArray<AuditEvent>, StorageError>
  }
>()("@cloudportal/core/AuditLog") {
  static readonly layerMemory = Layer.sync(AuditLog)(() => {
    const events = new MemoryTable<string, Array<AuditEvent>>()
    return {
      head: (chain) =>
        Effect.sync(() => {
          const last = events.get(chain)?.at(-1)
          return last && { sequence: last.sequence, hash: last.hash }
        }),
      append: (event) => events.set(event.chain, [...(events.get(event.chain) ?? []), event]),
      appendNext: (chain, seal) =>
        Effect.gen(function* () {
          const last = events.get(chain)?.at(-1)
          const event = yield* seal(last && { sequence: last.sequence, hash: last.hash })
          yield* events.set(chain, [...(events.get(chain) ?? []), event])
          return event
        }),
      list: (chain, { afterSequence, limit }) =>
        Effect.sync(() => (events.get(chain) ?? []).filter((e) => e.sequence > afterSequence).slice(0, limit))
    }
  })
}

/** The event that records `draft` right after `head` of its chain: linked to it and hashed. */
export const sealEvent = (
  draft: AuditDraft,
  id: AuditEventId,
  at: DateTime.Utc,
  head: ChainHead | undefined
): AuditEvent => {
  const unsealed = {
    id,
    chain: draft.chain,
    sequence: (head?.sequence ?? 0) + 1,
    actor: actorRef(draft.actor),
    action: draft.action,
    subject: draft.subject,
    before: draft.before,
    after: draft.after,
    at,
    previousHash: head?.hash ?? genesisHash
  }
  return new AuditEvent({ ...unsealed, hash: sha256HexSync(hashInput(unsealed)) })
}

/** Records one state change, linked to the head of its chain. Call inside the use case's unit of work. */
export const record = Effect.fnUntraced(function* (draft: AuditDraft) {
  const id = yield* newId<AuditEventId>("evt")
  const at = yield* DateTime.now
  return yield* AuditLog.use((log) =>
    log.appendNext(draft.chain, (head) => Effect.sync(() => sealEvent(draft, id, at, head)))
  )
}) as (draft: AuditDraft) => Effect.Effect<AuditEvent, StorageError, AuditLog | SecureRandom>

/** Where a chain breaks, if anywhere: the first event whose link or hash does not hold. */
export const verifyChain = Effect.fnUntraced(function* (events: ReadonlyArray<AuditEvent>) {
  let previous = genesisHash
  let sequence = 0
  for (const e of events) {
    if (e.previousHash !== previous || e.sequence !== sequence + 1) return { ok: false as const, brokenAt: e.id }
    if ((yield* eventHash(e)) !== e.hash) return { ok: false as const, brokenAt: e.id }
    previous = e.hash
    sequence = e.sequence
  }
  return { ok: true as const }
})
