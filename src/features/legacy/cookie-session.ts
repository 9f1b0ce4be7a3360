/**
 * Reads Express `cookie-session` cookies, so moving to sealed-session logs nobody out: pass
 * `cookieSession({ name, keys })` in the `legacy` option. A request with a valid cookie-session
 * cookie (and no session of ours) opens it with cookie-session's own checks, and the response
 * re-seals the data in this library's format and deletes the old cookie and its `.sig`.
 * WebCrypto only: HMAC-SHA-1 through `crypto.subtle`, as keygrip computes it with `node:crypto`.
 *
 * @example
 * ```ts
 * import { withSession } from 'sealed-session'
 * import { cookieSession } from 'sealed-session/legacy/cookie-session'
 *
 * const handler = withSession(app, {
 *   secret: process.env.SESSION_SECRET!,
 *   legacy: [cookieSession({ name: 'session', keys: [process.env.OLD_KEY!] })],
 * })
 * ```
 *
 * @module sealed-session/legacy/cookie-session
 */

// The format, from cookie-session 2 (index.js), cookies 0.9 and keygrip 1.1:
//   <name>=<base64(JSON.stringify(session))>
//   <name>.sig=<keygrip digest of "<name>=<value>">
// The digest is HMAC (SHA-1 unless keygrip was given another hash) with each key in turn, in
// base64 with `/+=` mapped to `_-` and nothing: unpadded base64url. cookie-session keeps no time
// in the cookie: its `maxAge` is the browser's only, so there is no expiry to check here.

import { base64urlDecode } from '../../core/encoding.ts'
import { configError } from '../../core/errors.ts'
import { EXTENSION } from '../../core/extensions.ts'
import { legacyRunner } from '../../core/legacy.ts'
import { fail } from '../../core/result.ts'
import {
  base64Bytes,
  firstCookie,
  forgetter,
  hmacKeys,
  type LegacyCookieOptions,
  type LegacyReader,
  legacySpec,
  named,
  opened,
  secretBytes,
  verifyAny,
} from './reader.ts'

/** cookie-session's options, as the reader needs them. */
export interface CookieSessionOptions extends LegacyCookieOptions {
  /**
   * The cookie name cookie-session used (its `name` option); the signature is in `<name>.sig`.
   * @default 'session'
   */
  name?: string
  /**
   * cookie-session's `keys`, in the same order (or `[secret]` if you passed `secret`). Any of
   * them verifies a signature, as keygrip does. Unsigned cookie-session cookies (`signed:
   * false`) cannot be read: anyone could have written them.
   */
  keys: readonly (string | Uint8Array)[]
  /**
   * The hash keygrip signed with: `sha1` unless you passed cookie-session a `Keygrip` made with
   * another algorithm.
   * @default 'sha1'
   */
  algorithm?: 'sha1' | 'sha256' | 'sha512'
}

const HASHES = { sha1: 'SHA-1', sha256: 'SHA-256', sha512: 'SHA-512' } as const

// cookie-session's Session copies each key not already `in` it: its own getters and anything on
// Object.prototype are dropped, so the app never saw them.
const RESERVED = new Set(['isChanged', 'isNew', 'isPopulated', '_ctx'])

/**
 * A reader for cookies written by Express `cookie-session`, for the `legacy` option.
 *
 * Checked as cookie-session checks: the `.sig` cookie must be the keygrip HMAC of
 * `<name>=<value>` under one of `keys`; the value must be base64 JSON. There is no server-side
 * expiry in that format.
 *
 * @example
 * ```ts
 * legacy: [cookieSession({ name: 'session', keys: ['new key', 'old key'] })]
 * ```
 * @throws {ConfigurationError} `ERR_SECRET_INVALID` without keys; `ERR_OPTION_INVALID` for an
 *   unknown algorithm; `ERR_COOKIE_OPTION` for a name, path or domain no browser keeps.
 */
export function cookieSession(options: CookieSessionOptions): LegacyReader {
  const { name = 'session', keys, algorithm = 'sha1' } = options ?? ({} as CookieSessionOptions)
  const spec = legacySpec(name, options, false)
  const sigName = `${name}.sig`
  const hash = HASHES[algorithm]
  if (!Object.hasOwn(HASHES, algorithm)) {
    throw configError('ERR_OPTION_INVALID', `cookieSession: algorithm must be sha1, sha256 or sha512`)
  }
  const verifiers = hmacKeys(secretBytes(keys, 'cookieSession: keys'), hash)
  const expire = [spec, named(spec, sigName)]

  return {
    [EXTENSION]: 'legacy',
    runner: legacyRunner,
    forget: forgetter(expire),
    async read(header, context) {
      let value = firstCookie(header, name)
      // cookie-session treats an empty value (its own deletion) as no session.
      if (!value) return undefined
      if (value[0] === '"') value = value.slice(1, -1)
      const sig = firstCookie(header, sigName)
      if (!sig) return fail('legacy-malformed')
      const mac = base64urlDecode(sig)
      if (mac === undefined || !(await verifyAny(await verifiers(), mac, `${name}=${value}`))) {
        return fail('legacy-tampered')
      }
      // Node's Buffer reads both base64 alphabets.
      const bytes = base64Bytes(value.replace(/-/g, '+').replace(/_/g, '/'))
      let parsed: unknown
      try {
        parsed = JSON.parse(new TextDecoder().decode(bytes))
      } catch {}
      if (bytes === undefined || typeof parsed !== 'object' || parsed === null) return fail('legacy-payload')
      const data: Record<string, unknown> = {}
      for (const key in parsed) {
        if (!(key in Object.prototype) && !RESERVED.has(key))
          data[key] = (parsed as Record<string, unknown>)[key]
      }
      return opened(context, data, undefined, expire, value)
    },
  }
}
