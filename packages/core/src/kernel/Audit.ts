import { Context, DateTime, Effect, Layer, Schema } from "effect"
import { type Actor, actorRef } from "./Actor.ts"
import { canonicalJson, sha256Hex } from "./Digest.ts"
import type { StorageError } from "./Errors.ts"
import { AuditEventId } from "./Ids.ts"
import { newOrderedId, type SecureRandom } from "./SecureRandom.ts"
import { trusted } from "./Trusted.ts"
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
  Effect.sync(() => sha256Hex(hashInput(e)))

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
  return trusted(AuditEvent, { ...unsealed, hash: sha256Hex(hashInput(unsealed)) })
}

/** Records one state change, linked to the head of its chain. Call inside the use case's unit of work. */
export const record = Effect.fnUntraced(function* (draft: AuditDraft) {
  const at = yield* DateTime.now
  const id = yield* newOrderedId<AuditEventId>("evt", at)
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
