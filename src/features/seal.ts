/**
 * One-off tokens for links and round trips: magic links, email verification, password reset,
 * OAuth `state`. Each token is sealed with AES-256-GCM for one `purpose`, carries its own expiry,
 * and is URL-safe as it is (base64url characters and `.`).
 *
 * Also exported from the main `sealed-session` entry.
 *
 * @example A magic link
 * ```ts
 * import { createSealer } from 'sealed-session/seal'
 *
 * const links = createSealer<{ email: string }>({
 *   secret: env.LINK_SECRET, // or [newest, older]: the first seals, all open
 *   purpose: 'magic-link',
 *   ttl: 15 * 60, // seconds
 * })
 *
 * // Sending: put the token in the link.
 * const token = await links.seal({ email: 'ada@example.com' })
 * const url = `https://example.com/login?token=${token}`
 *
 * // Receiving: never throws for what the client sent.
 * const result = await links.unseal(new URL(request.url).searchParams.get('token'))
 * if (!result.ok) return new Response('This link is invalid or has expired', { status: 400 })
 * const { email } = result.data
 * ```
 *
 * @module sealed-session/seal
 */

// Format (docs/FORMAT.md, "One-off tokens"):
//
//   t1KKKK.<b64u(iv[12] || AES-256-GCM(expiresAt[6] || body) || tag[16])>
//   additional data: UTF-8 of header || purpose
//
// KKKK names the key (keys.ts, derived under labels of its own, so session cookies and one-off
// tokens never open as each other). expiresAt is big-endian uint48 milliseconds since the epoch.
// Exactly one crypto.subtle call per seal and per unseal once the keys are derived.

import { base64urlDecode, base64urlEncode, encoder, utf8Decode } from '../core/encoding.ts'
import { configError, SerializationError, shown } from '../core/errors.ts'
import { type Keyring, keyringOf, normalizeSecrets, type Secret } from '../core/keys.ts'
import { jsonSerializer } from '../core/serializer.ts'
import { timeOf } from '../core/session-state.ts'
import { takeIv } from '../core/testing.ts'

const HEADER_LENGTH = 6
const IV_BYTES = 12
const EXPIRY_BYTES = 6
const TAG_BYTES = 16
/** Longest token `unseal` reads; anything longer is refused (`oversize`) before decoding. */
const MAX_TOKEN_LENGTH = 8192
/** The most JSON bytes that still fit a token of `MAX_TOKEN_LENGTH` characters. */
const MAX_DATA_BYTES =
  (((MAX_TOKEN_LENGTH - HEADER_LENGTH - 1) * 3) >> 2) - IV_BYTES - EXPIRY_BYTES - TAG_BYTES
const DAY = 24 * 60 * 60
const MAX_TTL = 400 * DAY

/** Options of {@link createSealer}, {@link seal} and {@link unseal}. */
export interface SealOptions {
  /**
   * At least 32 bytes, e.g. `openssl rand -base64 32`; or a list, newest first: the first seals,
   * all open. Keys are derived once per list and cached. Giving the same secret as your sessions
   * is safe: one-off tokens use subkeys of their own.
   */
  readonly secret: Secret | readonly Secret[]
  /**
   * What the token is for, e.g. `'magic-link'`, `'reset-password'`, `'oauth-state'`: any
   * non-empty string. It is authenticated, not stored: a token opens only for the same purpose.
   */
  readonly purpose: string
  /**
   * Lifetime in seconds, above 0 and at most 400 days. Sealed inside the token; `unseal` refuses
   * the token from `expiresAt` on.
   * @default 3600 (one hour)
   */
  readonly ttl?: number
  /**
   * Clock in milliseconds since the epoch. Inject one in tests.
   * @default Date.now
   */
  readonly now?: () => number
}

/** Stable reasons `unseal` gives for a token it does not accept. */
export type UnsealReason =
  /** Longer than any token `seal` writes (8,192 characters); refused before decoding. */
  | 'oversize'
  /** Not a one-off token: not a string, bad structure, non-canonical base64url, a session cookie. */
  | 'malformed'
  /** A format version this library does not read. */
  | 'version'
  /** Sealed with a key that is no longer configured. */
  | 'unknown-key'
  /** Authentication failed: tampered, forged, another secret, or sealed for another purpose. */
  | 'tampered'
  /** Authentic, but its expiry has passed (`now >= expiresAt`). */
  | 'expired'
  /** Authentic, but the data is not UTF-8 JSON. */
  | 'payload'

/** What `unseal` returns: the data, or why there is none. */
export type Unsealed<T> =
  | {
      /** The token opened. */
      readonly ok: true
      /** What was sealed. */
      readonly data: T
      /** When the token expires, in ms since the epoch. */
      readonly expiresAt: number
    }
  | {
      /** The token did not open. */
      readonly ok: false
      /** Why: a stable reason, for your logs. */
      readonly reason: UnsealReason
    }

/** Seals and opens one-off tokens for one purpose; made by {@link createSealer}. */
export interface Sealer<T = unknown> {
  /**
   * Seals `data` (anything strict JSON carries) into a URL-safe token that expires `ttl` seconds
   * from now. A fresh random IV every time: the same data never seals to the same token.
   * @throws {SerializationError} `ERR_SESSION_SERIALIZE` (as a rejection) when JSON would not bring
   *   `data` back unchanged (BigInt, Date, Map, a cycle, undefined...) or it is over 6,104 bytes.
   */
  seal(data: T): Promise<string>
  /**
   * Opens a token sealed for this purpose with one of the configured secrets. Never rejects for
   * anything the client sent, string or not: a token it does not accept gives `{ ok: false, reason }`.
   * The data is what was sealed, parsed as JSON; `T` is not checked at run time.
   */
  unseal(token: unknown): Promise<Unsealed<T>>
}

/**
 * Validates `options` once and returns a {@link Sealer}; use one per purpose. Keys are derived on
 * first use and cached (non-extractable).
 *
 * @example
 * ```ts
 * const resets = createSealer<{ user: string }>({ secret: env.SECRET, purpose: 'reset-password', ttl: 30 * 60 })
 * const token = await resets.seal({ user: 'u_42' })
 * const result = await resets.unseal(token) // { ok: true, data: { user: 'u_42' }, expiresAt }
 * ```
 * @throws {ConfigurationError} `ERR_OPTION_INVALID` for a missing or empty `purpose`, or a `ttl`
 *   that is not a number of seconds above 0 and at most 400 days; `ERR_SECRET_INVALID` for a
 *   secret shorter than 32 bytes or copied from the documentation; `ERR_NO_WEBCRYPTO` without
 *   `crypto.subtle`.
 */
export function createSealer<T = unknown>(options: SealOptions): Sealer<T> {
  // Spread so that a missing options object fails on `purpose` like any other mistake.
  const { purpose, ttl = 3600, now = Date.now, secret } = { ...options }
  // A lone surrogate would encode as U+FFFD, so two different purposes could share their bytes.
  if (typeof purpose !== 'string' || !purpose || utf8Decode(encoder.encode(purpose)) !== purpose) {
    throw configError('ERR_OPTION_INVALID', '`purpose` must be a non-empty string, e.g. "magic-link"')
  }
  if (typeof ttl !== 'number' || !(ttl > 0 && ttl <= MAX_TTL)) {
    throw configError(
      'ERR_OPTION_INVALID',
      `\`ttl\` must be seconds above 0, at most 400 days; got ${shown(ttl)}`,
    )
  }
  if (typeof now !== 'function') throw configError('ERR_OPTION_INVALID', '`now` must be a function')
  if (typeof globalThis.crypto?.subtle?.encrypt !== 'function') {
    throw configError('ERR_NO_WEBCRYPTO', 'globalThis.crypto.subtle is missing (Node 18: see the README)')
  }
  const secrets = normalizeSecrets(secret)
  const keyring = keyringOf(secrets, 'seal')
  const ttlMs = Math.ceil(ttl * 1000)
  const additionalData = (header: string) => encoder.encode(header + purpose)

  const sealer: SealerParts = { keyring, now, ttlMs, additionalData }
  return {
    seal: (data) => sealWith(sealer, data),
    unseal: (token) => unsealWith<T>(sealer, token),
  }
}

/** What one sealer is made of. */
interface SealerParts {
  readonly keyring: () => Keyring | Promise<Keyring>
  readonly now: () => number
  readonly ttlMs: number
  readonly additionalData: (header: string) => Uint8Array<ArrayBuffer>
}

async function sealWith(
  { keyring, now, ttlMs, additionalData }: SealerParts,
  data: unknown,
): Promise<string> {
  const json: unknown = jsonSerializer.stringify(data)
  // JSON.stringify(undefined) is undefined, not text; the strict check lets it through.
  if (json === undefined) throw new SerializationError('cannot seal undefined')
  const body = encoder.encode(json as string)
  // A clock that gives no time would seal a token expired since 1970, or throw a TypeError.
  const expiresAt = Math.floor(timeOf(now())) + ttlMs
  const plaintext = new Uint8Array(EXPIRY_BYTES + body.length)
  const view = new DataView(plaintext.buffer)
  view.setUint16(0, expiresAt / 2 ** 32)
  view.setUint32(2, expiresAt >>> 0)
  plaintext.set(body, EXPIRY_BYTES)
  const { id, key } = (await keyring()).current
  const header = `t1${id}`
  const iv = takeIv()
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: additionalData(header) },
      key,
      plaintext,
    ),
  )
  const out = new Uint8Array(IV_BYTES + sealed.length)
  out.set(iv)
  out.set(sealed, IV_BYTES)
  const token = `${header}.${base64urlEncode(out)}`
  // Every token written must be readable: unseal refuses longer ones unread.
  if (token.length > MAX_TOKEN_LENGTH) {
    throw new SerializationError(`data is ${body.length} bytes of JSON; a token holds ${MAX_DATA_BYTES}`)
  }
  return token
}

async function unsealWith<T>(
  { keyring, now, additionalData }: SealerParts,
  token: unknown,
): Promise<Unsealed<T>> {
  if (typeof token !== 'string') return fail('malformed')
  // Before any decoding or crypto: the cost of a hostile token is bounded by its length.
  if (token.length > MAX_TOKEN_LENGTH) return fail('oversize')
  if (token[0] !== 't' || token[HEADER_LENGTH] !== '.') return fail('malformed')
  if (token[1] !== '1') return fail('version')
  const header = token.slice(0, HEADER_LENGTH)
  const entry = (await keyring()).byId.get(header.slice(2))
  if (!entry) return fail('unknown-key')
  const bytes = base64urlDecode(token.slice(HEADER_LENGTH + 1))
  if (!bytes || bytes.length < IV_BYTES + EXPIRY_BYTES + TAG_BYTES) return fail('malformed')
  let plaintext: Uint8Array
  try {
    plaintext = new Uint8Array(
      await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: bytes.subarray(0, IV_BYTES), additionalData: additionalData(header) },
        entry.key,
        bytes.subarray(IV_BYTES),
      ),
    )
  } catch {
    return fail('tampered')
  }
  const view = new DataView(plaintext.buffer)
  const expiresAt = view.getUint16(0) * 2 ** 32 + view.getUint32(2)
  // Written so that a clock returning NaN counts as expired.
  if (!(now() < expiresAt)) return fail('expired')
  // Not UTF-8: utf8Decode gives undefined, which JSON.parse refuses like any non-JSON text.
  try {
    return {
      ok: true,
      data: jsonSerializer.parse(utf8Decode(plaintext.subarray(EXPIRY_BYTES))!) as T,
      expiresAt,
    }
  } catch {
    return fail('payload')
  }
}

/**
 * Seals `data` for `purpose` into a URL-safe token (base64url and `.`) that expires `ttl` seconds
 * from now. Same as `createSealer(options).seal(data)`; keys are cached per secret list either way.
 *
 * @example A magic link
 * ```ts
 * import { seal } from 'sealed-session/seal'
 *
 * const token = await seal({ email }, { secret: env.LINK_SECRET, purpose: 'magic-link', ttl: 15 * 60 })
 * await sendMail(email, `https://example.com/login?token=${token}`)
 * ```
 * @throws {ConfigurationError} (as a rejection) for invalid options, as {@link createSealer}.
 * @throws {SerializationError} (as a rejection) `ERR_SESSION_SERIALIZE` when JSON would not bring
 *   `data` back unchanged (BigInt, Date, Map, a cycle, undefined...) or it is over 6,104 bytes.
 */
export async function seal(data: unknown, options: SealOptions): Promise<string> {
  return createSealer(options).seal(data)
}

/**
 * Opens a token from {@link seal} made with the same `purpose` and one of the configured secrets.
 * Never rejects for anything the client sent (any string, or not a string): it answers
 * `{ ok: false, reason }`. `T` is not checked at run time.
 *
 * @example Receiving the magic link
 * ```ts
 * import { unseal } from 'sealed-session/seal'
 *
 * const token = new URL(request.url).searchParams.get('token')
 * const result = await unseal<{ email: string }>(token, { secret: env.LINK_SECRET, purpose: 'magic-link' })
 * if (!result.ok) return new Response('This link is invalid or has expired', { status: 400 })
 * // result.data.email, result.expiresAt
 * ```
 * @throws {ConfigurationError} (as a rejection) for invalid options, as {@link createSealer}.
 */
export async function unseal<T = unknown>(token: unknown, options: SealOptions): Promise<Unsealed<T>> {
  return createSealer<T>(options).unseal(token)
}

function fail(reason: UnsealReason): Unsealed<never> {
  return { ok: false, reason }
}
