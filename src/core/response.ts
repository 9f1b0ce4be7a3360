// Putting a session's Set-Cookie values on a Response: shared by the store, withSession and every
// adapter that has a Response to hand.

/**
 * What a session needs written: `explicit` when the app changed it, not for a renewal or re-key.
 * @internal
 */
export interface Commit {
  readonly cookies: string[]
  readonly explicit: boolean
}

/** @internal */
export const NOTHING: Commit = Object.freeze({ cookies: [], explicit: false }) as Commit

/** @internal A handler must answer with a `Response`, changed session or not. */
export function assertResponse(value: unknown): asserts value is Response {
  if (!(value instanceof Response)) {
    throw new TypeError(
      `sealed-session: the handler must return a Response; got ${value === null ? null : typeof value}`,
    )
  }
}

// `public` or `s-maxage` (RFC 9111 sections 5.2.2.9 and 5.2.2.10) let a shared cache store the
// response and hand it, Set-Cookie and all, to other users.
const SHARED_CACHEABLE = /(?:^|,)\s*(?:public|s-maxage\s*=)/i

/**
 * @internal
 * Appends `Set-Cookie` values (never replacing the app's own) and marks the response
 * `Cache-Control: private` unless the app chose a policy. A response with immutable headers, such
 * as a `fetch()` result, is re-wrapped first.
 *
 * On a response the app made shared-cacheable (`public`, `s-maxage`), an implicit re-seal (rolling
 * renewal, a key rotation) is not attached at all: a later request renews. A change the app made
 * itself is attached, and the response made `private`.
 */
export function applySetCookies(response: Response, { cookies, explicit }: Commit): Response {
  if (cookies.length === 0) return response
  const cacheControl = response.headers.get('cache-control')
  const shared = cacheControl !== null && SHARED_CACHEABLE.test(cacheControl)
  if (shared && !explicit) return response
  let res = response
  try {
    res.headers.append('set-cookie', cookies[0]!)
  } catch {
    // A network error (Response.error(), status 0) or a 101 upgrade cannot be re-created; it
    // cannot carry a cookie either, so it goes out as it is and the browser keeps its cookie.
    if (response.status < 200 || response.status > 599) return response
    res = new Response(response.body, response)
    res.headers.append('set-cookie', cookies[0]!)
  }
  for (let i = 1; i < cookies.length; i++) res.headers.append('set-cookie', cookies[i]!)
  // A shared cache must never hand one user's session cookie to another.
  if (cacheControl === null || shared) res.headers.set('cache-control', 'private')
  return res
}
