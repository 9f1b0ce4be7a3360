// Hono middleware: `c.var.session`, typed through Hono's Env generics. The only file that knows Hono.

import type { Context, MiddlewareHandler } from 'hono'
import type { SessionOptions } from './options.ts'
import { abandonSession, commitSession, loadSession, type Session, type SessionData } from './session.ts'
import { applySetCookies, configResolver } from './with-session.ts'

/** Hono `Env` fragment that types `c.var.session`. */
export interface SessionEnv<T extends SessionData = SessionData> {
  Variables: { session: Session<T> }
}

/**
 * Session middleware for Hono. Options may be a function of the context, to read `c.env` on Workers.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono'
 * import { session, type SessionEnv } from 'sealed-session/hono'
 *
 * const app = new Hono<SessionEnv<{ count: number }> & { Bindings: { SESSION_SECRET: string } }>()
 * app.use(session((c) => ({ secret: c.env.SESSION_SECRET })))
 * app.get('/', (c) => {
 *   const count = (c.var.session.get('count') ?? 0) + 1
 *   c.var.session.set('count', count)
 *   return c.text(`visits: ${count}`)
 * })
 * ```
 * @throws {ConfigurationError} on invalid options.
 */
export function session<T extends SessionData = SessionData>(
  options: SessionOptions | ((c: Context) => SessionOptions),
): MiddlewareHandler<SessionEnv<T>> {
  const resolve = configResolver<[Context]>(options)
  return async function sealedSession(c, next) {
    const s = await loadSession<T>(c.req.raw, resolve(c))
    c.set('session', s)
    await next()
    // Hono turned a thrown error into its error response: what the handler changed before
    // throwing is not written, as with withSession.
    if (c.error) {
      abandonSession(s as Session)
      return
    }
    const commit = await commitSession(s as Session)
    if (commit.cookies.length === 0) return
    const res = applySetCookies(c.res, commit)
    // Re-wrapped (immutable headers): hand Hono the new response. Clearing first stops Hono's
    // setter from merging the old headers back over ours.
    if (res !== c.res) {
      c.res = undefined
      c.res = res
    }
  }
}

export type { Session, SessionData, SessionOptions }
