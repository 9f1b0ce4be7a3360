/**
 * Elysia plugin: the session in the handler's context, typed through Elysia's own inference of
 * what `resolve` returns.
 *
 * @module sealed-session/elysia
 */
// The only file that knows Elysia, and only its types; a thin layer over the store (store.ts).

import type { Elysia } from 'elysia'
import { enter } from '../core/adapter.ts'
import { applyCommit } from '../core/commit.ts'
import type { SessionOptions } from '../core/options.ts'
import { storeResolver } from '../core/resolver.ts'
import type { JsonValue } from '../core/serializer.ts'
import type { FlashData, Session, SessionData } from '../core/session.ts'

/** Where the plugin puts the session. */
export interface SessionPluginOptions<Key extends string> {
  /**
   * The context name of this session; give each session of an app its own (and its own cookie
   * name).
   * @default 'session'
   */
  key?: Key
}

/**
 * What `app.use(session(...))` adds to the app: the session in every later handler's context, as
 * a `resolve` would.
 */
export type SessionPlugin<
  Data extends SessionData = Record<string, JsonValue>,
  Flash extends FlashData = Record<string, unknown>,
  Key extends string = 'session',
> = (app: Elysia) => Elysia<'', Resolved<{ [K in Key]: Session<Data, Flash> }>>

// biome-ignore lint/complexity/noBannedTypes: Elysia's own spelling of "nothing added"
type Resolved<R> = { decorator: {}; store: {}; derive: {}; resolve: R }

/**
 * Session plugin for Elysia: `session` in every later handler's context, typed as
 * `Session<Data, Flash>`. After the handler, the session is committed: onto the `Response` it
 * returned, or through `set.headers` for any other value. When the handler throws, nothing is
 * written; nor when anything after it fails (a later `onAfterHandle` hook, the response schema,
 * a value Elysia cannot serialize): the session's headers are taken back off `set.headers`
 * before Elysia makes its error response, and the app's own `Set-Cookie` values stay. Requests
 * to a gate's endpoints (device binding) are answered before Elysia's routing. A handler that
 * also sets a cookie through Elysia's own jar (`cookie.name.value = ...`) should return a
 * `Response`: for other values Elysia's jar replaces `set.headers['set-cookie']`.
 *
 * @example
 * ```ts
 * import { Elysia } from 'elysia'
 * import { session } from 'sealed-session/elysia'
 *
 * new Elysia()
 *   .use(session<{ count: number }>({ secret: process.env.SESSION_SECRET! }))
 *   .get('/', ({ session }) => {
 *     session.set('count', (session.get('count') ?? 0) + 1)
 *     return { count: session.get('count') }
 *   })
 *   .listen(3000)
 * ```
 * @throws {ConfigurationError} on invalid options (`ERR_SECRET_INVALID`, `ERR_COOKIE_OPTION`...);
 *   on a request, `ERR_OPTION_INVALID` when two sessions share a `key`, and `ERR_COOKIE_OPTION`
 *   when their cookie names collide.
 */
export function session<
  Data extends SessionData = Record<string, JsonValue>,
  Flash extends FlashData = Record<string, unknown>,
  Key extends string = 'session',
>(
  options: SessionOptions,
  { key = 'session' as Key }: SessionPluginOptions<Key> = {},
): SessionPlugin<Data, Flash, Key> {
  const store = storeResolver<[]>(options)()
  const sessionOf = (context: object) => (context as Record<string, Session<SessionData> | undefined>)[key]
  return function sealedSession(app: Elysia) {
    const plugin = app
      .onRequest(({ request }) => store.route(request)) // a gate's endpoints, before Elysia's router
      .resolve(async (context) => {
        // enter() finds no endpoint here: onRequest answered those.
        const s = await enter(store, context.request, sessionOf(context) !== undefined, key)
        return { [key]: s } as { [K in Key]: Session<Data, Flash> }
      })
      .onAfterHandle(async (context) => {
        const s = sessionOf(context)
        if (s === undefined) return
        const { responseValue, set } = context
        if (responseValue instanceof Response) return store.apply(s, responseValue)
        // Any other value: Elysia makes the response from it and set.headers, a plain object, once
        // the rest of the route has run (later hooks, the response schema).
        const pending = store.commit(s)
        store.discard(s)
        const commit = await pending
        const policy = set.headers['cache-control']
        const headers = new Headers(policy ? { 'cache-control': policy } : {})
        if (!applyCommit(headers, commit)) return
        const added: Added = { cookies: commit.setCookie, headers: [] }
        set.headers['set-cookie'] = [set.headers['set-cookie'] ?? [], commit.setCookie].flat()
        const cacheControl = headers.get('cache-control')
        const extra =
          cacheControl === null
            ? commit.headers
            : [...commit.headers, ['cache-control', cacheControl] as const]
        for (const [name, value] of extra) {
          added.headers.push([name, value, set.headers[name]])
          set.headers[name] = value
        }
        // Each session plugin of the app (one per key) adds its own.
        const earlier = written.get(set)
        if (earlier === undefined) written.set(set, [added])
        else earlier.push(added)
      })
      // Something failed after the handler: Elysia builds its error response from set.headers,
      // which must not carry the session's write.
      .onError((context) => {
        const s = sessionOf(context)
        if (s !== undefined) store.discard(s)
        retract(context.set)
      })
      // Elysia may answer a failure without calling this onError (an app's onError ahead of it
      // answered; or, routes not compiled ahead of time, the handler had answered), but runs every
      // mapResponse hook then, with what was thrown on `error`. On success `error` is unset, or
      // Elysia's status() function when routes are not compiled ahead of time.
      .mapResponse((context) => {
        const { error } = context as { error?: unknown }
        if (error !== undefined && typeof error !== 'function') retract(context.set)
      })
    return plugin as unknown as ReturnType<SessionPlugin<Data, Flash, Key>> // Elysia's inferred type, spelled plainly
  }
}

/**
 * What the session put on `set.headers`: its `Set-Cookie` values, and each other header with the
 * value it replaced.
 */
interface Added {
  readonly cookies: readonly string[]
  readonly headers: [name: string, value: string, before: unknown][]
}
/** Per request (its `set`), until the response is made: what each session plugin added. */
const written = new WeakMap<object, Added[]>()

/**
 * Takes the session's write back off `set.headers`, leaving what the app put there. Elysia may
 * have made them a `Headers` already (it does when `set-cookie` is a list, before it serializes).
 */
function retract(set: { headers: Record<string, unknown> | Headers }): void {
  const all = written.get(set)
  if (all === undefined) return
  written.delete(set)
  const { headers } = set
  const isHeaders = headers instanceof Headers
  const get = (name: string) => (isHeaders ? headers.get(name) : headers[name])
  /** Sets a header, or removes it (`undefined`); a list is `Set-Cookie`'s. */
  const put = (name: string, value: unknown) => {
    if (!isHeaders) {
      if (value === undefined || (Array.isArray(value) && value.length === 0)) delete headers[name]
      else headers[name] = value
      return
    }
    headers.delete(name)
    for (const one of value === undefined ? [] : [value].flat()) headers.append(name, String(one))
  }
  const cookies: unknown[] = isHeaders ? headers.getSetCookie() : [headers['set-cookie'] ?? []].flat()
  for (const cookie of all.flatMap((added) => added.cookies)) {
    const at = cookies.indexOf(cookie)
    if (at !== -1) cookies.splice(at, 1)
  }
  put('set-cookie', cookies)
  // The last write first, so each header goes back to what it was before the first.
  for (const [name, value, before] of all.flatMap((added) => added.headers).reverse()) {
    if (get(name) === value) put(name, before) // unless the app set it since
  }
}

export type { Session, SessionData, SessionOptions }
