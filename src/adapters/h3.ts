/**
 * h3 v2 middleware (Nuxt, Nitro): the session on `event.context`, typed through h3's own
 * `H3EventContext` interface.
 *
 * @module sealed-session/h3
 */
// The only file that knows h3, and only its types; a thin layer over the store (store.ts).

import type { H3Event, Middleware } from 'h3'
import { applyCommit } from '../core/commit.ts'
import { configError } from '../core/errors.ts'
import type { SessionOptions } from '../core/options.ts'
import { storeResolver } from '../core/resolver.ts'
import type { Session, SessionData } from '../core/session.ts'

/** Where the middleware puts the session. */
export interface SessionMiddlewareOptions {
  /**
   * The `event.context` name of this session; give each session of an app its own (and its own
   * cookie name), and declare each on `H3EventContext`.
   * @default 'session'
   */
  key?: string
}

/**
 * Session middleware for h3 v2 (and Nitro, Nuxt): loads the session into `event.context.session`
 * and, once the route has answered, commits it. A route may answer with a `Response` or with a
 * plain value (an object, a string): h3 merges the cookie into the response it makes of it. When
 * the route throws, nothing is written. Type the data by declaring it on h3's `H3EventContext`.
 *
 * @example
 * ```ts
 * import { H3, serve } from 'h3'
 * import { type Session, session } from 'sealed-session/h3'
 *
 * declare module 'h3' {
 *   interface H3EventContext { session: Session<{ count: number }> }
 * }
 *
 * const app = new H3().use(session({ secret: process.env.SESSION_SECRET! }))
 * app.get('/', (event) => {
 *   const count = (event.context.session.get('count') ?? 0) + 1
 *   event.context.session.set('count', count)
 *   return { count }
 * })
 * serve(app, { port: 3000 })
 * ```
 * @throws {ConfigurationError} on invalid options; on a request, `ERR_OPTION_INVALID` when two
 *   session middlewares share a `key`, and `ERR_COOKIE_OPTION` when their cookie names collide.
 */
export function session(
  options: SessionOptions | ((event: H3Event) => SessionOptions),
  { key = 'session' }: SessionMiddlewareOptions = {},
): Middleware {
  const storeOf = storeResolver<[H3Event]>(options)
  return async function sealedSession(event, next) {
    const store = storeOf(event)
    const s = await store.load(event.req as Request)
    const context = event.context as Record<string, unknown>
    if (context[key] !== undefined) {
      throw configError(
        'ERR_OPTION_INVALID',
        `two session middlewares set event.context.${key}; give each its own \`key\``,
      )
    }
    context[key] = s
    let value: unknown
    try {
      value = await next()
    } catch (error) {
      store.discard(s) // h3 turns it into an error response: nothing the route changed is written
      throw error
    }
    if (value instanceof Response) return store.apply(s, value)
    // A returned error, or a not-found or already-handled marker: h3 answers without our headers.
    if (value instanceof Error || typeof value === 'symbol') {
      store.discard(s)
      return value
    }
    // A plain value: h3 makes the response and merges event.res.headers into it.
    const commit = store.commit(s)
    store.discard(s)
    applyCommit(event.res.headers, await commit)
    return value
  }
}

export type { Session, SessionData, SessionOptions }
