import { Schema } from "effect"

/** „Direktvertrag" (DV): customer and provider contract directly. „Umklappvertrag" (UV): through an intermediary. */
export const ContractModel = Schema.Literals(["DV", "UV"])
export type ContractModel = typeof ContractModel.Type

export const contractModelLabels: Record<ContractModel, { readonly de: string; readonly en: string }> = {
  DV: { de: "Direktvertrag", en: "Direct contract" },
  UV: { de: "Umklappvertrag", en: "Flip contract" }
}
