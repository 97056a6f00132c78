import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { localeOf } from "../src/index.ts"

describe("the locale of a request", () => {
  it("German is the default; English only when asked for before German", () => {
    expect(localeOf(undefined)).toBe("de")
    expect(localeOf("fr-FR, it")).toBe("de")
    expect(localeOf("en")).toBe("en")
    expect(localeOf("en-GB,en;q=0.9,de;q=0.5")).toBe("en")
    expect(localeOf("de-DE,en;q=0.8")).toBe("de")
    expect(localeOf("de;q=0.2, en;q=0.7")).toBe("en")
    expect(localeOf("en;q=0, de")).toBe("de")
  })

  it("any header value gives one of the two locales, without throwing", () => {
    fc.assert(
      fc.property(fc.string(), (header) => {
        const locale = localeOf(header)
        expect(locale === "de" || locale === "en").toBe(true)
      })
    )
  })

  it("the locale follows the highest-weighted of de and en, whatever else is listed", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.constantFrom("fr", "it", "pl", "*"),
        (de, en, other) => {
          fc.pre(de !== en)
          const header = `${other};q=1, de;q=0.${de}, en;q=0.${en}`
          expect(localeOf(header)).toBe(de > en ? "de" : "en")
        }
      )
    )
  })
})
