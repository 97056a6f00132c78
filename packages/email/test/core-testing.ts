// Core's test kit by path, like src/internal/core.ts, until `@cloudportal/core/testing` has its index.
export { enqueue, Outbox, OutboxMessage } from "../../core/src/kernel/Outbox.ts"
export { SecureRandom } from "../../core/src/kernel/SecureRandom.ts"
export { Dispatcher } from "../../core/src/notifications/Dispatcher.ts"
export { orderStatuses } from "../../core/src/orders/OrderStatus.ts"
export { devMailboxSuite } from "../../core/src/testing/MailerDevMailboxSuite.ts"
export { MailerProbe, mailerSuite, sampleMessage, sampleNotifications } from "../../core/src/testing/MailerSuite.ts"
