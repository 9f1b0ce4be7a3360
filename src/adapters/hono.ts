/**
 * Hono middleware: the session on `c.var`, typed through Hono's `Env` generics.
 *
 * @module sealed-session/hono
 */
// The only file that knows Hono; a thin layer over the store (store.ts).

import type { Context, Env, MiddlewareHandler } from 'hono'
import { enter } from '../core/adapter.ts'
import { applyToResponse, type SessionCommit } from '../core/commit.ts'
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
 * too), nothing is written; nor when a middleware registered before this one throws after
 * `next()`: the session's `Set-Cookie` is taken back off the response Hono makes its error
 * response from, the app's own cookies kept. Requests to a gate's endpoints (device binding's
 * register and refresh) are answered by the middleware, before the app's routes.
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
    const pending = store.commit(s)
    store.discard(s)
    const commit = await pending
    const policy = c.res.headers.get('cache-control')
    const res = applyToResponse(c.res, commit)
    // Re-wrapped (immutable headers): hand Hono the new response. Clearing first stops Hono's
    // setter from merging the old headers back over ours.
    if (res !== c.res) {
      c.res = undefined
      c.res = res
    }
    if (commit.setCookie.length > 0 || commit.headers.length > 0) {
      const written: Written = { commit, policy: [policy, res.headers.get('cache-control')] }
      whenFailed(c, () => retract(c, written))
    }
  }
}

/** A commit on a response, and its `Cache-Control` before and after. */
interface Written {
  readonly commit: SessionCommit
  readonly policy: readonly [before: string | null, after: string | null]
}

/** Per request: the commits to take back off the response if it turns into an error response. */
const failing = new WeakMap<Context, (() => void)[]>()

/**
 * Runs `retract` when Hono records an error on `c`: a middleware registered before this one
 * threw after `next()`. Hono sets `c.error` and then builds its error response (the app's
 * `onError`, or its own) from `c.res`'s headers, which carry the session's write by then.
 */
function whenFailed(c: Context, retract: () => void): void {
  const pending = failing.get(c)
  if (pending !== undefined) {
    pending.push(retract)
    return
  }
  const retractions = [retract]
  failing.set(c, retractions)
  let error = c.error
  Object.defineProperty(c, 'error', {
    configurable: true,
    enumerable: true,
    get: () => error,
    set(value: Error | undefined) {
      error = value
      if (value !== undefined) for (const f of retractions.splice(0)) f()
    },
  })
}

/** Takes a commit's cookies and headers off `c.res`, leaving the app's own. */
function retract(c: Context, { commit, policy: [before, after] }: Written): void {
  const { headers } = c.res
  try {
    const cookies = headers.getSetCookie()
    for (const cookie of commit.setCookie) {
      const at = cookies.indexOf(cookie)
      if (at !== -1) cookies.splice(at, 1)
    }
    headers.delete('set-cookie')
    for (const cookie of cookies) headers.append('set-cookie', cookie)
    for (const [name, value] of commit.headers) if (headers.get(name) === value) headers.delete(name)
    if (after !== before && headers.get('cache-control') === after) {
      if (before === null) headers.delete('cache-control')
      else headers.set('cache-control', before)
    }
  } catch {
    // Immutable headers: a fetch() result that a middleware put in place of this response; it
    // does not carry the session's write.
  }
}
