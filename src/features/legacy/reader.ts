// What the legacy readers (sealed-session/legacy/*) share: the interface the store's `legacy`
// option takes, and the few helpers each reader needs to find and expire its cookies. The store
// imports only the types from here, so an app with no legacy reader ships none of this.

import { type CookieSpec, cookieSpec, readSessionCookies } from '../../core/cookie.ts'
import { base64urlEncode } from '../../core/encoding.ts'
import { configError } from '../../core/errors.ts'
import {
  LEGACY_STATE,
  type LegacyReader,
  type LegacyResult,
  type ReaderContext,
} from '../../core/extensions.ts'
import { randomBytes } from '../../core/random.ts'
import { fail } from '../../core/result.ts'
import { MAX_COOKIE_BYTES, MAX_UINT48, SESSION_ID_BYTES } from '../../core/sizes.ts'

export type { LegacyReader }

/**
 * @internal
 * The session a reader opened, for the store: created now, its data serialized as the store's
 * serializer does (so it reads as unchanged), a random id like any new session's, and in its
 * extension state the old cookie's own id (from its SHA-256), so that revoking the session, or
 * the one it is upgraded to, holds against every later request carrying that same old cookie.
 * The session id is not derived from the cookie: cookie-session's and React Router's values
 * carry no nonce, so the same data in two browsers is the same cookie, and would be one id.
 */
export async function opened(
  context: ReaderContext,
  data: Record<string, unknown>,
  flash: Record<string, unknown> | undefined,
  expire: readonly CookieSpec[],
  value: string,
): Promise<LegacyResult> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value))
  const state = { [LEGACY_STATE]: base64urlEncode(new Uint8Array(digest, 0, SESSION_ID_BYTES)) }
  let text: unknown
  try {
    // As the store serializes a body with extension state (`{}`: no flash messages).
    text = context.stringify([data, flash ?? {}, state])
  } catch {}
  if (typeof text !== 'string') return fail('legacy-payload')
  // A clock that gives no usable time (NaN: no number at all) refuses every session, as it does
  // ours: the old formats carry no time to fail a check, so it is checked here, before any
  // handler runs as the user and the write that needs the time throws.
  const now = context.now()
  if (!(now >= 0 && now < MAX_UINT48)) return fail('legacy-expired')
  return {
    ok: true,
    loaded: {
      created: now,
      touched: now,
      sid: randomBytes(SESSION_ID_BYTES),
      lifetime: undefined,
      data,
      flash,
      state,
      text,
    },
    // Where logout deletes them too: a copy the old app set on a longer path would otherwise
    // stay, hidden behind ours, and open the old session again once ours is gone.
    expire: atEveryPath(expire, context.request),
  }
}

/**
 * @internal
 * A reader's `forget`: of `cookies` (every cookie the old library may have set), those `header`
 * carries, at their own path and at each path the request's path lies under (the old app may
 * have set them there; at most 8).
 */
export function forgetter(cookies: readonly CookieSpec[]): LegacyReader['forget'] {
  return (header, request) =>
    atEveryPath(
      cookies.filter((spec) => readSessionCookies(header, spec.name, 1).values.length > 0),
      request,
    )
}

/** Each of `specs` at its own path and at each path `request`'s path lies under. */
function atEveryPath(specs: readonly CookieSpec[], request: Request | undefined): CookieSpec[] {
  const paths = pathsOf(request)
  const out: CookieSpec[] = []
  for (const spec of specs) {
    out.push(spec)
    for (const path of paths) if (path !== spec.parts.path) out.push(atPath(spec, path))
  }
  return out
}

const MAX_PATHS = 8

/** `/a/b/c` → `/a`, `/a/b`, `/a/b/c`: the paths a cookie sent with this request may have. */
function pathsOf(request: Request | undefined): string[] {
  if (request === undefined) return []
  const segments = new URL(request.url).pathname.split('/').slice(1, MAX_PATHS + 1)
  const out: string[] = []
  let path = ''
  for (const segment of segments) {
    if (segment === '') break
    path += `/${segment}`
    // Only paths the cookie serializer would accept (no ";" or controls).
    if (/^\/[\x20-\x3a\x3c-\x7e]*$/.test(path)) out.push(path)
  }
  return out
}

/** `spec` with another `Path`. */
function atPath(spec: CookieSpec, path: string): CookieSpec {
  const attributes = spec.attributes.replace(/^; Path=[^;]*/, `; Path=${path}`)
  return { ...spec, attributes, parts: { ...spec.parts, path } }
}

/** @internal A deletion of cookie `name` as `spec` sets it (an old library's chunk or `.sig`). */
export function named(spec: CookieSpec, name: string): CookieSpec {
  return { ...spec, name }
}

/** Where the old library set its cookie: a deletion must name the same path and domain. */
export interface LegacyCookieOptions {
  /**
   * The `path` the old library set the cookie with. The old cookies are deleted there and at
   * each path the request lies under (`/a`, `/a/b` for `/a/b`), which covers a longer path the
   * old app used if the request is under it.
   * @default '/'
   */
  path?: string
  /**
   * The `domain` the old library set the cookie with, if any.
   * @default undefined (the exact host)
   */
  domain?: string
  /**
   * Whether the deleting `Set-Cookie` carries `Secure`. Browsers refuse a `Secure` cookie over
   * plain `http:` (except on localhost), and require it for `__Secure-` and `__Host-` names.
   * @default the old library's default (`true` for iron-session, `false` for the others)
   */
  secure?: boolean
}

/**
 * @internal
 * A validated cookie spec for deleting `name` as the old library set it.
 * @throws {ConfigurationError} `ERR_COOKIE_OPTION` for a name, path or domain no browser keeps.
 */
export function legacySpec(name: unknown, options: LegacyCookieOptions, secure: boolean): CookieSpec {
  const { path = '/', domain } = options
  return cookieSpec({
    name: name as string,
    path,
    ...(domain === undefined ? {} : { domain }),
    secure: options.secure ?? secure,
    sameSite: 'Lax',
  })
}

/**
 * @internal The first value of cookie `name` in `header`, as the old libraries read it (first one
 * wins); none past the 4096 bytes a browser keeps, so no oversized value reaches any crypto.
 */
export function firstCookie(header: string | null, name: string): string | undefined {
  const value = readSessionCookies(header, name, 1).values[0]
  return value !== undefined && name.length + 1 + value.length <= MAX_COOKIE_BYTES ? value : undefined
}

/** @internal `decodeURIComponent` when the value holds a `%`, as the `cookie` and `cookie-es` parsers do. */
export function percentDecode(value: string): string {
  if (!value.includes('%')) return value
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

/**
 * @internal Secrets as UTF-8 bytes, checked at setup: a non-empty list of non-empty strings or
 * bytes. Bytes are copied (not `slice()`d: a Node `Buffer`'s slice shares its memory): the keys
 * are imported on the first request, and an app that wipes or reuses its buffer after setup must
 * not leave the reader verifying with what it holds then.
 */
export function secretBytes(list: unknown, what: string): Uint8Array[] {
  const ok = (s: unknown) => (typeof s === 'string' || s instanceof Uint8Array) && s.length > 0
  if (!Array.isArray(list) || list.length === 0 || !list.every(ok)) {
    throw configError('ERR_SECRET_INVALID', `${what} must be a non-empty list of non-empty strings`)
  }
  return list.map((s: string | Uint8Array) =>
    typeof s === 'string' ? new TextEncoder().encode(s) : new Uint8Array(s),
  )
}

/** @internal HMAC verify keys for `secrets`, imported once, on first use. */
export function hmacKeys(secrets: readonly Uint8Array[], hash: string): () => Promise<CryptoKey[]> {
  let keys: Promise<CryptoKey[]> | undefined
  return () => {
    keys ??= Promise.all(
      secrets.map((s) =>
        crypto.subtle.importKey('raw', s as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash }, false, [
          'verify',
        ]),
      ),
    )
    // A failed import (a runtime without SHA-1 HMAC) is retried next time, not cached.
    keys.catch(() => {
      keys = undefined
    })
    return keys
  }
}

/** @internal Whether `mac` is the HMAC of `text` under any of `keys`, tried in order (the old key list). */
export async function verifyAny(keys: readonly CryptoKey[], mac: Uint8Array, text: string): Promise<boolean> {
  const data = new TextEncoder().encode(text)
  for (const key of keys) {
    if (await crypto.subtle.verify('HMAC', key, mac as Uint8Array<ArrayBuffer>, data)) return true
  }
  return false
}

/**
 * Standard base64 (padded or not, as `atob` takes it) to bytes; `undefined` if it is not base64.
 * @internal
 */
export function base64Bytes(text: string): Uint8Array | undefined {
  let binary: string
  try {
    binary = atob(text)
  } catch {
    return undefined
  }
  const out = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
  return out
}

/** @internal A JSON object (not an array, not null), or `undefined`. */
export function jsonObject(text: string): Record<string, unknown> | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}
