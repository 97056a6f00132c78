import { and, asc, eq, isNull, sql } from "drizzle-orm"
import { Effect, Layer } from "effect"
import {
  DeclarationIdTaken,
  InhouseDeclaration,
  InhouseDeclarationStore,
  Money,
  Threshold,
  ThresholdStore
} from "../internal/core.ts"
import { prepared } from "../internal/prepared.ts"
import { storable } from "../internal/text.ts"
import { fromMillis, fromMillisOrNull, toMillis, toMillisOrNull } from "../internal/time.ts"
import { LibsqlDatabase } from "../LibsqlDatabase.ts"
import { type InhouseDeclarationRow, inhouseDeclarations } from "../schema/inhouse-declarations.ts"
import { thresholdTable } from "../schema/threshold-table.ts"
import { type ThresholdRow, thresholds } from "../schema/thresholds.ts"

type D = InhouseDeclaration

export const declarationToRow = (d: InhouseDeclaration): InhouseDeclarationRow => ({
  id: d.id,
  controller: d.controller,
  controlled: d.controlled,
  joint: d.joint,
  evidence: d.evidence,
  validFrom: toMillis(d.validFrom),
  validUntil: toMillisOrNull(d.validUntil),
  declaredByOrganizationId: d.declaredBy.organizationId,
  declaredByAccountId: d.declaredBy.accountId,
  declaredAt: toMillis(d.declaredAt),
  endedAt: d.ended === null ? null : toMillis(d.ended.at),
  endedByAccountId: d.ended === null ? null : d.ended.accountId
})

export const declarationToDomain = (r: InhouseDeclarationRow): InhouseDeclaration =>
  new InhouseDeclaration({
    id: r.id as D["id"],
    controller: r.controller as D["controller"],
    controlled: r.controlled as D["controlled"],
    joint: r.joint,
    evidence: r.evidence,
    validFrom: fromMillis(r.validFrom),
    validUntil: fromMillisOrNull(r.validUntil),
    declaredBy: {
      organizationId: r.declaredByOrganizationId as D["declaredBy"]["organizationId"],
      accountId: r.declaredByAccountId as D["declaredBy"]["accountId"]
    },
    declaredAt: fromMillis(r.declaredAt),
    ended:
      r.endedAt === null
        ? null
        : { at: fromMillis(r.endedAt), accountId: r.endedByAccountId as NonNullable<D["ended"]>["accountId"] }
  })

const declaredBy = prepared((db) =>
  db
    .select()
    .from(inhouseDeclarations)
    .where(eq(inhouseDeclarations.declaredByOrganizationId, sql.placeholder("organizationId")))
    .orderBy(asc(inhouseDeclarations.declaredAt), asc(inhouseDeclarations.id))
    .prepare()
)
const allDeclarations = prepared((db) => db.select().from(inhouseDeclarations).orderBy(sql`rowid`).prepare())

/**
 * In-house declarations. Their revision is the reference token (`LibsqlDatabase.referenceRevision`): the
 * declarations are reference data, so every committed change to them, by whoever, writes a new token, and a
 * rolled-back change leaves none behind. Other reference data changes it too; the graph is then rebuilt
 * once more than needed, which is rare (organizations, members, offerings change seldom).
 */
export const layerInhouseDeclarations: Layer.Layer<InhouseDeclarationStore, never, LibsqlDatabase> = Layer.effect(
  InhouseDeclarationStore,
  Effect.gen(function* () {
    const { read, readReference, referenceRevision, write } = yield* LibsqlDatabase
    return InhouseDeclarationStore.of({
      insert: (d) =>
        write(
          "InhouseDeclarationStore.insert",
          async (db) => {
            await db.insert(inhouseDeclarations).values(storable(inhouseDeclarations, declarationToRow(d)))
          },
          (v) => (v.kind === "unique" || v.kind === "primaryKey" ? new DeclarationIdTaken({ id: d.id }) : undefined)
        ),
      end: (id, ended, validUntil) =>
        write(
          "InhouseDeclarationStore.end",
          async (db) =>
            (
              await db
                .update(inhouseDeclarations)
                .set(
                  storable(inhouseDeclarations, {
                    endedAt: toMillis(ended.at),
                    endedByAccountId: ended.accountId,
                    validUntil: toMillis(validUntil)
                  })
                )
                .where(and(eq(inhouseDeclarations.id, id), isNull(inhouseDeclarations.endedAt)))
            ).rowsAffected === 1
        ),
      get: (id) =>
        read("InhouseDeclarationStore.get", async (db) => {
          const [row] = await db.select().from(inhouseDeclarations).where(eq(inhouseDeclarations.id, id))
          return row && declarationToDomain(row)
        }),
      listByDeclarant: (organizationId) =>
        readReference("InhouseDeclarationStore.listByDeclarant", organizationId, async (db) =>
          (await declaredBy(db).all({ organizationId })).map(declarationToDomain)
        ),
      listAll: () =>
        read("InhouseDeclarationStore.listAll", async (db) =>
          (await allDeclarations(db).all()).map(declarationToDomain)
        ),
      revision: () => referenceRevision("InhouseDeclarationStore.revision")
    })
  })
)

export const thresholdToRow = (t: Threshold, position: number): ThresholdRow => ({
  position,
  jurisdiction: t.jurisdiction._tag,
  federalState: t.jurisdiction._tag === "Land" ? t.jurisdiction.federalState : null,
  administrativeLevel: t.jurisdiction._tag === "Land" ? t.jurisdiction.administrativeLevel : null,
  netAmountCents: t.netAmount.amountCents,
  validFrom: toMillis(t.validFrom),
  validUntil: toMillisOrNull(t.validUntil),
  source: t.source
})

type Land = Extract<Threshold["jurisdiction"], { _tag: "Land" }>

export const thresholdToDomain = (r: ThresholdRow): Threshold =>
  new Threshold({
    jurisdiction:
      r.jurisdiction === "Land"
        ? {
            _tag: "Land",
            federalState: r.federalState as Land["federalState"],
            administrativeLevel: r.administrativeLevel as Land["administrativeLevel"]
          }
        : { _tag: r.jurisdiction as "Fallback" | "Federal" },
    netAmount: Money.cents(r.netAmountCents),
    validFrom: fromMillis(r.validFrom),
    validUntil: fromMillisOrNull(r.validUntil),
    source: r.source
  })

// One statement, so the marker and the rows come from the same replacement.
const thresholdTableRows = prepared((db) =>
  db.select().from(thresholdTable).leftJoin(thresholds, sql`1 = 1`).orderBy(asc(thresholds.position)).prepare()
)

/** The procurement thresholds table, replaced as a whole in one transaction; undefined until first set. */
export const layerThresholds: Layer.Layer<ThresholdStore, never, LibsqlDatabase> = Layer.effect(
  ThresholdStore,
  Effect.gen(function* () {
    const { readReference, write, transaction } = yield* LibsqlDatabase
    return ThresholdStore.of({
      get: () =>
        readReference("ThresholdStore.get", "", async (db) => {
          const rows = await thresholdTableRows(db).all()
          if (rows.length === 0) return undefined
          return rows.flatMap((r) => (r.thresholds === null ? [] : [thresholdToDomain(r.thresholds)]))
        }),
      replace: (table) =>
        transaction(
          write("ThresholdStore.replace", async (db) => {
            await db.delete(thresholds)
            if (table.length > 0)
              await db.insert(thresholds).values(table.map((t, i) => storable(thresholds, thresholdToRow(t, i))))
            await db
              .insert(thresholdTable)
              .values({ id: 1, replacements: 1 })
              .onConflictDoUpdate({
                target: thresholdTable.id,
                set: { replacements: sql`${thresholdTable.replacements} + 1` }
              })
          })
        )
    })
  })
)
