/** @jsxRuntime automatic @jsxImportSource react */
import type { ReactNode } from "react"
import type { Locale } from "../format.ts"
import { portalLinks } from "../links.ts"
import { Action, Greeting, Layout, P } from "./Layout.tsx"
import { OrderDetails } from "./OrderDetails.tsx"

type Details = Parameters<typeof OrderDetails>[0]

/**
 * Every order mail says the same things in the same order: greeting, what happened, anything that explains it,
 * the order's facts, the link to the order, what comes next. Only the copy differs from mail to mail.
 */
export const OrderMail = (props: {
  /** The order notification the mail is for: its recipient, locale and the order's facts. */
  readonly notification: Details["order"] & { readonly locale: Locale; readonly recipientName: string }
  readonly baseUrl: string
  readonly title: string
  readonly intro: string
  /** Between the intro and the facts: a reason, an explanation of the new status. */
  readonly children?: ReactNode
  readonly status?: Details["status"]
  readonly deadline?: Details["deadline"]
  readonly action: string
  readonly next?: string
}) => {
  const { locale, recipientName } = props.notification
  return (
    <Layout locale={locale} title={props.title} preview={props.intro}>
      <Greeting locale={locale} name={recipientName} />
      <P>{props.intro}</P>
      {props.children}
      <OrderDetails
        locale={locale}
        order={props.notification}
        {...(props.status === undefined ? {} : { status: props.status })}
        {...(props.deadline === undefined ? {} : { deadline: props.deadline })}
      />
      <Action
        locale={locale}
        href={portalLinks(props.baseUrl).order(props.notification.orderId)}
        label={props.action}
      />
      {props.next === undefined ? null : <P>{props.next}</P>}
    </Layout>
  )
}
