/**
 * Opt-in chunking: a session larger than one 4 KB cookie may span several, `name`, `name.1`,
 * `name.2`... Pass `chunks: chunking()` (3 cookies) or `chunking(n)`. Only apps that import this
 * subpath ship the code that splits a token; every app reads chunked sessions (and rewrites them
 * as one cookie), so turning chunking off logs nobody out.
 *
 * Off by default: every request then carries the whole session, and servers and proxies cap
 * request headers (Node 16 KiB in all, nginx and Apache 8 KiB per header line), refusing the
 * request before your code runs.
 *
 * @example
 * ```ts
 * import { withSession } from 'sealed-session'
 * import { chunking } from 'sealed-session/chunks'
 *
 * export default { fetch: withSession(handler, { secret: env.SECRET, chunks: chunking(3) }) }
 * ```
 *
 * @module sealed-session/chunks
 */

import { chunkName } from '../core/chunk-read.ts'
import { CookieTooLargeError, configError, shown } from '../core/errors.ts'
import { type Chunking, EXTENSION } from '../core/extensions.ts'
import { MAX_CHUNK_INDEX, MAX_COOKIE_BYTES } from '../core/sizes.ts'

export type { Chunking }

/** The most cookies one session may span: `name` and the one-digit chunk names. */
export const MAX_CHUNKS: number = MAX_CHUNK_INDEX + 1

/**
 * The cap `chunking()` sets: 3 cookies, about 12 KB of `Cookie` header, leaving room for the
 * request's other headers under Node's 16 KiB default header limit.
 */
export const DEFAULT_CHUNKS = 3

const made: Chunking[] = []

/**
 * Lets a session span up to `max` cookies (1 to 10; default 3). Returns the same object for the
 * same `max`, so an options function may call it per request.
 *
 * @example
 * ```ts
 * createSessionStore({ secret, chunks: chunking(4) }) // up to 4 cookies, about 16 KB
 * ```
 * @throws {ConfigurationError} `ERR_OPTION_INVALID` when `max` is not an integer from 1 to 10.
 */
export function chunking(max: number = DEFAULT_CHUNKS): Chunking {
  if (!Number.isInteger(max) || max < 1 || max > MAX_CHUNKS) {
    throw configError(
      'ERR_OPTION_INVALID',
      `chunking(max): max must be an integer from 1 to ${MAX_CHUNKS}; got ${shown(max)}`,
    )
  }
  const split = (name: string, token: string) => splitToken(name, token, max)
  return (made[max] ??= Object.freeze({ [EXTENSION]: 'chunks' as const, max, split }))
}

/**
 * @internal
 * The cookie values carrying `token` under `name`, `name.1`... in as few cookies as it needs, at
 * most `maxChunks`. Throws {@link CookieTooLargeError} past the cap; nothing is written then.
 */
export function splitToken(name: string, token: string, maxChunks: number): string[] {
  if (name.length + 1 + token.length <= MAX_COOKIE_BYTES) return [token]
  // `name=N~` and `name.i=` are both name.length + 3 bytes, so every cookie holds one size.
  const piece = MAX_COOKIE_BYTES - name.length - 3
  const count = Math.ceil(token.length / piece)
  if (count > maxChunks) throw tooLarge(name, token, count, maxChunks)
  const values: string[] = []
  for (let i = 0; i < count; i++) values.push(token.slice(i * piece, (i + 1) * piece))
  values[0] = `${count - 1}~${values[0]}`
  return values
}

function tooLarge(name: string, token: string, count: number, maxChunks: number): CookieTooLargeError {
  if (maxChunks === 1) {
    return new CookieTooLargeError(name.length + 1 + token.length, MAX_COOKIE_BYTES, count, 1)
  }
  let size = 2 + token.length
  for (let i = 0; i < count; i++) size += chunkName(name, i).length + 1
  return new CookieTooLargeError(size, maxChunks * MAX_COOKIE_BYTES, count, maxChunks)
}
