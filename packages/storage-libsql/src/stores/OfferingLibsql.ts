import { and, asc, eq, getTableColumns, gt, sql } from "drizzle-orm"
import { Effect, Layer } from "effect"
import { Offering, OfferingStore, OfferingVersionConflict } from "../internal/core.ts"
import { jsonColumn } from "../internal/json.ts"
import { prepared } from "../internal/prepared.ts"
import { storable } from "../internal/text.ts"
import { fromMillis, toMillis } from "../internal/time.ts"
import type { ConstraintViolation } from "../LibsqlDatabase.ts"
import { LibsqlDatabase } from "../LibsqlDatabase.ts"
import { type OfferingVersionRow, offeringVersions } from "../schema/offering-versions.ts"
import { type OfferingHeadRow, offerings } from "../schema/offerings.ts"

const f = Offering.fields
const name = jsonColumn(f.name)
const description = jsonColumn(f.description)
const pricePlans = jsonColumn(f.pricePlans)
const properties = jsonColumn(f.properties)
const provisioningTime = jsonColumn(f.provisioningTime)
const maturity = jsonColumn(f.maturity)
const conditions = jsonColumn(f.conditions)
const supportedContractModels = jsonColumn(f.supportedContractModels)
const customerCircles = jsonColumn(f.customerCircles)

export const toRow = (o: Offering): OfferingVersionRow => ({
  offeringId: o.id,
  version: o.version,
  providerId: o.providerId,
  name: name.write(o.name),
  description: description.write(o.description),
  portfolioCategory: o.portfolioCategory,
  serviceType: o.serviceType,
  pricePlans: pricePlans.write(o.pricePlans),
  properties: properties.write(o.properties),
  provisioningTime: provisioningTime.write(o.provisioningTime),
  maturity: maturity.write(o.maturity),
  conditions: conditions.write(o.conditions),
  supportedContractModels: supportedContractModels.write(o.supportedContractModels),
  customerCircles: customerCircles.write(o.customerCircles),
  intermediaryId: o.intermediaryId,
  efa: o.efa,
  active: o.active,
  createdAt: toMillis(o.createdAt)
})

export const toDomain = (r: OfferingVersionRow): Offering =>
  new Offering({
    id: r.offeringId as Offering["id"],
    version: r.version,
    providerId: r.providerId as Offering["providerId"],
    name: name.read(r.name),
    description: description.read(r.description),
    portfolioCategory: r.portfolioCategory,
    serviceType: r.serviceType as Offering["serviceType"],
    pricePlans: pricePlans.read(r.pricePlans),
    properties: properties.read(r.properties),
    provisioningTime: provisioningTime.read(r.provisioningTime),
    maturity: maturity.read(r.maturity),
    conditions: conditions.read(r.conditions),
    supportedContractModels: supportedContractModels.read(r.supportedContractModels),
    customerCircles: customerCircles.read(r.customerCircles),
    intermediaryId: r.intermediaryId as Offering["intermediaryId"],
    efa: r.efa,
    active: r.active,
    createdAt: fromMillis(r.createdAt)
  })

/** The head row: the latest version and the columns lists filter on. */
export const headOf = (o: Offering): OfferingHeadRow => ({
  id: o.id,
  latestVersion: o.version,
  providerId: o.providerId,
  serviceType: o.serviceType,
  portfolioCategory: o.portfolioCategory,
  efa: o.efa,
  active: o.active
})

const versionColumns = getTableColumns(offeringVersions)
const latest = and(eq(offeringVersions.offeringId, offerings.id), eq(offeringVersions.version, offerings.latestVersion))
const latestOf = prepared((db) =>
  db
    .select(versionColumns)
    .from(offerings)
    .innerJoin(offeringVersions, latest)
    .where(eq(offerings.id, sql.placeholder("id")))
    .prepare()
)

/**
 * Offerings with every version kept. `insertVersion` moves the head from version n to n + 1 with a
 * compare-and-set (or creates it at version 1 under its primary key), so versions stay gapless when two edits
 * race; lists read the head's filter columns and join the latest version.
 */
export const layer: Layer.Layer<OfferingStore, never, LibsqlDatabase> = Layer.effect(
  OfferingStore,
  Effect.gen(function* () {
    const { read, readReference, write, transaction } = yield* LibsqlDatabase
    const conflict = (o: Offering) => new OfferingVersionConflict({ offeringId: o.id, version: o.version })
    const onConflict = (o: Offering) => (v: ConstraintViolation) =>
      v.kind === "unique" || v.kind === "primaryKey" ? conflict(o) : undefined
    return OfferingStore.of({
      insertVersion: (o) =>
        transaction(
          Effect.gen(function* () {
            const { id: _, ...head } = headOf(o)
            const moved = yield* write(
              "OfferingStore.insertVersion",
              async (db) =>
                o.version === 1
                  ? (await db.insert(offerings).values(storable(offerings, headOf(o)))).rowsAffected
                  : (
                      await db
                        .update(offerings)
                        .set(storable(offerings, head))
                        .where(and(eq(offerings.id, o.id), eq(offerings.latestVersion, o.version - 1)))
                    ).rowsAffected,
              onConflict(o)
            )
            if (moved !== 1) return yield* conflict(o)
            yield* write(
              "OfferingStore.insertVersion",
              async (db) => {
                await db.insert(offeringVersions).values(storable(offeringVersions, toRow(o)))
              },
              onConflict(o)
            )
          })
        ),
      getLatest: (id) =>
        readReference("OfferingStore.getLatest", id, async (db) => {
          const row = await latestOf(db).get({ id })
          return row && toDomain(row)
        }),
      getVersion: (id, version) =>
        readReference("OfferingStore.getVersion", `${id} ${version}`, async (db) => {
          const [row] = await db
            .select()
            .from(offeringVersions)
            .where(and(eq(offeringVersions.offeringId, id), eq(offeringVersions.version, version)))
          return row && toDomain(row)
        }),
      list: (filter, page) =>
        read("OfferingStore.list", async (db) =>
          (
            await db
              .select(versionColumns)
              .from(offerings)
              .innerJoin(offeringVersions, latest)
              .where(
                and(
                  filter.serviceType === undefined ? undefined : eq(offerings.serviceType, filter.serviceType),
                  filter.portfolioCategory === undefined
                    ? undefined
                    : eq(offerings.portfolioCategory, filter.portfolioCategory),
                  filter.providerId === undefined ? undefined : eq(offerings.providerId, filter.providerId),
                  filter.efa === undefined ? undefined : eq(offerings.efa, filter.efa),
                  filter.activeOnly ? eq(offerings.active, true) : undefined,
                  page.after === undefined ? undefined : gt(offerings.id, page.after)
                )
              )
              .orderBy(asc(offerings.id))
              .limit(page.limit)
          ).map(toDomain)
        )
    })
  })
)
