import { Effect } from "effect"
import { OrderSummaryPdf } from "../../src/index.ts"
import { DocumentRenderer } from "../../src/internal/core.ts"
import { fixedSummary } from "./summary.ts"

/** A test Worker: renders the fixed order summary through the package's public entry and answers the bytes. */
export default {
  async fetch(): Promise<Response> {
    const document = await Effect.runPromise(
      DocumentRenderer.use((r) => r.renderOrderSummary(fixedSummary)).pipe(Effect.provide(OrderSummaryPdf.layer))
    )
    return new Response(document.bytes, { headers: { "content-type": document.mediaType } })
  }
}
