/**
 * Hono middleware: the session on `c.var`, typed through Hono's `Env` generics.
 *
 * @module sealed-session/hono
 */
// The only file that knows Hono; a thin layer over the store (store.ts).

import type { Context, Env, MiddlewareHandler } from 'hono'
import { enter } from '../core/adapter.ts'
import type { SessionOptions } from '../core/options.ts'
import { storeResolver } from '../core/resolver.ts'
import type { JsonValue } from '../core/serializer.ts'
import type { FlashData, Session, SessionData } from '../core/session.ts'

/**
 * Hono `Env` fragment that types the session variable: `c.var.session`, or `c.var[Key]` for a
 * named session.
 */
export type SessionEnv<
  Data extends SessionData = Record<string, JsonValue>,
  Key extends string = 'session',
  Flash extends FlashData = Record<string, unknown>,
> = {
  /** The session under its key (`c.var.session` by default). */
  Variables: { [K in Key]: Session<Data, Flash> }
}

/** Where the middleware puts the session. */
export interface SessionMiddlewareOptions<Key extends string> {
  /**
   * The `c.var` name of this session; give each session of an app its own (and its own cookie
   * name).
   * @default 'session'
   */
  key?: Key
}

/**
 * Session middleware for Hono. Options may be a function of the context, to read `c.env` on
 * Workers; it sees the app's own `Env`, so `c.env` is typed. Several sessions: one middleware
 * each, each with its own `key` and cookie name. When a handler throws (an `HTTPException`
 * too), or a middleware registered after this one throws, nothing is written. Register it before
 * middlewares that can fail after `next()`: Hono builds the error response of one registered
 * before it from the response so far, session cookie included. Requests to a gate's endpoints
 * (device binding's register and refresh) are answered by the middleware, before the app's
 * routes.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono'
 * import { session, type SessionEnv } from 'sealed-session/hono'
 *
 * type AppEnv = SessionEnv<{ count: number }> & { Bindings: { SESSION_SECRET: string } }
 * const app = new Hono<AppEnv>()
 * app.use(session((c) => ({ secret: c.env.SESSION_SECRET })))
 * app.get('/', (c) => {
 *   const count = (c.var.session.get('count') ?? 0) + 1
 *   c.var.session.set('count', count)
 *   return c.text(`visits: ${count}`)
 * })
 * ```
 * @example Two named sessions
 * ```ts
 * type AppEnv = SessionEnv<{ user: string }, 'auth'> & SessionEnv<{ theme: string }, 'prefs'>
 * const app = new Hono<AppEnv>()
 * app.use(session({ secret, cookie: { name: '__Host-auth' } }, { key: 'auth' }))
 * app.use(session({ secret, cookie: { name: 'prefs' }, mode: 'signed' }, { key: 'prefs' }))
 * app.get('/', (c) => c.text(`${c.var.auth.get('user')} likes ${c.var.prefs.get('theme')}`))
 * ```
 * @throws {ConfigurationError} on invalid options; on the first request, `ERR_OPTION_INVALID`
 *   when two session middlewares share a `key`, and `ERR_COOKIE_OPTION` when their cookie names
 *   collide.
 */
export function session<E extends Env = SessionEnv, Key extends string = 'session'>(
  options: SessionOptions | ((c: Context<E>) => SessionOptions),
  { key = 'session' as Key }: SessionMiddlewareOptions<Key> = {},
): MiddlewareHandler<E> {
  const storeOf = storeResolver<[Context<E>]>(options)
  return async function sealedSession(c, next) {
    const store = storeOf(c)
    const s = await enter(store, c.req.raw, c.get(key as never) !== undefined, `c.var.${key}`)
    if (s instanceof Response) return s // a gate's endpoint (device binding) answered
    c.set(key as never, s as never)
    await next()
    // Hono turned a thrown error into its error response: what the handler changed before
    // throwing is not written, as with withSession.
    if (c.error) {
      store.discard(s)
      return
    }
    const res = await store.apply(s, c.res)
    // Re-wrapped (immutable headers): hand Hono the new response. Clearing first stops Hono's
    // setter from merging the old headers back over ours.
    if (res !== c.res) {
      c.res = undefined
      c.res = res
    }
  }
}

export type { Session, SessionData, SessionOptions }
