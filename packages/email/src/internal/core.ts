// The one place this package reaches into @cloudportal/core. Core has no public index yet, so its modules
// are imported by path; once `@cloudportal/core` exports them, only this file changes.
export { type ContractModel, contractModelLabels } from "../../../core/src/kernel/ContractModel.ts"
export { StorageError } from "../../../core/src/kernel/Errors.ts"
export type { OutboxMessageId } from "../../../core/src/kernel/Ids.ts"
export { formatDe, Money } from "../../../core/src/kernel/Money.ts"
export type { Notification } from "../../../core/src/kernel/Notification.ts"
export { OutboxMessage } from "../../../core/src/kernel/Outbox.ts"
export { DevMail, DevMailbox } from "../../../core/src/notifications/DevMailbox.ts"
export { MailDeliveryFailed, Mailer } from "../../../core/src/notifications/Mailer.ts"
export {
  DocumentRenderer,
  DocumentRenderFailed,
  type OrderSummary,
  type RenderedDocument
} from "../../../core/src/orders/ContractFolder.ts"
export { berlin } from "../../../core/src/orders/Deadline.ts"
export { type OrderStatus, orderStatusLabels } from "../../../core/src/orders/OrderStatus.ts"
