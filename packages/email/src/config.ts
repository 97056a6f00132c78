import { Config, Schema } from "effect"

const isPublicBaseUrl = (input: string): boolean => {
  if (!URL.canParse(input)) return false
  const url = new URL(input)
  return (
    (url.protocol === "https:" || url.protocol === "http:") &&
    url.search === "" &&
    url.hash === "" &&
    url.username === "" &&
    url.password === "" &&
    input.startsWith(url.origin)
  )
}

/**
 * The portal's public address as users reach it, with an optional base path: `https://portal.example.de`
 * or `https://example.org/csp`. Every link in every mail starts with it.
 */
export const PublicBaseUrl = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter((s: string) => isPublicBaseUrl(s), {
      message: "an absolute http(s) URL without query, fragment or credentials"
    })
  ),
  Schema.brand("PublicBaseUrl")
)
export type PublicBaseUrl = typeof PublicBaseUrl.Type

/** `CLOUDPORTAL_PUBLIC_BASE_URL`. */
export const publicBaseUrlConfig: Config.Config<PublicBaseUrl> = Config.schema(
  PublicBaseUrl,
  "CLOUDPORTAL_PUBLIC_BASE_URL"
)
