/**
 * Stands in for `prettier/standalone` and `prettier/plugins/html` in the Worker bundle. `@react-email/render`
 * imports prettier at its top level but calls it only with `{ pretty: true }`, which `@cloudportal/email` never
 * passes: leaving it out takes a quarter of a megabyte off the bundle and off every cold start.
 */
export const format = (): never => {
  throw new Error("pretty-printing mail HTML is left out of the Worker bundle")
}
