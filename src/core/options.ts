// Options in, a frozen validated configuration out. Everything that can be wrong with the
// configuration is found here, at setup, with a stable code; nothing is written into the
// caller's object.

import type { TokenCache } from './cache.ts'
import { type CookieOptions, type CookieSpec, cookieSpec } from './cookie.ts'
import { checkKeys, configError, shown } from './errors.ts'
import {
  type Chunking,
  type Compression,
  type ExtensionKind,
  type Gate,
  isExtension,
  type LegacyReader,
  STEP_VERSION,
} from './extensions.ts'
import { type Mode, normalizeSecrets, type Secret } from './keys.ts'
import type { InvalidReason } from './result.ts'
import { jsonSerializer, type Serializer } from './serializer.ts'
import { MAX_AGE_CAP_SECONDS } from './sizes.ts'

/** Options for {@link withSession} and the Hono middleware. Only `secret` is required. */
export interface SessionOptions {
  /**
   * At least 32 bytes; generate one with `openssl rand -base64 32`. A list rotates keys: the
   * first seals new cookies, all of them open existing ones, and a cookie sealed with an older
   * key is re-sealed with the first on its next request.
   */
  secret: Secret | readonly Secret[]
  /**
   * `encrypted`: AES-256-GCM, the client can neither read nor change the session.
   * `signed`: HMAC-SHA-256 over readable base64url JSON, for data the client may read.
   * @default 'encrypted'
   */
  mode?: Mode
  /**
   * Cookie name and attributes; each has its own default.
   * @default {}
   */
  cookie?: CookieOptions
  /**
   * `chunking(n)` from `sealed-session/chunks`: let a session larger than one 4 KB cookie span up
   * to `n` cookies, `name`, `name.1`, `name.2`... Off by default; chunked sessions are read (and
   * rewritten as one cookie) whether or not this is set.
   * @default undefined (one cookie)
   */
  chunks?: Chunking | undefined
  /**
   * `compression()` from `sealed-session/compression`: deflate the session before sealing when
   * that makes the cookie shorter. Off by default; compressed cookies are read whether or not
   * this is set. Read its caveat about secrets next to attacker-influenced data.
   * @default undefined (not compressed)
   */
  compress?: Compression | undefined
  /**
   * Absolute lifetime in seconds from login (or `regenerate()`), at most 400 days.
   * @default 1209600 (14 days)
   */
  maxAge?: number
  /**
   * Seconds without a write after which the session ends, at most 400 days (and at most
   * `maxAge`).
   * @default 259200 (3 days)
   */
  idleTimeout?: number
  /**
   * Rolling renewal: an unchanged session is re-sealed (pushing the idle deadline forward) only
   * once less than this fraction of `idleTimeout` remains. 0 never renews, 1 renews on every
   * request.
   * @default 0.5
   */
  renewThreshold?: number
  /**
   * Seconds a cookie's timestamps may lie in the future (clock drift between servers).
   * @default 60
   */
  clockSkew?: number
  /**
   * Clock in milliseconds since the epoch. Inject one in tests.
   * @default Date.now
   */
  now?: () => number
  /**
   * Encodes session data to text. The default is JSON, made strict: it throws on values JSON
   * would change (a `Date`, a `Map`, `NaN`, a cycle...).
   * @default JSON
   */
  serializer?: Serializer
  /**
   * Called when a request carried a session cookie that could not be used, with a stable reason.
   * Nothing is logged by default. The reason is for your logs only; never echo it to the client.
   * The request does not wait for it, and a throw or a rejected promise from it is ignored: a
   * failing hook never changes the response. `request` is the `Request` the session was loaded
   * from, or `undefined` when a store loaded it from `Headers` or a Cookie header string.
   * @default undefined (nothing is reported)
   */
  onInvalid?: (reason: InvalidReason, request: Request | undefined) => unknown
  /**
   * A {@link TokenCache}: tokens this process sealed or authenticated are remembered, so the same
   * cookie coming back skips its decrypt (or HMAC verify). Lifetimes are still checked and the
   * data still parsed afresh on every request. Off by default: it keeps recent sessions' data in
   * memory between requests. See docs/token-cache.md.
   * @default undefined (no cache)
   */
  tokenCache?: TokenCache
  /**
   * Readers of the session cookie of the library this one replaces, so the switch logs nobody
   * out: `cookieSession()` from `sealed-session/legacy/cookie-session`, `iron()` from
   * `sealed-session/legacy/iron`, `reactRouter()` from `sealed-session/legacy/react-router`.
   * When a request carries no valid session of ours, each reader in turn tries its own cookie,
   * with that library's checks; the first that opens gives the session (`isNew` false), which the
   * response re-seals in this library's format while expiring the old cookie(s). Make the
   * readers once, outside an options function. See docs/migrating/.
   * @default []
   */
  legacy?: readonly LegacyReader[]
  /**
   * `revocation({ store, subject })` from `sealed-session/revocation`: sessions that can be
   * revoked one by one or per subject ("log out everywhere"), checked against a store at most
   * once per session per check interval. Off by default; only apps that import the subpath ship
   * its code. See docs/revocation.md.
   * @default undefined (no revocation)
   */
  revocation?: Gate<'revocation'> | undefined
  /**
   * `deviceBound()` from `sealed-session/device-bound`: sessions bound to the browser's device
   * key (Device Bound Session Credentials), so a copied cookie stops working on another machine.
   * Off by default. See docs/device-bound.md.
   * @default undefined (no device binding)
   */
  deviceBinding?: Gate<'device-bound'> | undefined
}

/** @internal The validated, frozen configuration a store runs on. */
export interface SessionConfig {
  readonly secrets: readonly Uint8Array[]
  readonly mode: Mode
  readonly cookie: CookieSpec
  /** Most cookies a session may span; 1: no chunking. */
  readonly maxChunks: number
  readonly chunks: Chunking | undefined
  readonly compress: Compression | undefined
  readonly maxAgeMs: number
  readonly idleMs: number
  /** Part of the idle timeout left below which an unchanged session is re-sealed. */
  readonly renewThreshold: number
  readonly skewMs: number
  readonly now: () => number
  readonly serializer: Serializer
  readonly onInvalid: ((reason: InvalidReason, request: Request | undefined) => unknown) | undefined
  readonly tokenCache: TokenCache | undefined
  readonly legacy: readonly LegacyReader[]
  /** The gates every opened session passes, in order: revocation, then device binding. */
  readonly gates: readonly Gate[]
}

const DAY = 24 * 60 * 60

function seconds(value: unknown, fallback: number, name: string, allowZero = false): number {
  if (value === undefined) return fallback * 1000
  if (typeof value !== 'number' || !(value > 0 || (allowZero && value === 0))) {
    throw invalid(`${name} must be seconds above 0; got ${shown(value)}`)
  }
  // Express cookie-session and iron-session take milliseconds: 86_400_000 meant as a day would
  // be a 2.7-year session here. Nothing longer than a browser keeps a cookie makes sense.
  if (!(value <= MAX_AGE_CAP_SECONDS)) {
    throw invalid(`${name} is over 400 days; lifetimes are in seconds, not milliseconds`)
  }
  return value * 1000
}

function invalid(message: string) {
  return configError('ERR_OPTION_INVALID', message)
}

/** @internal Every option's name. */
export const OPTION_KEYS = [
  'secret',
  'mode',
  'cookie',
  'chunks',
  'compress',
  'maxAge',
  'idleTimeout',
  'renewThreshold',
  'clockSkew',
  'now',
  'serializer',
  'onInvalid',
  'tokenCache',
  'legacy',
  'revocation',
  'deviceBinding',
] as const satisfies readonly (keyof SessionOptions)[]

/** @internal Validates `options` once; throws a {@link ConfigurationError} naming the problem. */
export function resolveOptions(options: SessionOptions): SessionConfig {
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object')
  checkKeys(options, OPTION_KEYS, '')
  if (typeof globalThis.crypto?.subtle?.encrypt !== 'function') {
    throw configError(
      'ERR_NO_WEBCRYPTO',
      "globalThis.crypto.subtle is missing: on Node 18 run with --experimental-global-webcrypto, or set `globalThis.crypto ??= (await import('node:crypto')).webcrypto`",
    )
  }
  const { renewThreshold = 0.5, chunks, compress } = options
  const mode = options.mode ?? 'encrypted'
  const serializer = options.serializer ?? jsonSerializer
  if (mode !== 'encrypted' && mode !== 'signed')
    throw invalid(`mode must be 'encrypted' or 'signed'; got ${shown(mode)}`)
  const maxAgeMs = seconds(options.maxAge, 14 * DAY, 'maxAge')
  const idleMs = Math.min(seconds(options.idleTimeout, 3 * DAY, 'idleTimeout'), maxAgeMs)
  if (typeof renewThreshold !== 'number' || !(renewThreshold >= 0 && renewThreshold <= 1)) {
    throw invalid(`renewThreshold must be from 0 to 1; got ${shown(renewThreshold)}`)
  }
  const skewMs = seconds(options.clockSkew, 60, 'clockSkew', true)
  // Each optional option that must have a function at `key`, and what to pass.
  for (const [name, key, what] of [
    ['serializer', 'parse', 'stringify and parse functions'],
    ['serializer', 'stringify', 'stringify and parse functions'],
    ['tokenCache', 'get', 'a TokenCache'],
  ] as const) {
    const value: unknown = name === 'serializer' ? serializer : options[name]
    if (value !== undefined && typeof (value as Record<string, unknown> | null)?.[key] !== 'function') {
      throw invalid(`${name} must be ${what}`)
    }
  }
  for (const [name, kind, what] of EXTENSIONS) {
    const value = options[name]
    if (value !== undefined && !isExtension(value, kind)) throw invalid(`${name} must be ${what}`)
  }
  const { now, onInvalid } = hooksOf(options)
  const list = options.legacy ?? []
  // Read by index, holes included (every() would skip them), never through an iterator.
  const legacy = Array.isArray(list) ? Array.from({ length: list.length }, (_, i) => list[i]) : []
  if (!Array.isArray(list) || !legacy.every((r) => isExtension(r, 'legacy')))
    throw invalid('legacy takes readers from sealed-session/legacy/*')
  const gates = [options.revocation, options.deviceBinding].filter((g) => g !== undefined)
  // Gates and readers bring their step of the pipeline, which must speak this core's version
  // (two versions of this library installed side by side).
  for (const [name, carriers] of [
    ['revocation', [options.revocation]],
    ['deviceBinding', [options.deviceBinding]],
    ['legacy', legacy],
  ] as const) {
    const foreign = carriers.some(
      (e) => e !== undefined && (e.runner as { version?: unknown } | null)?.version !== STEP_VERSION,
    )
    if (foreign)
      throw invalid(`${name} comes from another version of sealed-session; install one (npm dedupe)`)
  }
  return Object.freeze({
    secrets: normalizeSecrets(options.secret),
    mode,
    cookie: checkedCookie(options.cookie),
    maxChunks: chunks?.max ?? 1,
    chunks,
    compress,
    maxAgeMs,
    idleMs,
    renewThreshold,
    skewMs,
    now,
    serializer,
    onInvalid,
    tokenCache: options.tokenCache,
    legacy: Object.freeze(legacy),
    gates,
  })
}

/**
 * @internal
 * The hooks of `options`, checked: `now` (`Date.now` when not given) and `onInvalid`. An options
 * function's are checked on every call (resolver.ts); static options' once, here.
 */
export function hooksOf(options: Pick<SessionOptions, 'now' | 'onInvalid'>): {
  readonly now: () => number
  readonly onInvalid: SessionOptions['onInvalid']
} {
  const { now = Date.now, onInvalid } = options
  if (typeof now !== 'function') throw invalid('now must be a function')
  if (onInvalid !== undefined && typeof onInvalid !== 'function')
    throw invalid('onInvalid must be a function')
  return { now, onInvalid }
}

/** The options that take an extension, its kind, and where it comes from. */
const EXTENSIONS = [
  ['chunks', 'chunks', 'chunking(n) from sealed-session/chunks'],
  ['compress', 'compress', 'compression() from sealed-session/compression'],
  ['revocation', 'gate', 'revocation() from sealed-session/revocation'],
  ['deviceBinding', 'gate', 'deviceBound() from sealed-session/device-bound'],
] as const satisfies readonly (readonly [keyof SessionOptions, ExtensionKind, string])[]

/**
 * The cookie spec, refusing names that end like a chunk cookie (`name.1` to `name.9`): two
 * stores named `s` and `s.1` on one site would overwrite each other's cookies.
 */
function checkedCookie(options: CookieOptions | undefined): CookieSpec {
  const spec = cookieSpec(options)
  if (/\.[1-9]$/.test(spec.name)) {
    throw configError(
      'ERR_COOKIE_OPTION',
      `cookie name ${spec.name} ends like a chunk cookie (name.1 to name.9); choose another`,
    )
  }
  return spec
}
