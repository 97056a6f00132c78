import { eq, sql } from "drizzle-orm"
import { Effect, Layer } from "effect"
import { TermsStore, TermsVersion } from "../internal/core.ts"
import { prepared } from "../internal/prepared.ts"
import { storable } from "../internal/text.ts"
import { fromMillis, toMillis } from "../internal/time.ts"
import { LibsqlDatabase } from "../LibsqlDatabase.ts"
import { type TermsVersionRow, termsVersions } from "../schema/terms-versions.ts"

export const toRow = (t: TermsVersion): TermsVersionRow => ({
  id: t.id,
  version: t.version,
  effectiveFrom: toMillis(t.effectiveFrom),
  url: t.url,
  text: t.text
})

export const toDomain = (r: TermsVersionRow): TermsVersion =>
  new TermsVersion({
    id: r.id as TermsVersion["id"],
    version: r.version,
    effectiveFrom: fromMillis(r.effectiveFrom),
    url: r.url,
    text: r.text
  })

const allVersions = prepared((db) => db.select().from(termsVersions).orderBy(sql`rowid`).prepare())

/** CSP-AGB versions in `terms_versions`, listed in the order they were published. */
export const layer: Layer.Layer<TermsStore, never, LibsqlDatabase> = Layer.effect(
  TermsStore,
  Effect.gen(function* () {
    const { read, readReference, write } = yield* LibsqlDatabase
    return TermsStore.of({
      insert: (t) =>
        write("TermsStore.insert", async (db) => {
          await db.insert(termsVersions).values(storable(termsVersions, toRow(t)))
        }),
      get: (id) =>
        read("TermsStore.get", async (db) => {
          const [row] = await db.select().from(termsVersions).where(eq(termsVersions.id, id))
          return row && toDomain(row)
        }),
      list: () => readReference("TermsStore.list", "", async (db) => (await allVersions(db).all()).map(toDomain))
    })
  })
)
