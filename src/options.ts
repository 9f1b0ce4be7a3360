// Options in, a frozen validated configuration out. Everything that can be wrong with the
// configuration is found here, at setup, with a stable code; nothing is written into the
// caller's object.

import type { TokenCache } from './cache.ts'
import { DEFAULT_CHUNKS, MAX_CHUNKS } from './chunks.ts'
import { canCompress } from './compression.ts'
import { type CookieOptions, type CookieSpec, cookieSpec, MAX_AGE_CAP_SECONDS } from './cookie.ts'
import { configError } from './errors.ts'
import { type Mode, normalizeSecrets, type Secret } from './keys.ts'
import { jsonSerializer, type Serializer } from './serializer.ts'
import type { InvalidReason } from './token.ts'

/** Options for {@link withSession} and the Hono middleware. Only `secret` is required. */
export interface SessionOptions {
  /**
   * At least 32 bytes; generate one with `openssl rand -base64 32`. A list rotates keys: the
   * first seals new cookies, all of them open existing ones, and a cookie sealed with an older
   * key is re-sealed with the first on its next request.
   */
  secret: Secret | readonly Secret[]
  /**
   * `encrypted` (default): AES-256-GCM, the client can neither read nor change the session.
   * `signed`: HMAC-SHA-256 over readable base64url JSON, for data the client may read.
   */
  mode?: Mode
  /** Cookie name and attributes. */
  cookie?: CookieOptions
  /**
   * Let a session larger than one 4 KB cookie span several: `name`, `name.1`, `name.2`, ...
   * `true` allows 3 cookies (about 12 KB of `Cookie` header); a number from 1 to 10 sets the cap.
   * Off by default: every request then carries the whole session, and servers and proxies cap
   * request headers (Node 16 KiB in all, nginx and Apache 8 KiB per header line), refusing the
   * request before your code runs.
   */
  chunks?: boolean | number
  /**
   * Compress the session with raw DEFLATE before sealing, when that makes the cookie smaller.
   * Off by default. The cookie's length then depends on the content: do not enable it when the
   * session holds secrets (CSRF tokens, API keys) next to data an attacker can influence.
   * Compressed cookies are read whether or not this is set.
   */
  compress?: boolean
  /** Absolute lifetime in seconds from login (or `regenerate()`), at most 400 days. Default 14 days. */
  maxAge?: number
  /** Seconds without a write after which the session ends, at most 400 days. Default 3 days. */
  idleTimeout?: number
  /**
   * Rolling renewal: an unchanged session is re-sealed (pushing the idle deadline forward) only
   * once less than this fraction of `idleTimeout` remains. Default 0.5; 0 never renews, 1 renews
   * on every request.
   */
  renewThreshold?: number
  /** Seconds a cookie's timestamps may lie in the future (clock drift between servers). Default 60. */
  clockSkew?: number
  /** Clock in milliseconds since the epoch. Default `Date.now`. Inject one in tests. */
  now?: () => number
  /** Encodes session data to text; JSON (strict: throws on values JSON would change) by default. */
  serializer?: Serializer
  /**
   * Called when a request carried a session cookie that could not be used, with a stable reason.
   * Nothing is logged by default. The reason is for your logs only; never echo it to the client.
   * The request does not wait for it, and a throw or a rejected promise from it is ignored: a
   * failing hook never changes the response.
   */
  onInvalid?: (reason: InvalidReason, request: Request) => unknown
  /**
   * A {@link TokenCache}: tokens this process sealed or authenticated are remembered, so the same
   * cookie coming back skips its decrypt (or HMAC verify). Lifetimes are still checked and the
   * data still parsed afresh on every request. Off by default: it keeps recent sessions' data in
   * memory between requests. See the README, "Verified-token cache".
   */
  tokenCache?: TokenCache
}

export interface SessionConfig {
  readonly secrets: readonly Uint8Array[]
  readonly mode: Mode
  readonly cookie: CookieSpec
  /** Most cookies a session may span; 1: no chunking. */
  readonly maxChunks: number
  readonly compress: boolean
  readonly maxAgeMs: number
  readonly idleMs: number
  readonly renewMs: number
  readonly skewMs: number
  readonly now: () => number
  readonly serializer: Serializer
  readonly onInvalid: ((reason: InvalidReason, request: Request) => unknown) | undefined
  readonly tokenCache: TokenCache | undefined
}

const DAY = 24 * 60 * 60

function seconds(value: unknown, fallback: number, name: string, allowZero = false): number {
  if (value === undefined) return fallback * 1000
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (value === 0 && !allowZero)) {
    throw configError(
      'ERR_OPTION_INVALID',
      `${name} must be a finite number of seconds above 0; got ${String(value)}`,
    )
  }
  // Express cookie-session and iron-session take milliseconds: 86_400_000 meant as a day would
  // be a 2.7-year session here. Nothing longer than a browser keeps a cookie makes sense.
  if (value > MAX_AGE_CAP_SECONDS) {
    throw configError(
      'ERR_OPTION_INVALID',
      `${name} is ${value} seconds, over the 400-day (${MAX_AGE_CAP_SECONDS} s) limit browsers keep cookies; lifetimes are in seconds, not milliseconds`,
    )
  }
  return value * 1000
}

/** Validates `options` once; throws a {@link ConfigurationError} naming the problem. */
export function resolveOptions(options: SessionOptions): SessionConfig {
  if (typeof options !== 'object' || options === null) {
    throw configError('ERR_OPTION_INVALID', 'options must be an object with at least a `secret`')
  }
  if (typeof globalThis.crypto?.subtle?.encrypt !== 'function') {
    throw configError(
      'ERR_NO_WEBCRYPTO',
      'globalThis.crypto.subtle is missing. On Node 18 start node with --experimental-global-webcrypto, ' +
        "or run `globalThis.crypto ??= (await import('node:crypto')).webcrypto` before using sealed-session",
    )
  }
  const mode = options.mode ?? 'encrypted'
  if (mode !== 'encrypted' && mode !== 'signed') {
    throw configError('ERR_OPTION_INVALID', `mode must be 'encrypted' or 'signed'; got ${String(mode)}`)
  }
  const maxAgeMs = seconds(options.maxAge, 14 * DAY, 'maxAge')
  const idleMs = Math.min(seconds(options.idleTimeout, 3 * DAY, 'idleTimeout'), maxAgeMs)
  const threshold = options.renewThreshold === undefined ? 0.5 : options.renewThreshold
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
    throw configError(
      'ERR_OPTION_INVALID',
      `renewThreshold must be a number from 0 to 1; got ${String(threshold)}`,
    )
  }
  const skewMs = seconds(options.clockSkew, 60, 'clockSkew', true)
  for (const name of ['now', 'onInvalid'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw configError('ERR_OPTION_INVALID', `${name} must be a function`)
    }
  }
  const { chunks = false, compress = false } = options
  const maxChunks = chunks === true ? DEFAULT_CHUNKS : chunks === false ? 1 : chunks
  if (!Number.isInteger(maxChunks) || maxChunks < 1 || maxChunks > MAX_CHUNKS) {
    throw configError(
      'ERR_OPTION_INVALID',
      `chunks must be a boolean or an integer from 1 to ${MAX_CHUNKS}; got ${String(chunks)}`,
    )
  }
  if (typeof compress !== 'boolean') {
    throw configError('ERR_OPTION_INVALID', `compress must be a boolean; got ${String(compress)}`)
  }
  if (compress && !canCompress()) {
    throw configError(
      'ERR_OPTION_INVALID',
      "compress: true needs CompressionStream('deflate-raw'), which this runtime lacks (Node 18, and Node 20 before 20.12)",
    )
  }
  const serializer = options.serializer ?? jsonSerializer
  if (typeof serializer?.stringify !== 'function' || typeof serializer.parse !== 'function') {
    throw configError('ERR_OPTION_INVALID', 'serializer must have stringify(value) and parse(text) functions')
  }
  const { tokenCache } = options
  if (tokenCache !== undefined && typeof (tokenCache as Partial<TokenCache> | null)?.get !== 'function') {
    throw configError('ERR_OPTION_INVALID', 'tokenCache must be a TokenCache (`new TokenCache()`)')
  }
  return Object.freeze({
    secrets: normalizeSecrets(options.secret),
    mode,
    cookie: cookieSpec(options.cookie),
    maxChunks,
    compress,
    maxAgeMs,
    idleMs,
    renewMs: idleMs * threshold,
    skewMs,
    now: options.now ?? Date.now,
    serializer,
    onInvalid: options.onInvalid,
    tokenCache,
  })
}
