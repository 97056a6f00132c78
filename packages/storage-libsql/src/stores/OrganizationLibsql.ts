import { eq, sql } from "drizzle-orm"
import { Effect, Layer } from "effect"
import {
  Address,
  AddressStore,
  DefaultAddressConflict,
  normalizeOrganizationName,
  Organization,
  OrganizationAlreadyRegistered,
  OrganizationStore
} from "../internal/core.ts"
import { fromJson, toJson } from "../internal/json.ts"
import { prepared } from "../internal/prepared.ts"
import { storable } from "../internal/text.ts"
import { fromMillis, toMillis } from "../internal/time.ts"
import type { ConstraintViolation } from "../LibsqlDatabase.ts"
import { LibsqlDatabase } from "../LibsqlDatabase.ts"
import { type AddressRow, addresses } from "../schema/addresses.ts"
import { type OrganizationRow, organizations } from "../schema/organizations.ts"

export const toRow = (o: Organization): OrganizationRow => ({
  id: o.id,
  name: o.name,
  normalizedName: normalizeOrganizationName(o.name),
  legalForm: o.legalForm,
  administrativeLevel: o.administrativeLevel,
  federalState: o.federalState,
  capabilities: toJson(o.capabilities),
  supplementary: toJson({
    website: o.supplementary.website,
    contactEmail: o.supplementary.contactEmail,
    note: o.supplementary.note
  }),
  masterDataReviewRequired: o.masterDataReviewRequired,
  createdAt: toMillis(o.createdAt),
  updatedAt: toMillis(o.updatedAt)
})

export const toDomain = (r: OrganizationRow): Organization =>
  new Organization({
    id: r.id as Organization["id"],
    name: r.name,
    legalForm: r.legalForm,
    administrativeLevel: r.administrativeLevel as Organization["administrativeLevel"],
    federalState: r.federalState as Organization["federalState"],
    capabilities: fromJson(r.capabilities) as Organization["capabilities"],
    supplementary: fromJson(r.supplementary) as Organization["supplementary"],
    masterDataReviewRequired: r.masterDataReviewRequired,
    createdAt: fromMillis(r.createdAt),
    updatedAt: fromMillis(r.updatedAt)
  })

export const addressToRow = (a: Address): AddressRow => ({
  id: a.id,
  organizationId: a.organizationId,
  kind: a.kind,
  street: a.street,
  postalCode: a.postalCode,
  city: a.city,
  phone: a.phone,
  leitwegId: a.leitwegId,
  isDefault: a.isDefault
})

export const addressToDomain = (r: AddressRow): Address =>
  new Address({
    id: r.id as Address["id"],
    organizationId: r.organizationId as Address["organizationId"],
    kind: r.kind as Address["kind"],
    street: r.street as Address["street"],
    postalCode: r.postalCode as Address["postalCode"],
    city: r.city as Address["city"],
    phone: r.phone as Address["phone"],
    leitwegId: r.leitwegId as Address["leitwegId"],
    isDefault: r.isDefault
  })

const organizationById = prepared((db) =>
  db
    .select()
    .from(organizations)
    .where(eq(organizations.id, sql.placeholder("id")))
    .prepare()
)
const addressesOf = prepared((db) =>
  db
    .select()
    .from(addresses)
    .where(eq(addresses.organizationId, sql.placeholder("organizationId")))
    .orderBy(sql`rowid`)
    .prepare()
)

const nameTaken = (o: Organization) => (v: ConstraintViolation) =>
  v.kind === "unique" && v.message.includes("organizations.normalized_name")
    ? new OrganizationAlreadyRegistered({ name: o.name })
    : undefined

/** Organizations; `organizations_normalized_name_unique` decides "already registered" under concurrency. */
export const layer: Layer.Layer<OrganizationStore, never, LibsqlDatabase> = Layer.effect(
  OrganizationStore,
  Effect.gen(function* () {
    const { read, readReference, write } = yield* LibsqlDatabase
    return OrganizationStore.of({
      insert: (o) =>
        write(
          "OrganizationStore.insert",
          async (db) => {
            await db.insert(organizations).values(storable(organizations, toRow(o)))
          },
          nameTaken(o)
        ),
      update: (o) =>
        write(
          "OrganizationStore.update",
          async (db) => {
            const { id: _, ...changes } = toRow(o)
            await db
              .insert(organizations)
              .values(storable(organizations, toRow(o)))
              .onConflictDoUpdate({ target: organizations.id, set: changes })
          },
          nameTaken(o)
        ),
      get: (id) =>
        readReference("OrganizationStore.get", id, async (db) => {
          const row = await organizationById(db).get({ id })
          return row && toDomain(row)
        }),
      findByName: (name) =>
        read("OrganizationStore.findByName", async (db) => {
          const [row] = await db
            .select()
            .from(organizations)
            .where(eq(organizations.normalizedName, normalizeOrganizationName(name)))
          return row && toDomain(row)
        })
    })
  })
)

const secondDefault = (a: Address) => (v: ConstraintViolation) =>
  v.kind === "unique" && v.message.includes("addresses.organization_id")
    ? new DefaultAddressConflict({ organizationId: a.organizationId })
    : undefined

/** Addresses; `addresses_one_default_per_organization` holds the one „Standardadresse". */
export const layerAddresses: Layer.Layer<AddressStore, never, LibsqlDatabase> = Layer.effect(
  AddressStore,
  Effect.gen(function* () {
    const { read, readReference, write } = yield* LibsqlDatabase
    return AddressStore.of({
      insert: (a) =>
        write(
          "AddressStore.insert",
          async (db) => {
            await db.insert(addresses).values(storable(addresses, addressToRow(a)))
          },
          secondDefault(a)
        ),
      update: (a) =>
        write(
          "AddressStore.update",
          async (db) => {
            const { id: _, ...changes } = addressToRow(a)
            await db
              .insert(addresses)
              .values(storable(addresses, addressToRow(a)))
              .onConflictDoUpdate({ target: addresses.id, set: changes })
          },
          secondDefault(a)
        ),
      delete: (id) =>
        write("AddressStore.delete", async (db) => {
          await db.delete(addresses).where(eq(addresses.id, id))
        }),
      get: (id) =>
        read("AddressStore.get", async (db) => {
          const [row] = await db.select().from(addresses).where(eq(addresses.id, id))
          return row && addressToDomain(row)
        }),
      listByOrganization: (id) =>
        readReference("AddressStore.listByOrganization", id, async (db) =>
          (await addressesOf(db).all({ organizationId: id })).map(addressToDomain)
        )
    })
  })
)
