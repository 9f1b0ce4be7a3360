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
 * written. Requests to a gate's endpoints (device binding) are answered before Elysia's routing. A handler that also sets a cookie through Elysia's own jar (`cookie.name.value = ...`)
 * should return a `Response`: for other values Elysia's jar replaces `set.headers['set-cookie']`.
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
    return app
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
        // Any other value: Elysia makes the response from it and set.headers, a plain object.
        const pending = store.commit(s)
        store.discard(s)
        const commit = await pending
        const policy = set.headers['cache-control']
        const headers = new Headers(policy ? { 'cache-control': policy } : {})
        if (!applyCommit(headers, commit)) return
        set.headers['set-cookie'] = [set.headers['set-cookie'] ?? [], commit.setCookie].flat()
        for (const [name, value] of commit.headers) set.headers[name] = value
        const cacheControl = headers.get('cache-control')
        if (cacheControl !== null) set.headers['cache-control'] = cacheControl
      })
      .onError((context) => {
        const s = sessionOf(context)
        if (s !== undefined) store.discard(s)
      }) as unknown as ReturnType<SessionPlugin<Data, Flash, Key>> // Elysia's inferred type, spelled plainly
  }
}

export type { Session, SessionData, SessionOptions }
