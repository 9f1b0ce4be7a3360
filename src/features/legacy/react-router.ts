/**
 * Reads React Router (and Remix) signed cookie sessions, `createCookieSessionStorage` with
 * `secrets`, so moving to sealed-session logs nobody out: pass `reactRouter({ name, secrets })`
 * in the `legacy` option. A request with a valid React Router session cookie (and no session of
 * ours) opens it with React Router's own checks, and the response re-seals the data in this
 * library's format and deletes the old cookie. Flash messages (`session.flash()`) carry over.
 * WebCrypto only: HMAC-SHA-256 through `crypto.subtle`, as React Router itself does.
 *
 * @example
 * ```ts
 * import { createSessionStore } from 'sealed-session'
 * import { reactRouter } from 'sealed-session/legacy/react-router'
 *
 * const store = createSessionStore({
 *   secret: process.env.SESSION_SECRET!,
 *   legacy: [reactRouter({ name: '__session', secrets: [process.env.OLD_SECRET!] })],
 * })
 * ```
 *
 * @module sealed-session/legacy/react-router
 */

// The format, from react-router 7 and 8 (lib/server-runtime/cookies.ts and crypto.ts):
//   <name>=encodeURIComponent(<btoa(UTF-8 of JSON.stringify(session.data))>.<b64 HMAC-SHA-256>)
// The MAC is over the base64 text before the last '.', with each secret in turn; its base64 has
// its '=' padding stripped. Flash messages are data keys named `__flash_<key>__`. React Router
// keeps no time in the cookie: its `maxAge` is the browser's only.

import { utf8Decode } from '../../core/encoding.ts'
import { EXTENSION } from '../../core/extensions.ts'
import { legacyRunner } from '../../core/legacy.ts'
import { fail } from '../../core/result.ts'
import {
  base64Bytes,
  firstCookie,
  forgetter,
  hmacKeys,
  jsonObject,
  type LegacyCookieOptions,
  type LegacyReader,
  legacySpec,
  opened,
  percentDecode,
  secretBytes,
  verifyAny,
} from './reader.ts'

/** React Router's cookie options, as the reader needs them. */
export interface ReactRouterOptions extends LegacyCookieOptions {
  /**
   * The cookie's name (`createCookie(name)`, or `cookie.name` of `createCookieSessionStorage`).
   * @default '__session'
   */
  name?: string
  /**
   * The cookie's `secrets`, in the same order; any of them verifies, as in React Router.
   * Unsigned React Router cookies cannot be read: anyone could have written them.
   */
  secrets: readonly string[]
}

const FLASH = /^__flash_([\s\S]*)__$/

/**
 * A reader for React Router cookie sessions, for the `legacy` option.
 *
 * Checked as React Router checks: the HMAC-SHA-256 after the last `.` must verify under one of
 * `secrets`; the rest must be base64 of UTF-8 JSON. There is no server-side expiry in that
 * format. Data keys `__flash_<key>__` become flash messages, read with `session.flash(key)`.
 *
 * @example
 * ```ts
 * legacy: [reactRouter({ name: '__session', secrets: ['new secret', 'old secret'] })]
 * ```
 * @throws {ConfigurationError} `ERR_SECRET_INVALID` without secrets; `ERR_COOKIE_OPTION` for a
 *   name, path or domain no browser keeps.
 */
export function reactRouter(options: ReactRouterOptions): LegacyReader {
  const { name = '__session', secrets } = options ?? ({} as ReactRouterOptions)
  const spec = legacySpec(name, options, false)
  const verifiers = hmacKeys(secretBytes(secrets, 'reactRouter: secrets'), 'SHA-256')
  const expire = [spec]

  return {
    [EXTENSION]: 'legacy',
    runner: legacyRunner,
    forget: forgetter(expire),
    async read(header, context) {
      const cookie = firstCookie(header, name)
      // React Router's own deletion writes an empty value: no session.
      if (!cookie) return undefined
      const signed = percentDecode(cookie)
      const dot = signed.lastIndexOf('.')
      if (dot === -1) return fail('legacy-malformed')
      const value = signed.slice(0, dot)
      const mac = base64Bytes(signed.slice(dot + 1))
      if (mac === undefined || !(await verifyAny(await verifiers(), mac, value)))
        return fail('legacy-tampered')
      const bytes = base64Bytes(value)
      const text = bytes && utf8Decode(bytes)
      const all = text === undefined ? undefined : jsonObject(text)
      if (all === undefined) return fail('legacy-payload')
      const data: Record<string, unknown> = {}
      let flash: Record<string, unknown> | undefined
      for (const [key, item] of Object.entries(all)) {
        const match = FLASH.exec(key)
        // defineProperty: a `__proto__` key stays an ordinary key, as JSON.parse made it.
        const [target, name] = match ? [(flash ??= {}), match[1]!] : [data, key]
        Object.defineProperty(target, name, {
          value: item,
          enumerable: true,
          configurable: true,
          writable: true,
        })
      }
      return opened(context, data, flash, expire, value)
    },
  }
}
