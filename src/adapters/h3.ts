/**
 * h3 middleware, for h3 v2 and for h3 v1 (Nuxt 4, Nitro 2): the session on `event.context`,
 * typed through h3's own `H3EventContext` interface.
 *
 * @module sealed-session/h3
 */
// The only file that knows h3, and only its types; a thin layer over the store (store.ts).

import type { H3Event } from 'h3'
import { enter } from '../core/adapter.ts'
import { applyCommit, type SessionCommit } from '../core/commit.ts'
import type { SessionOptions } from '../core/options.ts'
import { storeResolver } from '../core/resolver.ts'
import type { Session, SessionData } from '../core/session.ts'
import type { SessionStore } from '../core/store.ts'
import { savedCommit } from '../core/write.ts'

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
 * A middleware of either h3 major: h3 v2 passes `next`; h3 v1 (`app.use`, a Nitro or Nuxt
 * `server/middleware/` file) calls it with the event alone.
 */
export type SessionMiddleware = (event: H3Event, next?: () => unknown) => Promise<unknown>

/**
 * Session middleware for h3: loads the session into `event.context.session` and commits it once
 * the route has answered. Type the data by declaring it on h3's `H3EventContext`.
 *
 * - **h3 v2** (`new H3().use(...)`): a route may answer with a `Response` or a plain value (an
 *   object, a string): h3 merges the cookie into the response it makes of it. When the route
 *   throws, nothing is written. Requests to a gate's endpoints (device binding) are answered by
 *   the middleware, before the routes.
 * - **h3 v1** (Nuxt 4, Nitro 2: `export default session(...)` in `server/middleware/`, or
 *   `createApp().use(...)`): a v1 middleware runs before the route and cannot wrap it, so the
 *   session is committed when the response starts, whichever way it is sent (a returned value,
 *   `sendRedirect`, a stream). A response of status 400 or more (a route that threw, a
 *   `createError`) writes nothing. A gate's endpoints (device binding) are not served here.
 *   Behind h3's `toWebHandler` or `toPlainHandler`, or Nitro's own fetch (its Workers, Deno and
 *   edge presets), the response is read as soon as the route returns: a route that changes the
 *   session must `await event.context.session.save()` before it answers there, or the answer
 *   becomes a 500 that writes nothing.
 *
 * @example h3 v2
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
 * @example Nuxt 4 (h3 v1): server/middleware/session.ts
 * ```ts
 * import { type Session, session } from 'sealed-session/h3'
 *
 * declare module 'h3' {
 *   interface H3EventContext { session: Session<{ count: number }> }
 * }
 *
 * export default session({ secret: process.env.SESSION_SECRET! })
 * ```
 * @throws {ConfigurationError} on invalid options; on a request, `ERR_OPTION_INVALID` when two
 *   session middlewares share a `key`, and `ERR_COOKIE_OPTION` when their cookie names collide.
 */
export function session(
  options: SessionOptions | ((event: H3Event) => SessionOptions),
  { key = 'session' }: SessionMiddlewareOptions = {},
): SessionMiddleware {
  const storeOf = storeResolver<[H3Event]>(options)
  return async function sealedSession(event, next) {
    const store = storeOf(event)
    const v1 = typeof next !== 'function' ? (event as unknown as V1Event) : undefined
    const context = event.context as Record<string, unknown>
    // h3 v2's event.req is the Request; h3 v1's event.headers is the request's Headers, kept per
    // event (so a gate's endpoints are answered on h3 v2 only).
    const source = v1 ? v1.headers : (event.req as Request)
    const s = await enter(store, source, context[key] !== undefined, `event.context.${key}`)
    if (s instanceof Response) return s
    context[key] = s
    if (v1) {
      // A mock response, read as soon as the app's promise settles: nothing may wait for a seal
      // then, so an unchanged session's write (a renewal, say) is sealed now.
      const mock = '__unenv__' in v1.node.res
      if (mock) await store.commit(s)
      return commitWhenResponseStarts(v1, store, s, mock)
    }
    let value: unknown
    try {
      value = await next!()
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
    await commitTo(store, s, event.res.headers)
    return value
  }
}

/**
 * The session's commit on `headers` (the app's cache policy, if any, already on them), and the
 * session closed: what h3 then sends, or what h3 v1's Node response gets.
 */
async function commitTo(
  store: SessionStore<SessionData>,
  s: Session<SessionData>,
  headers: Headers,
): Promise<void> {
  const commit = store.commit(s)
  store.discard(s)
  applyCommit(headers, await commit)
}

/** What this file reads of an h3 v1 event: its Node-style response (real, or h3's own for web). */
interface V1Event {
  readonly headers: Headers
  /** h3 v1's "handled" flag: set, the app stops looking for a route once the response started. */
  _handled: boolean
  readonly node: { readonly res: V1Response }
}
type Sends = 'writeHead' | 'write' | 'end' | 'flushHeaders'
type V1Response = { statusCode: number } & Record<Sends, (...args: unknown[]) => unknown> & {
    getHeader(name: string): unknown
    setHeader(name: string, value: string): unknown
    appendHeader(name: string, value: string): unknown
  }
const SENDS: readonly Sends[] = ['writeHead', 'write', 'end', 'flushHeaders']

/**
 * h3 v1 has no middleware around a route, and sealing is asynchronous while Node sends headers
 * synchronously. So the first call that would send them (writeHead, write, end, flushHeaders)
 * is held, with any after it, until the session is committed onto the headers; then they run in
 * order. h3 v1 is in maintenance, and these four are Node's `ServerResponse` API.
 *
 * A `mock` response (h3's `toWebHandler` and `toPlainHandler`, Nitro's own fetch: node-mock-http)
 * is read as soon as the app's promise settles, which holding it would outrun: its commit must be
 * sealed already (at load for an unchanged session, by the route's `save()` for a change), and
 * is put on it at once; a change left unsaved makes the answer a 500, as a failed seal does.
 */
function commitWhenResponseStarts(
  event: V1Event,
  store: SessionStore<SessionData>,
  s: Session<SessionData>,
  mock: boolean,
): undefined {
  const res = event.node.res
  const original = Object.fromEntries(SENDS.map((name) => [name, res[name]])) as Pick<V1Response, Sends>
  const held: [Sends, unknown[]][] = []
  const fail = (error: unknown) => {
    // Headers are not sent yet, so the answer becomes a 500, as in h3 v2.
    console.error(error)
    held.length = 0
    held.push(['end', ['Internal Server Error']])
    res.statusCode = 500
  }
  const release = () => {
    for (const name of SENDS) res[name] = original[name]
    for (const [name, args] of held) original[name].apply(res, args)
  }
  const commitNow = async () => {
    try {
      const pending = store.commit(s)
      store.discard(s)
      putOn(res, await pending)
    } catch (error) {
      fail(error) // too large, say
    }
    release()
  }
  const start = () => {
    // An error response (a thrown 401 after regenerate(), say): nothing the route changed is written.
    if (res.statusCode >= 400) {
      store.discard(s)
      return release()
    }
    if (!mock) {
      event._handled = true
      return void commitNow()
    }
    const commit = savedCommit(s)
    store.discard(s)
    try {
      if (commit === undefined) throw new Error(UNSAVED)
      putOn(res, commit)
    } catch (error) {
      fail(error)
    }
    release()
  }
  for (const name of SENDS) {
    res[name] = (...args: unknown[]) => {
      if (held.push([name, args]) === 1) start()
      return name === 'write' ? true : res
    }
  }
  return undefined
}

const UNSAVED =
  'sealed-session/h3: h3 v1 reads this response as soon as the route returns (toWebHandler, ' +
  "toPlainHandler, Nitro's own fetch), before a seal can finish: a route that changes the session " +
  'there must `await event.context.session.save()` before it answers. Answered 500; nothing written.'

/** A commit on an h3 v1 response's headers (the app's cache policy, if any, kept in view). */
function putOn(res: V1Response, commit: SessionCommit): void {
  const policy = res.getHeader('cache-control')
  const headers = new Headers(typeof policy === 'string' ? { 'cache-control': policy } : {})
  if (!applyCommit(headers, commit)) return
  for (const cookie of headers.getSetCookie()) res.appendHeader('set-cookie', cookie)
  for (const [name, value] of headers) {
    if (name !== 'set-cookie' && name !== 'cache-control') res.appendHeader(name, value)
  }
  const cacheControl = headers.get('cache-control')
  if (cacheControl !== null && cacheControl !== policy) res.setHeader('cache-control', cacheControl)
}

export type { Session, SessionData, SessionOptions }
