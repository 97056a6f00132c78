import { Layer } from "effect"
import { DevMailbox } from "../../src/notifications/DevMailbox.ts"
import { Mailer } from "../../src/notifications/Mailer.ts"
import { devMailboxSuite } from "../../src/testing/MailerDevMailboxSuite.ts"
import { MailerProbe, mailerSuite } from "../../src/testing/MailerSuite.ts"

mailerSuite("memory capture", MailerProbe.layerCapture.pipe(Layer.provideMerge(Mailer.layerMemory)))
devMailboxSuite("memory", DevMailbox.layerMemory)
