// One sealed token across several cookies, for sessions larger than a 4 KB cookie (opt-in).
//
// A token that fits one cookie is written as before. A longer one is cut into pieces: cookie
// `name` holds `N~` and the first piece, where N (1 to 9) is how many chunk cookies follow, and
// `name.1` to `name.N` hold the rest in order. The pieces carry no authentication of their own and
// need none: the reader joins them and the token's single authentication check covers the whole,
// so a piece from another session, a reordering, a truncation or an extension all fail as a
// tampered token. Before any decoding, the reader insists on exactly the chunk cookies the count
// names, once each, so a missing, duplicated or leftover chunk is refused without crypto.

import {
  type CookieSpec,
  expireCookie,
  MAX_CHUNK_INDEX,
  MAX_COOKIE_BYTES,
  type SessionCookies,
  serializeCookie,
} from './cookie.ts'
import { CookieTooLargeError } from './errors.ts'
import type { InvalidReason } from './token.ts'

/** The most cookies one session may span: `name` and the one-digit chunk names. */
export const MAX_CHUNKS = MAX_CHUNK_INDEX + 1

/**
 * The cap `chunks: true` sets: 3 cookies, about 12 KB of `Cookie` header, leaving room for the
 * request's other headers under Node's 16 KiB default header limit.
 */
export const DEFAULT_CHUNKS = 3

const TILDE = 126

function chunkName(name: string, index: number): string {
  return index === 0 ? name : `${name}.${index}`
}

/**
 * `Set-Cookie` values writing `token` in as few cookies as it needs, at most `maxChunks`, and
 * expiring the chunk cookies the request carried beyond those. Throws
 * {@link CookieTooLargeError} past the cap; nothing is written then.
 */
export function writeChunked(
  spec: CookieSpec,
  token: string,
  maxChunks: number,
  maxAge: number | undefined,
  present: SessionCookies['chunks'],
): string[] {
  const { name } = spec
  let values: string[]
  if (name.length + 1 + token.length <= MAX_COOKIE_BYTES) {
    values = [token]
  } else {
    // `name=N~` and `name.i=` are both name.length + 3 bytes, so every cookie holds one size.
    const piece = MAX_COOKIE_BYTES - name.length - 3
    const count = Math.ceil(token.length / piece)
    if (count > maxChunks) throw tooLarge(name, token, count, maxChunks)
    values = []
    for (let i = 0; i < count; i++) values.push(token.slice(i * piece, (i + 1) * piece))
    values[0] = `${count - 1}~${values[0]}`
  }
  const cookies = values.map((value, i) => serializeCookie(spec, value, maxAge, chunkName(name, i)))
  return cookies.concat(expireChunks(spec, present, values.length))
}

/** `Set-Cookie` values deleting the chunk cookies `name.from` and up that the request carried. */
export function expireChunks(spec: CookieSpec, present: SessionCookies['chunks'], from = 1): string[] {
  const out: string[] = []
  if (present === undefined) return out
  for (let i = Math.max(from, 1); i <= MAX_CHUNK_INDEX; i++) {
    if (present[i - 1]!.length > 0) out.push(expireCookie(spec, chunkName(spec.name, i)))
  }
  return out
}

function tooLarge(name: string, token: string, count: number, maxChunks: number): CookieTooLargeError {
  if (maxChunks === 1) {
    return new CookieTooLargeError(name.length + 1 + token.length, MAX_COOKIE_BYTES, count, 1)
  }
  let size = 2 + token.length
  for (let i = 0; i < count; i++) size += chunkName(name, i).length + 1
  return new CookieTooLargeError(size, maxChunks * MAX_COOKIE_BYTES, count, maxChunks)
}

/**
 * The token that cookie value `value` (one of the request's `name` cookies) and the request's
 * chunk cookies make, or why they make none. Only lengths and names are checked: no decoding.
 */
export function joinChunks(
  name: string,
  value: string,
  present: SessionCookies['chunks'],
  maxChunks: number,
): string | { reason: InvalidReason } {
  if (name.length + 1 + value.length > MAX_COOKIE_BYTES) return fail('oversize')
  const count = chunkCount(value)
  if (count === 0) {
    // A whole token. With chunking on, a chunk cookie beside it is our leftover. With chunking
    // off, chunk names are someone else's (a stray a sibling subdomain set, another session
    // called `name.1`): ignored entirely.
    return maxChunks === 1 || present === undefined || present.every((p) => p.length === 0)
      ? value
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
  return token
}

/** How many chunk cookies a `name` cookie value says follow it (`N~...`); 0 for a whole token. */
export function chunkCount(value: string): number {
  const count = value.charCodeAt(0) - 48
  return count >= 1 && count <= MAX_CHUNK_INDEX && value.charCodeAt(1) === TILDE ? count : 0
}

function fail(reason: InvalidReason): { reason: InvalidReason } {
  return { reason }
}
