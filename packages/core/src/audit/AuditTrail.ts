import { Context, Effect, Layer, Schema } from "effect"
import type { Actor } from "../kernel/Actor.ts"
import { type AuditEvent, AuditLog, verifyChain } from "../kernel/Audit.ts"
import {
  decodeInput,
  type InvalidInput,
  PermissionDenied,
  type StorageError,
  type Unauthenticated
} from "../kernel/Errors.ts"
import { defaultPageLimit, OpaqueCursor, type Page, PageLimit } from "../kernel/Paging.ts"
import type { AccountStore, RoleStore } from "../members/AccountStore.ts"
import { loadMember } from "../members/Viewer.ts"

// The cursor is the sequence number of the last event handed out, in decimal.
const decodeCursor = (cursor: string): number | undefined =>
  /^[1-9][0-9]{0,15}$/u.test(cursor) ? Number(cursor) : undefined

export const AuditTrailRequest = Schema.Struct({
  limit: Schema.optionalKey(PageLimit),
  cursor: Schema.optionalKey(OpaqueCursor(decodeCursor))
})

/** Where the organization's chain breaks, if anywhere (DOMAIN §11 [extension]: tamper-evident). */
export type ChainVerification =
  | { readonly ok: true; readonly events: number }
  | { readonly ok: false; readonly brokenAt: string }

type Refused = PermissionDenied | Unauthenticated | StorageError

/**
 * The audit trail of the signed-in admin's organization (DOMAIN §11): every state change, oldest first, with
 * the hash-chain fields, and a check of the whole chain. Admins only; nobody reads another organization's trail.
 */
export class AuditTrail extends Context.Service<
  AuditTrail,
  {
    readonly list: (actor: Actor, request?: unknown) => Effect.Effect<Page<AuditEvent>, InvalidInput | Refused>
    readonly verify: (actor: Actor) => Effect.Effect<ChainVerification, Refused>
  }
>()("@cloudportal/core/AuditTrail") {
  static readonly layer = Layer.effect(
    AuditTrail,
    Effect.gen(function* () {
      const context = yield* Effect.context<AuditLog | AccountStore | RoleStore>()
      const log = yield* AuditLog

      const admin = Effect.fnUntraced(function* (actor: Actor) {
        const { actor: member } = yield* loadMember(actor)
        if (!member.isAdmin) return yield* new PermissionDenied({ permission: "organizationAdmin" })
        return member
      })

      const list = Effect.fn("AuditTrail.list")(function* (actor: Actor, raw?: unknown) {
        const request = yield* decodeInput(AuditTrailRequest)(raw ?? {})
        const member = yield* admin(actor)
        const limit = request.limit ?? defaultPageLimit
        const afterSequence = request.cursor === undefined ? 0 : (decodeCursor(request.cursor) ?? 0)
        const events = yield* log.list(member.organizationId, { afterSequence, limit: limit + 1 })
        const items = events.slice(0, limit)
        const last = items.at(-1)
        return { items, nextCursor: events.length > limit && last ? String(last.sequence) : null }
      }, Effect.provideContext(context))

      const verify = Effect.fn("AuditTrail.verify")(function* (actor: Actor) {
        const member = yield* admin(actor)
        const events: Array<AuditEvent> = []
        for (;;) {
          const batch = yield* log.list(member.organizationId, {
            afterSequence: events.at(-1)?.sequence ?? 0,
            limit: 1000
          })
          events.push(...batch)
          if (batch.length < 1000) break
        }
        const result = yield* verifyChain(events)
        return result.ok ? { ok: true as const, events: events.length } : result
      }, Effect.provideContext(context))

      return { list, verify }
    })
  )
}
