/**
 * Reads iron-session (`@hapi/iron`, `iron-webcrypto`) `Fe26.2` seals, so moving to sealed-session
 * logs nobody out: pass `iron({ cookieName, password })` in the `legacy` option. A request with
 * a valid iron-session cookie (and no session of ours) opens it with iron's own checks, and the
 * response re-seals the data in this library's format and deletes the old cookie(s).
 * WebCrypto only: PBKDF2-SHA-1, HMAC-SHA-256 and AES-256-CBC through `crypto.subtle`.
 *
 * @example
 * ```ts
 * import { withSession } from 'sealed-session'
 * import { iron } from 'sealed-session/legacy/iron'
 *
 * const handler = withSession(app, {
 *   secret: process.env.SESSION_SECRET!,
 *   legacy: [iron({ cookieName: 'myapp', password: process.env.IRON_PASSWORD! })],
 * })
 * ```
 *
 * @module sealed-session/legacy/iron
 */

// The format (iron-webcrypto 2, @hapi/iron 7), as iron-session 8 and 9 write it:
//   Fe26.2*<password id>*<enc salt>*<b64u iv>*<b64u AES-256-CBC(JSON)>*<expiry ms>*<mac salt>*<b64u mac>
// then `~2` (iron-session's version marker, outside the MAC, ignored). Each key is PBKDF2-SHA-1
// of the password with the salt's text, 1 iteration, 256 bits; the MAC is HMAC-SHA-256 over
// everything before the seventh `*`. An expiry, when present, must be a positive integer; the
// seal is refused once `expiry <= now - 60 s` (iron's default timestampSkewSec). A seal
// iron-session wrote too big for one cookie is split into `<name>.0` to `<name>.3`.

import type { CookieSpec } from '../../core/cookie.ts'
import { base64urlDecode } from '../../core/encoding.ts'
import { configError } from '../../core/errors.ts'
import { EXTENSION, type LegacyResult, type ReaderContext } from '../../core/extensions.ts'
import { legacyRunner } from '../../core/legacy.ts'
import { fail } from '../../core/result.ts'
import {
  firstCookie,
  forgetter,
  jsonObject,
  type LegacyCookieOptions,
  type LegacyReader,
  legacySpec,
  named,
  opened,
  percentDecode,
} from './reader.ts'

/** iron-session's options, as the reader needs them. */
export interface IronOptions extends LegacyCookieOptions {
  /** iron-session's `cookieName`. */
  cookieName: string
  /**
   * iron-session's `password`: one password (read as id `1`, as iron-session seals it), or the
   * map of ids to passwords used for rotation, `{ 2: 'new...', 1: 'old...' }`. A seal opens
   * only with the password its id names. Each at least 32 characters.
   */
  password: string | Readonly<Record<string | number, string>>
}

/** iron's default `timestampSkewSec`: a seal is still accepted this long after its expiry. */
const SKEW_MS = 60_000
/** iron-session's cap on chunk cookies, `<name>.0` to `<name>.3`. */
const MAX_CHUNKS = 4

/**
 * A reader for iron-session cookies, for the `legacy` option.
 *
 * Checked as iron checks: the `Fe26.2` prefix, a configured password for the seal's id, the
 * HMAC-SHA-256 over the seal, and its expiry (with iron's 60 s skew); the data must be a JSON
 * object. `ttl` is not needed: every seal carries its own expiry.
 *
 * @example
 * ```ts
 * legacy: [iron({ cookieName: 'myapp', password: { 2: process.env.NEW!, 1: process.env.OLD! } })]
 * ```
 * @throws {ConfigurationError} `ERR_SECRET_INVALID` for a password under 32 characters or a
 *   non-integer id; `ERR_COOKIE_OPTION` for a name, path or domain no browser keeps.
 */
export function iron(options: IronOptions): LegacyReader {
  const { cookieName, password } = options ?? ({} as IronOptions)
  const spec = legacySpec(cookieName, options, true)
  const passwords = new Map<string, Promise<CryptoKey> | string>()
  const map = typeof password === 'string' ? { 1: password } : password
  const entries = typeof map === 'object' && map !== null ? Object.entries(map) : []
  if (entries.length === 0) throw secretError('password must be a string or a map of ids to passwords')
  for (const [id, secret] of entries) {
    if (!/^\d+$/.test(id)) throw secretError(`password ids must be integers; got ${JSON.stringify(id)}`)
    if (typeof secret !== 'string' || secret.length < 32)
      throw secretError('passwords must be 32 characters or more')
    passwords.set(id, secret)
  }

  /** The PBKDF2 base key of password `id`, imported once. */
  function baseKey(id: string): Promise<CryptoKey> | undefined {
    const found = passwords.get(id)
    if (typeof found !== 'string') return found
    const key = crypto.subtle.importKey('raw', new TextEncoder().encode(found), 'PBKDF2', false, [
      'deriveKey',
    ])
    passwords.set(id, key)
    return key
  }

  return {
    [EXTENSION]: 'legacy',
    runner: legacyRunner,
    forget: forgetter([
      spec,
      ...Array.from({ length: MAX_CHUNKS }, (_, i) => named(spec, `${cookieName}.${i}`)),
    ]),
    read: (header, context) => readIron(header, context, cookieName, spec, baseKey),
  }
}

/** Opens iron-session's cookie (whole, or in chunks) in `header`, as iron-session checks it. */
async function readIron(
  header: string | null,
  context: ReaderContext,
  cookieName: string,
  spec: CookieSpec,
  baseKey: (id: string) => Promise<CryptoKey> | undefined,
): Promise<LegacyResult | undefined> {
  const now = context.now()
  const cookie = (name: string) => percentDecode(firstCookie(header, name) ?? '')
  // As iron-session reads it: the whole cookie, or else the chunks up to the first gap.
  let value = cookie(cookieName)
  const present = [cookieName]
  if (!value) {
    present.length = 0
    for (let i = 0; i < MAX_CHUNKS; i++) {
      const piece = cookie(`${cookieName}.${i}`)
      if (!piece) break
      value += piece
      present.push(`${cookieName}.${i}`)
    }
  }
  if (!value) return undefined
  const tilde = value.indexOf('~')
  const parts = (tilde === -1 ? value : value.slice(0, tilde)).split('*')
  if (parts.length !== 8) return fail('legacy-malformed')
  const [prefix, id, encSalt, ivText, cipherText, expiry, macSalt, macText] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ]
  if (prefix !== 'Fe26.2') return fail('legacy-malformed')
  if (expiry) {
    if (!/^[1-9]\d*$/.test(expiry)) return fail('legacy-malformed')
    if (!(Number(expiry) > now - SKEW_MS)) return fail('legacy-expired')
  }
  // iron looks up an empty id as "default", which iron-session's numeric ids never are.
  const base = baseKey(id || 'default')
  const mac = base64urlDecode(macText)
  if (base === undefined || mac === undefined) return fail('legacy-tampered')
  const macKey = await derive(await base, macSalt, { name: 'HMAC', hash: 'SHA-256', length: 256 }, 'verify')
  const signed = new TextEncoder().encode(parts.slice(0, 6).join('*'))
  if (!(await crypto.subtle.verify('HMAC', macKey, mac, signed))) {
    return fail('legacy-tampered')
  }
  const iv = base64urlDecode(ivText)
  const cipher = base64urlDecode(cipherText)
  if (iv === undefined || cipher === undefined || iv.length !== 16) return fail('legacy-payload')
  let text: string | undefined
  try {
    const key = await derive(await base, encSalt, { name: 'AES-CBC', length: 256 }, 'decrypt')
    // iron decodes as TextDecoder does by default, replacing invalid UTF-8.
    text = new TextDecoder().decode(await crypto.subtle.decrypt({ name: 'AES-CBC', iv }, key, cipher))
  } catch {}
  const data = text === undefined ? undefined : jsonObject(text)
  if (data === undefined) return fail('legacy-payload')
  return opened(
    context,
    data,
    undefined,
    present.map((n) => named(spec, n)),
    // The id comes from the authenticated seal alone: the `~` suffix is not covered by the MAC.
    tilde === -1 ? value : value.slice(0, tilde),
  )
}

/** iron's key: PBKDF2-SHA-1 of the password with the salt's text, one iteration. */
function derive(
  base: CryptoKey,
  salt: string,
  algorithm: HmacImportParams | AesKeyAlgorithm,
  use: KeyUsage,
): Promise<CryptoKey> {
  const params = { name: 'PBKDF2', salt: new TextEncoder().encode(salt), iterations: 1, hash: 'SHA-1' }
  return crypto.subtle.deriveKey(params, base, algorithm, false, [use])
}

function secretError(message: string) {
  return configError('ERR_SECRET_INVALID', `iron: ${message}`)
}
