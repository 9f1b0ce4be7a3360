/**
 * Astro middleware: the session on `context.locals`, typed through `App.Locals`. Structural
 * types only: Astro is not imported.
 *
 * @module sealed-session/astro
 */
// A thin layer over the store (store.ts).

import { enter } from '../core/adapter.ts'
import type { SessionOptions } from '../core/options.ts'
import { storeResolver } from '../core/resolver.ts'
import type { Session, SessionData } from '../core/session.ts'

/** What the middleware reads of Astro's `APIContext`; Astro's own context fits it. */
export interface AstroContext {
  /** The request. */
  request: Request
  /** `App.Locals`, where the session goes. */
  locals: object
  /** True while a page is prerendered at build time: no request cookies, no session. */
  isPrerendered?: boolean
}

/** Where the middleware puts the session. */
export interface SealedSessionOptions {
  /**
   * The `context.locals` name of this session; give each session of an app its own (and its own
   * cookie name). Not `session`, so it is never mistaken for Astro's own `Astro.session`.
   * @default 'sealedSession'
   */
  key?: string
}

/**
 * Session middleware for Astro (`src/middleware.ts`; composes with `sequence`). The session is
 * `Astro.locals.sealedSession` in pages and `context.locals.sealedSession` in endpoints: a sealed
 * cookie, unlike Astro's built-in `Astro.session`, which keeps data in a storage driver. Change
 * it in page frontmatter or in an endpoint: once the page body streams, the `Set-Cookie` header
 * has gone, and a change throws `SessionCommittedError`. When an endpoint or a page's frontmatter
 * throws, nothing it changed is written. A component that throws while the page body streams
 * comes too late for that: the status and headers, with the cookie and what the frontmatter
 * changed, are already sent, and Astro can only cut the body short. So make a change that must
 * not outlive a failure (a `regenerate()` before a refused second factor) once what can fail has
 * run: in an endpoint, or in the frontmatter after its checks; or render pages whole before they
 * are sent (`@astrojs/node`'s `experimentalDisableStreaming: true`), where a component that throws
 * fails the page before anything is written. Prerendered pages get no session. Requests to a
 * gate's endpoints (device binding) are answered here, before the app. Options may be a function
 * of the context (to read a runtime's environment).
 *
 * @example
 * ```ts
 * // src/middleware.ts (SESSION_SECRET: an `access: 'secret'` field of astro.config's env.schema)
 * import { SESSION_SECRET } from 'astro:env/server'
 * import { sealedSession } from 'sealed-session/astro'
 * export const onRequest = sealedSession({ secret: SESSION_SECRET })
 *
 * // src/env.d.ts
 * declare namespace App {
 *   interface Locals {
 *     sealedSession: import('sealed-session').Session<{ count: number }>
 *   }
 * }
 *
 * // src/pages/index.astro (frontmatter)
 * const count = (Astro.locals.sealedSession.get('count') ?? 0) + 1
 * Astro.locals.sealedSession.set('count', count)
 * ```
 * @throws {ConfigurationError} on invalid options; on a request, `ERR_OPTION_INVALID` when two
 *   session middlewares share a `key`, and `ERR_COOKIE_OPTION` when their cookie names collide.
 */
export function sealedSession<Context extends AstroContext>(
  options: SessionOptions | ((context: Context) => SessionOptions),
  { key = 'sealedSession' }: SealedSessionOptions = {},
): (context: Context, next: () => Promise<Response>) => Promise<Response> {
  const storeOf = storeResolver<[Context]>(options)
  return async function sealedSession(context, next) {
    // Built before any request exists: no cookie to read, and a Set-Cookie would go nowhere.
    if (context.isPrerendered) return next()
    const locals = context.locals as Record<string, unknown>
    const store = storeOf(context)
    const s = await enter(store, context.request, locals[key] !== undefined, `locals.${key}`)
    if (s instanceof Response) return s // a gate's endpoint (device binding) answered
    locals[key] = s
    let response: Response
    try {
      response = await next()
    } catch (error) {
      store.discard(s) // nothing the failed page changed is written, as with withSession
      throw error
    }
    // The page body may still be rendering: apply() closes the session as it takes its snapshot,
    // so a later change throws SessionCommittedError.
    return store.apply(s, response)
  }
}

export type { Session, SessionData, SessionOptions }
