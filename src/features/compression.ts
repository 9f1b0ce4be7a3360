/**
 * Opt-in compression of session cookies: `compress: compression()`. Only apps that import this
 * subpath ship the deflate code; every app reads compressed cookies, so turning compression off
 * logs nobody out.
 *
 * @example
 * ```ts
 * import { withSession } from 'sealed-session'
 * import { compression } from 'sealed-session/compression'
 *
 * export default { fetch: withSession(handler, { secret: env.SECRET, compress: compression() }) }
 * ```
 *
 * @module sealed-session/compression
 */

import { canCompress, deflate } from '../core/deflate.ts'
import { configError } from '../core/errors.ts'
import { type Compression, EXTENSION } from '../core/extensions.ts'
import { MAX_INFLATED_BYTES } from '../core/sizes.ts'

/** Below this, deflate saves a dozen bytes at most and is not worth a stream round trip. */
export const MIN_COMPRESS_BYTES = 128

export type { Compression }

let made: Compression | undefined

/**
 * Compress the session with raw DEFLATE before sealing, when that makes the cookie shorter. The
 * cookie's length then depends on the content: do not use it when the session holds secrets
 * (CSRF tokens, API keys) next to data an attacker can influence.
 *
 * Returns the same object every time, so an options function may call it per request.
 *
 * @example
 * ```ts
 * createSessionStore({ secret, compress: compression() })
 * ```
 * @throws {ConfigurationError} `ERR_OPTION_INVALID` when the runtime lacks
 *   `CompressionStream('deflate-raw')` (Node 18, and Node 20 before 20.12).
 */
export function compression(): Compression {
  if (made) return made
  if (!canCompress()) {
    throw configError(
      'ERR_OPTION_INVALID',
      "compression() needs CompressionStream('deflate-raw'): Node 20.12+",
    )
  }
  made = Object.freeze({ [EXTENSION]: 'compress' as const, pack })
  return made
}

async function pack(body: Uint8Array, overhead: number): Promise<Uint8Array | undefined> {
  if (body.length < MIN_COMPRESS_BYTES || body.length > MAX_INFLATED_BYTES) return undefined
  // Compression is only ever an optimisation: if it fails, the body goes out as it is.
  const packed = await deflate(body).catch(() => undefined)
  // Base64url rounds up to whole characters: compare encoded lengths, not byte counts.
  return packed && encodedLength(overhead + packed.length) < encodedLength(overhead + body.length)
    ? packed
    : undefined
}

/** base64url characters for `n` bytes, unpadded. */
function encodedLength(n: number): number {
  return Math.ceil((n * 4) / 3)
}
