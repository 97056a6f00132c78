// A server process writing units of work (organization + audit event + outbox message) into the database
// at argv[2] until it is killed. It reports each commit on stdout; with argv[3] = "hang" it stops inside
// its fourth unit of work, after every write and before the commit, and reports that instead.
import { Effect, Layer } from "effect"
import { OrganizationStore, SecureRandom, UnitOfWork } from "../../src/internal/core.ts"
import { layer } from "../../src/LibsqlStorage.ts"
import { enqueue, record, sampleWorld, system } from "./core.ts"

const [url, mode] = [process.argv[2]!, process.argv[3]]
const crashChain = "crash-test"

const unitOfWork = (hang: boolean) =>
  Effect.gen(function* () {
    const { organization } = yield* sampleWorld
    yield* UnitOfWork.use((u) =>
      u.transaction(
        Effect.gen(function* () {
          yield* OrganizationStore.use((s) => s.insert(organization))
          yield* record({
            chain: crashChain,
            actor: system,
            action: "crash.organizationCreated",
            subject: { type: "organization", id: organization.id },
            before: null,
            after: { name: organization.name }
          })
          yield* enqueue({
            _tag: "RegistrationApproved",
            recipient: `${organization.id}@crash.test`,
            recipientName: "Anna Muster",
            locale: "de",
            organizationName: organization.name
          })
          if (hang) {
            process.stdout.write(`inside ${organization.id}\n`)
            return yield* Effect.never
          }
        })
      )
    )
    process.stdout.write(`committed ${organization.id}\n`)
  })

const program = Effect.gen(function* () {
  for (let n = 1; ; n++) yield* unitOfWork(mode === "hang" && n === 4)
})

await Effect.runPromise(program.pipe(Effect.provide(Layer.mergeAll(layer({ url }), SecureRandom.layerWebCrypto))))
