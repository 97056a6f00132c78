import { Context, DateTime, Effect, Layer, Schema } from "effect"
import type { StorageError } from "../kernel/Errors.ts"
import { OutboxMessageId } from "../kernel/Ids.ts"
import { MemoryTable } from "../kernel/UnitOfWork.ts"

/**
 * A rendered mail as the development mailbox keeps it (`GET /dev/mailbox`). Development only: the links
 * carry their tokens in clear so scripts can follow them, which is exactly what production must not keep.
 */
export class DevMail extends Schema.Class<DevMail>("@cloudportal/core/DevMail")({
  /** The outbox message id: the idempotency key of the delivery. */
  id: OutboxMessageId,
  to: Schema.String,
  subject: Schema.String,
  text: Schema.String,
  html: Schema.String,
  /** Every URL in the mail, in order of appearance, without repeats. */
  links: Schema.Array(Schema.String),
  sentAt: Schema.DateTimeUtc
}) {}

export interface DevMailboxQuery {
  /** Only mails to this address, compared case-insensitively. */
  readonly to?: string
  readonly limit?: number
}

export class DevMailbox extends Context.Service<
  DevMailbox,
  {
    /** Stores a mail. A second delivery with an id already stored changes nothing (idempotency key). */
    readonly deliver: (mail: DevMail) => Effect.Effect<void, StorageError>
    /** Newest first by `sentAt`; among equal times, the later delivery first. */
    readonly list: (query?: DevMailboxQuery) => Effect.Effect<ReadonlyArray<DevMail>, StorageError>
  }
>()("@cloudportal/core/DevMailbox") {
  static readonly layerMemory = Layer.sync(DevMailbox)(() => {
    const rows = new MemoryTable<OutboxMessageId, { readonly mail: DevMail; readonly seq: number }>()
    let seq = 0
    return {
      deliver: (mail) =>
        Effect.suspend(() => (rows.get(mail.id) ? Effect.void : rows.set(mail.id, { mail, seq: ++seq }))),
      list: (query) =>
        Effect.sync(() => {
          const to = query?.to?.trim().toLowerCase()
          return rows
            .filter((r) => to === undefined || r.mail.to.toLowerCase() === to)
            .sort(
              (a, b) => DateTime.toEpochMillis(b.mail.sentAt) - DateTime.toEpochMillis(a.mail.sentAt) || b.seq - a.seq
            )
            .slice(0, query?.limit ?? Number.POSITIVE_INFINITY)
            .map((r) => r.mail)
        })
    }
  })
}
