/** @jsxRuntime automatic @jsxImportSource react */
import { contractModelLabel, formatDeadline, formatMoney, type Locale, statusLabel } from "../format.ts"
import type { ContractModel, Money } from "../internal/core.ts"
import { Details } from "./Layout.tsx"

const labels = {
  de: {
    orderId: "Bestellnummer",
    offering: "Cloud-Service",
    contractModel: "Vertragsmodell",
    total: "Gesamtpreis",
    status: "Status",
    deadline: "Entscheidungsfrist bis"
  },
  en: {
    orderId: "Order number",
    offering: "Cloud service",
    contractModel: "Contract model",
    total: "Total price",
    status: "Status",
    deadline: "Decision due by"
  }
} as const

/** The facts of an order every order mail repeats, so each one stands on its own. */
export const OrderDetails = (props: {
  readonly locale: Locale
  readonly order: {
    readonly orderId: string
    readonly offeringName: string
    readonly contractModel: ContractModel
    readonly total: Money
  }
  readonly status?: string
  readonly deadline?: Parameters<typeof formatDeadline>[0]
}) => {
  const t = labels[props.locale]
  const rows: Array<readonly [string, string]> = [
    [t.orderId, props.order.orderId],
    [t.offering, props.order.offeringName],
    [t.contractModel, contractModelLabel(props.order.contractModel, props.locale)],
    [t.total, formatMoney(props.order.total, props.locale)]
  ]
  if (props.status !== undefined) rows.push([t.status, statusLabel(props.status, props.locale)])
  if (props.deadline !== undefined) rows.push([t.deadline, formatDeadline(props.deadline, props.locale)])
  return <Details rows={rows} />
}
