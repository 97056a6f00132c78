import { desc, eq, sql } from "drizzle-orm"
import { Effect, Layer } from "effect"
import { DevMail, DevMailbox } from "../internal/core.ts"
import { jsonColumn } from "../internal/json.ts"
import { storable } from "../internal/text.ts"
import { fromMillis, toMillis } from "../internal/time.ts"
import { LibsqlDatabase } from "../LibsqlDatabase.ts"
import { type DevMailRow, devMails } from "../schema/dev-mails.ts"

const links = jsonColumn(DevMail.fields.links)

export const toRow = (m: DevMail): DevMailRow => ({
  id: m.id,
  recipient: m.to,
  recipientKey: m.to.toLowerCase(),
  subject: m.subject,
  text: m.text,
  html: m.html,
  links: links.write(m.links),
  sentAt: toMillis(m.sentAt)
})

export const toDomain = (r: DevMailRow): DevMail =>
  new DevMail({
    id: r.id as DevMail["id"],
    to: r.recipient,
    subject: r.subject,
    text: r.text,
    html: r.html,
    links: links.read(r.links),
    sentAt: fromMillis(r.sentAt)
  })

/**
 * The development mailbox in `dev_mails`, so mails survive a restart and every instance shows the same box.
 * A second delivery under a stored id changes nothing (`ON CONFLICT DO NOTHING`).
 */
export const layer: Layer.Layer<DevMailbox, never, LibsqlDatabase> = Layer.effect(
  DevMailbox,
  Effect.gen(function* () {
    const { read, write } = yield* LibsqlDatabase
    return DevMailbox.of({
      deliver: (mail) =>
        write("DevMailbox.deliver", async (db) => {
          await db
            .insert(devMails)
            .values(storable(devMails, toRow(mail)))
            .onConflictDoNothing({ target: devMails.id })
        }),
      list: (query) =>
        read("DevMailbox.list", async (db) => {
          const to = query?.to?.trim().toLowerCase()
          const rows = db
            .select()
            .from(devMails)
            .where(to === undefined ? undefined : eq(devMails.recipientKey, to))
            .orderBy(desc(devMails.sentAt), desc(sql`rowid`))
          return (await (query?.limit === undefined ? rows : rows.limit(query.limit))).map(toDomain)
        })
    })
  })
)
