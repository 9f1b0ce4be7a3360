// withSession: wraps any Fetch-API handler `(request, ...rest) => Response`.

import { resolveOptions, type SessionConfig, type SessionOptions } from './options.ts'
import {
  abandonSession,
  type Commit,
  commitSession,
  loadSession,
  type Session,
  type SessionData,
} from './session.ts'

/** A handler that receives the session after the request, then whatever the runtime passes. */
export type SessionHandler<T extends SessionData, Rest extends unknown[]> = (
  request: Request,
  session: Session<T>,
  ...rest: Rest
) => Response | Promise<Response>

/** Options, or a function of the request and the runtime's arguments that returns them. */
export type OptionsInput<Args extends unknown[]> = SessionOptions | ((...args: Args) => SessionOptions)

/**
 * Gives `handler` a session and returns a handler of the runtime's own shape
 * `(request, ...rest) => Promise<Response>`: `env` and `ctx` on Workers, `info` on Deno,
 * `server` on Bun pass through untouched.
 *
 * Options are validated here, at setup; when given as a function (to read `env` on Workers)
 * they are validated on the first request, and derived keys stay cached either way.
 *
 * @example Cloudflare Workers
 * ```ts
 * import { withSession } from 'sealed-session'
 *
 * export default {
 *   fetch: withSession<{ count: number }, [Env, ExecutionContext]>(
 *     async (request, session, env, ctx) => {
 *       session.set('count', (session.get('count') ?? 0) + 1)
 *       return new Response(`visits: ${session.get('count')}`)
 *     },
 *     (request, env) => ({ secret: env.SESSION_SECRET }),
 *   ),
 * }
 * ```
 *
 * @throws {ConfigurationError} on invalid options (code `ERR_SECRET_INVALID`, `ERR_COOKIE_OPTION`, ...).
 * @throws {CookieTooLargeError} from the returned handler when the session outgrows a cookie.
 */
export function withSession<T extends SessionData = SessionData, Rest extends unknown[] = unknown[]>(
  handler: SessionHandler<T, Rest>,
  options: OptionsInput<[Request, ...Rest]>,
): (request: Request, ...rest: Rest) => Promise<Response> {
  const resolve = configResolver(options)
  return async function sealedSession(request: Request, ...rest: Rest): Promise<Response> {
    const session = await loadSession<T>(request, resolve(request, ...rest))
    let response: unknown
    try {
      response = await handler(request, session, ...rest)
      assertResponse(response)
    } catch (error) {
      // Whatever the handler changed before failing is not written.
      abandonSession(session as Session)
      throw error
    }
    return applySetCookies(response, await commitSession(session as Session))
  }
}

/** @internal Resolves static options now, and a function's result once per distinct object. */
export function configResolver<Args extends unknown[]>(
  options: OptionsInput<Args>,
): (...args: Args) => SessionConfig {
  if (typeof options !== 'function') {
    const config = resolveOptions(options)
    return () => config
  }
  const seen = new WeakMap<SessionOptions, SessionConfig>()
  return (...args) => {
    const raw = options(...args)
    let config = typeof raw === 'object' && raw !== null ? seen.get(raw) : undefined
    if (config === undefined) {
      config = resolveOptions(raw)
      seen.set(raw, config)
    }
    return config
  }
}

/** @internal A handler must answer with a `Response`, changed session or not. */
export function assertResponse(value: unknown): asserts value is Response {
  if (!(value instanceof Response)) {
    throw new TypeError(
      `sealed-session: the handler must return a Response; got ${value === null ? 'null' : typeof value}`,
    )
  }
}

// `public` or `s-maxage` (RFC 9111 sections 5.2.2.9 and 5.2.2.10) let a shared cache store the
// response and hand it, Set-Cookie and all, to other users.
const SHARED_CACHEABLE = /(?:^|,)\s*(?:public|s-maxage\s*=)/i

/**
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
