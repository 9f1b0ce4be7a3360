// Reading one sealed token across several cookies (writing them is opt-in: chunks.ts). Always in
// the core, so that turning chunking off logs nobody out.
//
// A token that fits one cookie is written as before. A longer one is cut into pieces: cookie
// `name` holds `N~` and the first piece, where N (1 to 9) is how many chunk cookies follow, and
// `name.1` to `name.N` hold the rest in order. The pieces carry no authentication of their own and
// need none: the reader joins them and the token's single authentication check covers the whole,
// so a piece from another session, a reordering, a truncation or an extension all fail as a
// tampered token. Before any decoding, the reader insists on exactly the chunk cookies the count
// names, once each, so a missing, duplicated or leftover chunk is refused without crypto.

import type { SessionCookies } from './cookie.ts'
import { fail, type Result } from './result.ts'
import { MAX_CHUNK_INDEX, MAX_COOKIE_BYTES } from './sizes.ts'

const TILDE = 126

/** @internal */
export function chunkName(name: string, index: number): string {
  return index === 0 ? name : `${name}.${index}`
}

/** @internal The names of the chunk cookies `name.from` and up that the request carried. */
export function presentChunks(name: string, present: SessionCookies['chunks'], from = 1): string[] {
  const out: string[] = []
  if (present === undefined) return out
  for (let i = Math.max(from, 1); i <= MAX_CHUNK_INDEX; i++) {
    if (present[i - 1]!.length > 0) out.push(chunkName(name, i))
  }
  return out
}

/**
 * @internal
 * The token that cookie value `value` (one of the request's `name` cookies) and the request's
 * chunk cookies make, or why they make none. Only lengths and names are checked: no decoding.
 */
export function joinChunks(
  name: string,
  value: string,
  present: SessionCookies['chunks'],
  maxChunks: number,
): Result<{ token: string }> {
  if (name.length + 1 + value.length > MAX_COOKIE_BYTES) return fail('oversize')
  const count = chunkCount(value)
  if (count === 0) {
    // A whole token. With chunking on, a chunk cookie beside it is our leftover. With chunking
    // off, chunk names are someone else's (a stray a sibling subdomain set, another session
    // called `name.1`): ignored entirely.
    return maxChunks === 1 || present === undefined || present.every((p) => p.length === 0)
      ? { ok: true, token: value }
      : fail('chunks')
  }
  if (value.length === 2) return fail('malformed')
  // With chunking turned off since, a session written in chunks still reads (and is rewritten
  // as one cookie), so turning the option off logs nobody out.
  if (maxChunks > 1 && count >= maxChunks) return fail('oversize')
  if (present === undefined) return fail('chunks')
  for (let i = 1; i <= MAX_CHUNK_INDEX; i++) {
    if (present[i - 1]!.length !== (i <= count ? 1 : 0)) return fail('chunks')
  }
  let token = value.slice(2)
  for (let i = 1; i <= count; i++) {
    const piece = present[i - 1]![0]!
    if (piece.length === 0) return fail('malformed')
    if (name.length + 3 + piece.length > MAX_COOKIE_BYTES) return fail('oversize')
    token += piece
  }
  return { ok: true, token }
}

/** @internal How many chunk cookies a `name` cookie value says follow it (`N~...`); 0 for a whole token. */
export function chunkCount(value: string): number {
  const count = value.charCodeAt(0) - 48
  return count >= 1 && count <= MAX_CHUNK_INDEX && value.charCodeAt(1) === TILDE ? count : 0
}
