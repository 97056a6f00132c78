// The few Web-standard globals core relies on; present on Node >= 20, workerd, Deno, Bun and browsers.
// Declared here instead of pulling in the whole DOM lib, so core cannot reach for `document` or `fetch` by accident.
declare global {
  interface SubtleCryptoLike {
    digest(algorithm: "SHA-256", data: Uint8Array): Promise<ArrayBuffer>
    importKey(
      format: "raw",
      keyData: Uint8Array,
      algorithm: "PBKDF2",
      extractable: false,
      usages: ReadonlyArray<"deriveBits">
    ): Promise<unknown>
    importKey(
      format: "raw",
      keyData: Uint8Array,
      algorithm: { name: "HMAC"; hash: "SHA-256" },
      extractable: false,
      usages: ReadonlyArray<"sign" | "verify">
    ): Promise<unknown>
    deriveBits(
      algorithm: { name: "PBKDF2"; hash: "SHA-256"; salt: Uint8Array; iterations: number },
      key: unknown,
      length: number
    ): Promise<ArrayBuffer>
    sign(algorithm: "HMAC", key: unknown, data: Uint8Array): Promise<ArrayBuffer>
    verify(algorithm: "HMAC", key: unknown, signature: Uint8Array, data: Uint8Array): Promise<boolean>
  }
  var crypto: {
    getRandomValues<T extends Uint8Array>(array: T): T
    readonly subtle: SubtleCryptoLike
  }
  class TextEncoder {
    encode(input?: string): Uint8Array
  }
  function btoa(data: string): string
  function atob(data: string): string
}

export {}
