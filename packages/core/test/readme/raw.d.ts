// Vite's `?raw` suffix imports a file's text; declared here because core's lib carries no bundler types.
declare module "*?raw" {
  const text: string
  export default text
}
