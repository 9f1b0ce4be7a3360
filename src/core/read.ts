// The pipeline's first step: a `Cookie` header in, the session it carries out (or why none). Our
// cookie, candidate by candidate, chunks joined. Old libraries' cookies are legacy.ts's; no gate
// runs here, nothing is written, nothing is reported: the store does that.

import { chunkCount, joinChunks } from './chunk-read.ts'
import { readSessionCookies, type SessionCookies } from './cookie.ts'
import { utf8Decode } from './encoding.ts'
import type { Keyring, SessionKey } from './keys.ts'
import type { SessionConfig } from './options.ts'
import { fail, type Result } from './result.ts'
import { type Loaded, limitsOf } from './session-state.ts'
import type { TokenCodec } from './token.ts'

/**
 * How many cookies with our name are tried (stale copies under other paths/domains can coexist).
 * @internal
 */
export const MAX_CANDIDATES = 4

/**
 * Where a store reads the session cookie from: a `Request`, its `Headers`, a raw `Cookie` header
 * value, or several `Cookie` header lines (joined with `; `, RFC 9113 section 8.2.3). `null` or
 * `undefined`: no cookie.
 */
export type CookieSource = Request | Headers | string | readonly string[] | null | undefined

/** @internal The `Cookie` header a source carries. */
export function cookieHeader(source: CookieSource): string | null {
  if (source === null || source === undefined) return null
  if (typeof source === 'string') return source
  if (source instanceof Request) return source.headers.get('cookie')
  if (source instanceof Headers) return source.get('cookie')
  return Array.isArray(source) ? source.join('; ') : null
}

/** @internal A session our cookie carried: what opened, and with which key. */
export interface Opened {
  readonly loaded: Loaded
  readonly keyId: string
}

/** @internal What the request carries under our name. */
export interface OurCookies {
  readonly values: readonly string[]
  /** The chunk cookies a write may expire: with chunking off, only when our values name them. */
  readonly chunks: SessionCookies['chunks']
}

/** @internal Our cookie values and chunk cookies in `header`; no decoding. */
export function ourCookies(header: string | null, config: SessionConfig): OurCookies {
  const read = readSessionCookies(header, config.cookie.name, MAX_CANDIDATES)
  // Without chunk cookies (nearly every request) the read is the answer: no copy, no closure
  // (bench: store-load-null).
  const { values, chunks } = read
  return chunks === undefined || config.maxChunks > 1 || values.some((v) => chunkCount(v) > 0)
    ? read
    : { values, chunks: undefined }
}

/** @internal The store's parts the read step uses. */
export interface ReadParts {
  readonly config: SessionConfig
  readonly codec: TokenCodec
}

/**
 * @internal
 * Opens candidate `value` (one of the request's `name` cookies, joined with its chunks): lengths
 * and chunk names checked before any decoding or crypto.
 */
export function openCandidate(
  parts: ReadParts,
  value: string,
  cookies: OurCookies,
  keys: Keyring,
  now: number,
): Promise<Result<Opened>> | Result<Opened> {
  const { config } = parts
  const joined = joinChunks(config.cookie.name, value, cookies.chunks, config.maxChunks)
  return joined.ok ? openValue(parts, joined.token, keys, now) : joined
}

/**
 * @internal
 * Unseals one token and checks it: lifetimes, UTF-8, body shape. The token cache, when
 * configured, stands for the decrypt alone: everything else runs on every request. Exported for
 * the benchmark's token-level round trip.
 */
export async function openValue(
  parts: ReadParts,
  value: string,
  keys: Keyring,
  now: number,
): Promise<Result<Opened>> {
  const { config, codec } = parts
  const cache = config.tokenCache
  const { name } = config.cookie
  const hit = cache?.get(keys, name, value)
  // The payload, or the cache entry: both carry created, touched, sid and lifetime.
  let verified: Pick<Loaded, 'created' | 'touched' | 'sid' | 'lifetime'>
  let key: SessionKey
  let text: string | undefined
  if (hit !== undefined) {
    ;({ key, text } = hit)
    verified = hit
  } else {
    const result = await codec.unseal(value, keys)
    if (!result.ok) return result
    const { payload } = result
    verified = payload as Pick<Loaded, 'created' | 'touched' | 'sid' | 'lifetime'>
    key = result.key
    text = utf8Decode(payload.body)
    if (text === undefined) return fail('payload')
  }
  const { created, touched, lifetime, sid } = verified
  const { maxAgeMs, idleMs } = limitsOf(config, lifetime)
  // Each check passes only on a true comparison, so a clock returning NaN fails closed.
  if (!(created <= touched && touched <= now + config.skewMs && maxAgeMs > 0 && idleMs > 0))
    return fail('payload')
  if (!(now < created + maxAgeMs)) return fail('expired')
  if (!(now < touched + idleMs)) return fail('idle')
  const body = parseBody(config, text)
  if (body === undefined) return fail('payload')
  if (cache && hit === undefined) cache.set(keys, name, value, { created, touched, sid, lifetime, key, text })
  const { data, flash, state } = body
  return { ok: true, keyId: key.id, loaded: { created, touched, sid, lifetime, data, flash, state, text } }
}

/** @internal A session body: `data`, `[data, flash]` or `[data, flash, state]`. */
export function parseBody(
  config: Pick<SessionConfig, 'serializer'>,
  text: string,
): Pick<Loaded, 'data' | 'flash' | 'state'> | undefined {
  let parsed: unknown
  try {
    parsed = config.serializer.parse(text)
  } catch {
    return undefined
  }
  if (!Array.isArray(parsed))
    return isRecord(parsed) ? { data: parsed, flash: undefined, state: undefined } : undefined
  if (parsed.length !== 2 && parsed.length !== 3) return undefined
  const [data, flash, state = {}] = parsed as unknown[]
  if (!isRecord(data) || !isRecord(flash) || !isRecord(state)) return undefined
  if (parsed.length === 2) return { data, flash, state: undefined }
  // With extension state, `{}` stands for "no flash messages" (see textOf in session.ts).
  return { data, flash: Object.keys(flash).length > 0 ? flash : undefined, state }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
