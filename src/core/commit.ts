// The end of the pipeline: what a session needs written, as one record that every adapter reads
// (Set-Cookie lines, the same cookies as objects for frameworks with a cookies API, extra
// headers, the cache rule), and the two ways to put it on a response.

import type { CookieAttributes, CookieSpec } from './cookie.ts'
import { MAX_AGE_CAP_SECONDS } from './sizes.ts'

/** One cookie of a {@link SessionCommit}, for frameworks that set cookies through their own API. */
export interface CommitCookie {
  /** The cookie's name: the session's, a chunk's (`name.1`), an old library's or a gate's. */
  readonly name: string
  /** Empty for a deletion (`attributes.maxAge` is then 0). */
  readonly value: string
  /** Its attributes, as a cookies API takes them. */
  readonly attributes: CookieAttributes
}

/**
 * What a session needs written to the response: returned by `store.commit()`, applied by
 * `store.apply()`, {@link applyCommit} and every adapter. Empty (`setCookie` of length 0) when
 * nothing changed.
 */
export interface SessionCommit {
  /** `Set-Cookie` values, in order: append each, never replace the app's own. */
  readonly setCookie: readonly string[]
  /** The same cookies as objects, in the same order. */
  readonly cookies: readonly CommitCookie[]
  /** Other response headers to add (a device-registration challenge). */
  readonly headers: readonly (readonly [string, string])[]
  /**
   * The response carries a session cookie: shared caches must not store it
   * (`Cache-Control: private` unless the app chose a policy).
   */
  readonly private: boolean
  /**
   * Nothing the app did asked for this write: a rolling renewal or a key rotation. Left off a
   * response the app made shared-cacheable (`public`, `s-maxage`); a later request renews.
   */
  readonly implicit: boolean
}

/** @internal A cookie to write: the spec gives its attributes; `maxAge` 0 deletes it. */
export interface CookieWrite {
  readonly spec: CookieSpec
  readonly name: string
  readonly value: string
  /** Seconds; `undefined`: a browser-session cookie. */
  readonly maxAge: number | undefined
}

/** @internal The empty commit. */
export const NOTHING: SessionCommit = Object.freeze({
  setCookie: Object.freeze([]),
  cookies: Object.freeze([]),
  headers: Object.freeze([]),
  private: false,
  implicit: false,
}) as SessionCommit

/**
 * @internal
 * The record for `writes` (in order) and `headers`. A deletion of a cookie that this same commit
 * writes (same name, path and domain) is dropped: two cookie schemes in one response (ours, our
 * chunks, an old library's under the same names) never delete each other's cookies.
 */
export function commitOf(
  writes: readonly CookieWrite[],
  headers: readonly (readonly [string, string])[],
  implicit: boolean,
): SessionCommit {
  if (writes.length === 0 && headers.length === 0) return NOTHING
  // The usual write, one cookie: nothing to compare (measured: the sets cost about a microsecond
  // on workerd per write).
  if (writes.length === 1) {
    const [line, cookie] = lineOf(writes[0]!)
    return { setCookie: [line], cookies: [cookie], headers, private: true, implicit }
  }
  const setCookie: string[] = []
  const cookies: CommitCookie[] = []
  const written = new Set<string>()
  for (const w of writes) if (w.maxAge !== 0) written.add(identity(w))
  const seen = new Set<string>()
  for (const w of writes) {
    const id = identity(w)
    const key = `${w.maxAge === 0 ? 'x' : 'w'}${id}`
    if ((w.maxAge === 0 && written.has(id)) || seen.has(key)) continue
    seen.add(key)
    const [line, cookie] = lineOf(w)
    setCookie.push(line)
    cookies.push(cookie)
  }
  // A per-session header (a device-registration challenge) is no more for a shared cache.
  return { setCookie, cookies, headers, private: setCookie.length > 0 || headers.length > 0, implicit }
}

/** A write's `Set-Cookie` line and its record. */
function lineOf(w: CookieWrite): [string, CommitCookie] {
  const age =
    w.maxAge === undefined ? undefined : Math.min(Math.max(0, Math.floor(w.maxAge)), MAX_AGE_CAP_SECONDS)
  const line = `${w.name}=${w.value}${age === undefined ? '' : `; Max-Age=${age}`}${w.spec.attributes}`
  const attributes = age === undefined ? w.spec.parts : { ...w.spec.parts, maxAge: age }
  return [line, { name: w.name, value: w.value, attributes }]
}

/** Browsers key a cookie on name, domain and path. */
function identity(w: CookieWrite): string {
  return `${w.name};${w.spec.parts.domain ?? ''};${w.spec.parts.path}`
}

// RFC 9111 section 3: a shared cache may store a response that says `public`, `s-maxage` or
// `max-age` (unless `private` or `no-store`), Set-Cookie and all, and hand it to other users. CDNs
// also read headers aimed at them alone (RFC 9213 `CDN-Cache-Control`, `Surrogate-Control`).
const SHARED_CACHEABLE = /(?:^|,)\s*(?:public|s-maxage\s*=|max-age\s*=)/i
// Whole directives only: `private="x-user"` keeps only that field from shared caches, and a
// quoted `"...,no-store"` or a `private-extension` is no directive of its own.
const PRIVATE = /(?:^|,)\s*(?:private|no-store)\s*(?:,|$)/i
const CDN_HEADERS = ['cdn-cache-control', 'surrogate-control', 'cloudflare-cdn-cache-control']

/** Whether a response with these headers (its `cacheControl` read already) may be stored by a shared cache (a proxy, a CDN). */
function sharedCacheable(headers: Headers, cacheControl: string | null): boolean {
  if (cacheControl !== null && SHARED_CACHEABLE.test(cacheControl) && !PRIVATE.test(cacheControl)) return true
  return CDN_HEADERS.some((name) => headers.has(name))
}

/**
 * Adds a commit to response headers: appends each `Set-Cookie` (never replacing the app's own),
 * adds its other headers, and keeps shared caches off a response that carries them. An
 * implicit write (renewal, re-key) is left off a response the app made shared-cacheable
 * (`public`, `s-maxage`, `max-age`, or a CDN's own header); a change the app made is added, and
 * the response made `private` (its CDN headers removed). With no policy, `Cache-Control: private`
 * is set; an app's `private` or `no-store` is kept, and any other policy (`no-cache`,
 * `must-revalidate`...) is kept with `private` added.
 *
 * @example A framework that hands you its response headers
 * ```ts
 * const commit = await store.commit(session)
 * applyCommit(response.headers, commit)
 * ```
 * @returns whether anything was added.
 * @throws {TypeError} when `headers` are immutable (a `fetch()` result): use `store.apply()`.
 */
export function applyCommit(headers: Headers, commit: SessionCommit): boolean {
  const { setCookie } = commit
  if (setCookie.length === 0 && commit.headers.length === 0) return false
  // Read once: each Headers call crosses into the runtime (about 0.15 µs on workerd).
  const cacheControl = headers.get('cache-control')
  const shared = sharedCacheable(headers, cacheControl)
  if (shared && commit.implicit) return false
  for (const value of setCookie) headers.append('set-cookie', value)
  for (const [name, value] of commit.headers) headers.append(name, value)
  if (!commit.private) return true
  // A shared cache must never hand one user's session cookie to another.
  if (shared) {
    headers.set('cache-control', 'private')
    for (const name of CDN_HEADERS) headers.delete(name)
  } else if (cacheControl === null) headers.set('cache-control', 'private')
  // Any other policy lets a shared cache store the response too (`no-cache`: stored, then
  // revalidated; `Expires` or `Last-Modified`: stored and served): keep it, for the browser only.
  else if (!PRIVATE.test(cacheControl)) headers.set('cache-control', `${cacheControl}, private`)
  return true
}

/**
 * @internal
 * {@link applyCommit} on a Response: one with immutable headers (a `fetch()` result) is re-wrapped
 * first. A network error (status 0) or a 101 upgrade cannot be re-created nor carry a cookie: it
 * goes out as it is, and the browser keeps its cookie.
 */
export function applyToResponse(response: Response, commit: SessionCommit): Response {
  if (commit.setCookie.length === 0 && commit.headers.length === 0) return response
  try {
    applyCommit(response.headers, commit)
    return response
  } catch {
    if (response.status < 200 || response.status > 599) return response
    const copy = new Response(response.body, response)
    applyCommit(copy.headers, commit)
    return copy
  }
}

/** @internal A handler must answer with a `Response`, changed session or not. */
export function assertResponse(value: unknown): asserts value is Response {
  if (!(value instanceof Response)) {
    throw new TypeError(
      `sealed-session: the handler must return a Response; got ${value === null ? null : typeof value}`,
    )
  }
}
