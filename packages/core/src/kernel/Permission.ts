import { Schema } from "effect"

/**
 * The fixed permission catalogue (DOMAIN §6). Keys are API names.
 * Ordering is deliberately absent: every active member may order, and no role can take that away.
 */
export const permissionKeys = [
  "organization.profile.edit",
  "organization.addresses.manage",
  "members.invite",
  "members.manage",
  "roles.manage",
  "orders.viewOrganization",
  "catalog.manage",
  "orders.decideAsProvider",
  "orders.decideAsIntermediary"
] as const

export const Permission = Schema.Literals(permissionKeys)
export type Permission = typeof Permission.Type

/** Labels for user interfaces, German first. */
export const permissionLabels: Record<Permission, { readonly de: string; readonly en: string }> = {
  "organization.profile.edit": { de: "Organisationsprofil bearbeiten", en: "Edit organization profile" },
  "organization.addresses.manage": { de: "Adressen verwalten", en: "Manage addresses" },
  "members.invite": { de: "Mitarbeitende einladen", en: "Invite members" },
  "members.manage": { de: "Mitarbeitende verwalten", en: "Manage members" },
  "roles.manage": { de: "Rollen verwalten", en: "Manage roles" },
  "orders.viewOrganization": {
    de: "Alle Bestellungen der Organisation sehen",
    en: "View all orders of the organization"
  },
  "catalog.manage": { de: "Katalog verwalten", en: "Manage catalog" },
  "orders.decideAsProvider": { de: "Bestellungen als Anbieter entscheiden", en: "Decide orders as provider" },
  "orders.decideAsIntermediary": {
    de: "Bestellungen als Intermediär entscheiden",
    en: "Decide orders as intermediary"
  }
}
