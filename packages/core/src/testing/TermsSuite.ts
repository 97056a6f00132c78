import { assert, describe, layer } from "@effect/vitest"
import { DateTime, Effect, Layer, Schema } from "effect"
import type { TermsId } from "../kernel/Ids.ts"
import { newId, SecureRandom } from "../kernel/SecureRandom.ts"
import { TermsStore, TermsVersion, termsInForce } from "../terms/Terms.ts"

const TermsJson = Schema.toCodecJson(TermsVersion)
const json = (versions: ReadonlyArray<TermsVersion | undefined>) =>
  versions.map((v) => (v === undefined ? undefined : Schema.encodeSync(TermsJson)(v)))

const version = (fields: Partial<Omit<TermsVersion, "id">> = {}) =>
  Effect.gen(function* () {
    const id = yield* newId<TermsId>("terms")
    return new TermsVersion({
      id,
      version: `CSP-AGB ${id}`,
      effectiveFrom: DateTime.makeUnsafe("2025-01-01T00:00:00Z"),
      url: null,
      text: null,
      ...fields
    })
  })

const insert = (t: TermsVersion) => TermsStore.use((s) => s.insert(t))

/**
 * The contract of every `TermsStore`: published CSP-AGB versions read back unchanged and are listed in
 * the order they were published. `list` sees every version of the store, so tests look at their own.
 */
export const termsSuite = <E>(name: string, terms: Layer.Layer<TermsStore, E>) =>
  describe(`TermsStore conformance: ${name}`, () => {
    layer(Layer.merge(terms, SecureRandom.layerWebCrypto))((it) => {
      it.effect("a published CSP-AGB version reads back unchanged", () =>
        Effect.gen(function* () {
          const byUrl = yield* version({ url: "https://portal.example/agb/v3.pdf" })
          const byText = yield* version({
            text: "§ 1 Geltungsbereich\nDiese AGB gelten für alle Bestellungen über das Cloud-Service-Portal. ✓",
            effectiveFrom: DateTime.makeUnsafe("2026-04-01T00:00:00.123Z")
          })
          yield* insert(byUrl)
          yield* insert(byText)
          const get = (id: TermsId) => TermsStore.use((s) => s.get(id))
          assert.deepStrictEqual(json([yield* get(byUrl.id), yield* get(byText.id)]), json([byUrl, byText]))
        })
      )

      it.effect("an unknown terms id finds nothing", () =>
        Effect.gen(function* () {
          assert.strictEqual(yield* TermsStore.use((s) => s.get("terms_unknown" as TermsId)), undefined)
        })
      )

      it.effect("every published version is listed, in the order of publication", () =>
        Effect.gen(function* () {
          // Published out of effective-date order: the list keeps publication order, `termsInForce` decides.
          const published = [
            yield* version({ effectiveFrom: DateTime.makeUnsafe("2031-01-01T00:00:00Z") }),
            yield* version({ effectiveFrom: DateTime.makeUnsafe("2030-01-01T00:00:00Z") }),
            yield* version({ effectiveFrom: DateTime.makeUnsafe("2032-01-01T00:00:00Z") })
          ]
          for (const t of published) yield* insert(t)
          const ids = new Set(published.map((t) => t.id))
          const mine = (yield* TermsStore.use((s) => s.list())).filter((t) => ids.has(t.id))
          assert.deepStrictEqual(json(mine), json(published))
          assert.strictEqual(termsInForce(mine, DateTime.makeUnsafe("2031-06-01T00:00:00Z"))?.id, published[0]!.id)
        })
      )
    })
  })
