// The cookie wire format: reading our cookie from `Cookie` headers and writing `Set-Cookie`.
// Parsing is lenient (other cookies are skipped, never decoded); serializing is strict, and every
// option is checked once, at setup, so the per-request path only concatenates strings.

import { checkKeys, configError, shown } from './errors.ts'
import { MAX_AGE_CAP_SECONDS, MAX_CHUNK_INDEX } from './sizes.ts'

/** The cookie's `SameSite` attribute (RFC 6265bis section 4.1.2.7). */
export type SameSite = 'Strict' | 'Lax' | 'None'
/** The cookie's `Priority` attribute (Chromium only). */
export type Priority = 'Low' | 'Medium' | 'High'

/** Attributes of the session cookie. Secure, HttpOnly and SameSite=Lax by default. */
export interface CookieOptions {
  /**
   * Cookie name; an RFC 9110 token. Prefer `__Host-session` on HTTPS origins.
   * @default 'session'
   */
  name?: string
  /**
   * The `Path` attribute; starts with `/`.
   * @default '/'
   */
  path?: string
  /**
   * The `Domain` attribute. Omitted by default, which limits the cookie to the exact host
   * (safest).
   * @default undefined
   */
  domain?: string
  /**
   * `HttpOnly`: scripts cannot read the cookie.
   * @default true
   */
  httpOnly?: boolean
  /**
   * `Secure`. Browsers treat `http://localhost` as secure, so this works in development.
   * @default true
   */
  secure?: boolean
  /**
   * The `SameSite` attribute; case-insensitive on input.
   * @default 'Lax'
   */
  sameSite?: SameSite | Lowercase<SameSite>
  /**
   * CHIPS partitioned cookie; requires `secure`.
   * @default false
   */
  partitioned?: boolean
  /**
   * Chromium's `Priority` attribute; case-insensitive on input. Omitted by default.
   * @default undefined
   */
  priority?: Priority | Lowercase<Priority>
  /**
   * Write no `Max-Age`, so the browser forgets the cookie when it closes. The sealed expiry
   * still applies on the server.
   * @default false
   */
  sessionCookie?: boolean
}

/**
 * A cookie's attributes, as a commit gives them to frameworks with a cookies API (Next.js,
 * SvelteKit, Astro, h3, Elysia). `maxAge` is absent for a browser-session cookie; 0 deletes.
 */
export interface CookieAttributes {
  /** `Max-Age` in seconds; absent for a browser-session cookie, 0 to delete. */
  readonly maxAge?: number
  /** `Path`. */
  readonly path: string
  /** `Domain`; absent for a host-only cookie. */
  readonly domain?: string
  /** `HttpOnly`. */
  readonly httpOnly: boolean
  /** `Secure`. */
  readonly secure: boolean
  /** `SameSite`. */
  readonly sameSite: SameSite
  /** `Partitioned` (CHIPS). */
  readonly partitioned?: boolean
  /** `Priority` (Chromium). */
  readonly priority?: Priority
}

/** @internal A validated cookie configuration with its attribute string prebuilt. */
export interface CookieSpec {
  readonly name: string
  readonly sessionCookie: boolean
  /** `; Path=/; HttpOnly; ...`, everything after `name=value` and `Max-Age`. */
  readonly attributes: string
  /** The same attributes, as an object (without `maxAge`). */
  readonly parts: CookieAttributes
}

// RFC 9110 section 5.6.2: token = 1*tchar, letters, digits and !#$%&'*+-.^_`|~ (\w is [A-Za-z0-9_]).
const TOKEN = /^[\w!#$%&'*+.^`|~-]+$/
// RFC 6265bis section 5.6: av-octets exclude CTLs and ';'. A path must also start with '/'.
const PATH = /^\/[\x20-\x3a\x3c-\x7e]*$/
// A host name: labels of letters (either case: the `i` flag), digits and hyphens, an optional
// leading dot.
const DOMAIN = /^\.?[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?(?:\.[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?)*$/i

function bad(message: string): never {
  throw configError('ERR_COOKIE_OPTION', message)
}

function pick<T extends string>(value: unknown, allowed: readonly T[], what: string): T {
  const found = allowed.find((a) => typeof value === 'string' && a.toLowerCase() === value.toLowerCase())
  return found ?? bad(`cookie ${what} must be one of ${allowed}; got ${shown(value)}`)
}

/** Validates cookie options at setup; throws `ERR_COOKIE_OPTION` with the rule that was broken. */
/** @internal Every cookie option's name. */
export const COOKIE_KEYS = [
  'name',
  'path',
  'domain',
  'httpOnly',
  'secure',
  'sameSite',
  'partitioned',
  'priority',
  'sessionCookie',
] as const satisfies readonly (keyof CookieOptions)[]

/** @internal */
export function cookieSpec(options: CookieOptions = {}): CookieSpec {
  if (typeof options !== 'object' || options === null) bad('cookie must be an object')
  checkKeys(options, COOKIE_KEYS, 'cookie.')
  const {
    name = 'session',
    path = '/',
    domain,
    httpOnly = true,
    secure = true,
    partitioned = false,
    sessionCookie = false,
  } = options
  if (typeof name !== 'string' || !TOKEN.test(name)) {
    bad(`cookie name ${shown(name)} is not an RFC 9110 token`)
  }
  if (typeof path !== 'string' || !PATH.test(path)) {
    bad(`cookie path ${shown(path)} must start with / and hold no ; or controls`)
  }
  if (domain !== undefined && (typeof domain !== 'string' || domain.length > 253 || !DOMAIN.test(domain))) {
    bad(`cookie domain ${shown(domain)} is not a host name`)
  }
  // A string from an environment variable ('false') would read as true: only booleans.
  for (const [key, value] of Object.entries({ httpOnly, secure, partitioned, sessionCookie })) {
    if (typeof value !== 'boolean') bad(`cookie.${key} must be true or false; got ${shown(value)}`)
  }
  const sameSite = pick(options.sameSite ?? 'Lax', ['Strict', 'Lax', 'None'] as const, 'sameSite')
  const priority =
    options.priority === undefined
      ? undefined
      : pick(options.priority, ['Low', 'Medium', 'High'] as const, 'priority')

  // RFC 6265bis section 4.1.3: cookie name prefixes.
  const lower = name.toLowerCase()
  if (lower.startsWith('__secure-') && !secure) bad('a __Secure- cookie requires secure: true')
  if (lower.startsWith('__host-') && (!secure || path !== '/' || domain !== undefined)) {
    bad("a __Host- cookie requires secure: true, path '/' and no domain")
  }
  // RFC 6265bis section 5.6.7 and CHIPS: SameSite=None and Partitioned are refused without Secure.
  if (sameSite === 'None' && !secure) bad('sameSite: None requires secure: true')
  if (partitioned && !secure) bad('partitioned requires secure: true')

  const parts: CookieAttributes = Object.freeze({
    path,
    ...(domain === undefined ? {} : { domain }),
    httpOnly,
    secure,
    sameSite,
    ...(partitioned ? { partitioned: true } : {}),
    ...(priority ? { priority } : {}),
  })
  // The same attributes as `Set-Cookie` spells them, in this order: `; Path=/; HttpOnly; ...`.
  let attributes = ''
  for (const [key, value] of Object.entries(parts)) {
    const spelled = key[0]!.toUpperCase() + key.slice(1)
    if (value !== false) attributes += value === true ? `; ${spelled}` : `; ${spelled}=${value}`
  }
  return { name, sessionCookie, attributes, parts }
}

/**
 * @internal
 * `Set-Cookie` for `value`, living `maxAge` seconds (`undefined`: a browser-session cookie).
 * The value must be cookie-octets (our tokens are base64url and dots). `name` defaults to the
 * configured one; chunk cookies pass their own.
 */
export function serializeCookie(
  spec: CookieSpec,
  value: string,
  maxAge: number | undefined,
  name: string = spec.name,
): string {
  const age =
    maxAge === undefined ? '' : `; Max-Age=${Math.min(Math.max(0, Math.floor(maxAge)), MAX_AGE_CAP_SECONDS)}`
  return `${name}=${value}${age}${spec.attributes}`
}

/**
 * `Set-Cookie` that deletes the cookie, with the same Path/Domain/Secure/Partitioned it was set with.
 * @internal
 */
export function expireCookie(spec: CookieSpec, name: string = spec.name): string {
  return `${name}=; Max-Age=0${spec.attributes}`
}

/** @internal What a `Cookie` header holds under our name. */
export interface SessionCookies {
  /** Values of `name`, in order, at most `limit` of them. */
  readonly values: string[]
  /**
   * `chunks[i - 1]`: values of chunk cookie `name.i`, at most 2 of them (one is all a valid
   * session has, so a second only needs to be seen). `undefined` when there are none.
   */
  readonly chunks: string[][] | undefined
}

/**
 * @internal
 * Our cookie `name` and its chunk cookies `name.1` to `name.9`, in one pass.
 *
 * Pairs are split on ';' only (RFC 6265bis section 5.4). A cookie value may contain ',' and
 * browsers send it unchanged, so splitting on ',' would let anyone who can set any cookie for the
 * site smuggle `prefs=x,__Host-session=<token>` past the prefix rules. Several `Cookie` header
 * lines (HTTP/2 crumbs) must reach us joined with "; " (RFC 9113 section 8.2.3), as HTTP/2
 * servers do. Other cookies are never decoded, so odd characters or
 * broken %-encoding in them cannot throw. Linear in the header.
 */
export function readSessionCookies(header: string | null, name: string, limit: number): SessionCookies {
  const values: string[] = []
  let chunks: string[][] | undefined
  if (!header) return { values, chunks }
  const n = header.length
  let start = 0
  while (start < n) {
    // indexOf is much faster than a loop over characters on the long values of chunked sessions.
    let end = header.indexOf(';', start)
    if (end === -1) end = n
    let i = start
    while (i < end && (header.charCodeAt(i) === 32 || header.charCodeAt(i) === 9)) i++
    if (header.startsWith(name, i)) {
      let eq = i + name.length
      let list: string[] | undefined = values.length < limit ? values : undefined
      // `name.<digit>` followed by `=`: a chunk cookie.
      const digit = header.charCodeAt(eq + 1) - 48
      if (header.charCodeAt(eq) === 46 /* . */ && digit >= 1 && digit <= MAX_CHUNK_INDEX) {
        eq += 2
        chunks ??= Array.from({ length: MAX_CHUNK_INDEX }, () => [])
        list = chunks[digit - 1]!.length < 2 ? chunks[digit - 1] : undefined
      }
      while (eq < end && header.charCodeAt(eq) === 32) eq++
      if (list && header.charCodeAt(eq) === 61 /* = */ && eq < end)
        list.push(header.slice(eq + 1, end).trim())
    }
    start = end + 1
  }
  return { values, chunks }
}
