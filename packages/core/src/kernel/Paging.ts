import { Schema } from "effect"
import { base64url, fromBase64url } from "./Encoding.ts"

/**
 * Keyset paging for the organization's lists (API.md: `?limit=` default 50, max 200, an opaque `?cursor=`,
 * answer `{ items, nextCursor }`). The cursor is the sort key of the last item handed out, so a page never
 * repeats or skips an item because another one was added or removed in between.
 */
export const defaultPageLimit = 50
export const maxPageLimit = 200

/** `?limit=`: 1 to 200. */
export const PageLimit = Schema.Int.pipe(
  Schema.check(
    Schema.isBetween(
      { minimum: 1, maximum: maxPageLimit },
      { message: `limit: 1 bis ${maxPageLimit} / limit: 1 to ${maxPageLimit}` }
    )
  )
)

/** `?cursor=`: an opaque cursor that `decode` accepts; anything else is refused at decoding, never thrown at. */
export const OpaqueCursor = (decode: (cursor: string) => unknown) =>
  Schema.String.pipe(
    Schema.check(
      Schema.makeFilter((c: string) => decode(c) !== undefined, { message: "Ungültiger Cursor / invalid cursor" })
    )
  )

export const PageRequest = Schema.Struct({
  limit: Schema.optionalKey(PageLimit),
  cursor: Schema.optionalKey(OpaqueCursor((c) => decodeCursor(c)))
})
export type PageRequest = typeof PageRequest.Type

export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly nextCursor: string | null
}

const cursorPattern = /^[A-Za-z0-9_-]{1,2048}$/u
const printableAscii = /^[\x20-\x7e]+$/u

// Keys are printable ASCII by construction (`orderedText` for free text), so a cursor is plain base64url of
// the key; anything else presented as a cursor is refused at decoding, never thrown at.
const decodeCursor = (cursor: string): string | undefined => {
  if (!cursorPattern.test(cursor) || cursor.length % 4 === 1) return undefined
  const key = String.fromCharCode(...fromBase64url(cursor))
  return printableAscii.test(key) ? key : undefined
}

const encodeCursor = (key: string): string => base64url(Uint8Array.from(key, (c) => c.charCodeAt(0)))

/** Free text as a printable-ASCII sort key that orders like the text's code points. */
export const orderedText = (text: string): string =>
  Array.from(text, (c) => c.codePointAt(0)!.toString(16).padStart(6, "0")).join("")

/** One page of `items` ordered by `keyOf` (unique per item, printable ASCII), after the cursor's key. */
export const page = <A>(items: Iterable<A>, keyOf: (a: A) => string, request: PageRequest): Page<A> => {
  const limit = request.limit ?? defaultPageLimit
  const after = request.cursor === undefined ? undefined : decodeCursor(request.cursor)
  const keyed = Array.from(items, (item) => ({ item, key: keyOf(item) }))
    .filter((k) => after === undefined || k.key > after)
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  const slice = keyed.slice(0, limit)
  const last = slice.at(-1)
  return {
    items: slice.map((k) => k.item),
    nextCursor: keyed.length > limit && last ? encodeCursor(last.key) : null
  }
}
