/**
 * The smallest complete Worker of the API: core's use cases, the Hono adapter and the libSQL storage over
 * HTTP (`@libsql/client` resolves to its web build under the workerd condition), Web Crypto passwords.
 * No mail templates and no PDF (those live in @cloudportal/email): what the edge bundle target is about.
 */
import { createApp } from "@cloudportal/adapter-hono"
import { DevCaptcha, DocumentRenderer, PasswordHasher, SecureRandom, useCases } from "@cloudportal/core"
import { layer as libsql } from "@cloudportal/storage-libsql"
import { Effect, Layer, ManagedRuntime } from "effect"

interface Env {
  readonly DATABASE_URL: string
}

const start = async (env: Env) => {
  const runtime = ManagedRuntime.make(
    useCases.pipe(
      Layer.provideMerge(libsql({ url: env.DATABASE_URL })),
      Layer.provideMerge(
        Layer.mergeAll(PasswordHasher.layerWebCrypto(), DevCaptcha.layer, DocumentRenderer.layerPlainText).pipe(
          Layer.provideMerge(SecureRandom.layerWebCrypto)
        )
      )
    )
  )
  // Opens the database and applies the migrations, as the example server does before it listens.
  await runtime.runPromise(Effect.void)
  return createApp(runtime)
}

let app: ReturnType<typeof start> | undefined

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    app ??= start(env)
    return (await app).fetch(request, env)
  }
}
