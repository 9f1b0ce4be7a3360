// withSession: wraps any Fetch-API handler `(request, ...rest) => Response`. A thin layer over
// the store (store.ts).

import { type OptionsInput, storeResolver } from './resolver.ts'
import type { JsonValue } from './serializer.ts'
import type { FlashData, SessionData } from './session.ts'
import { respond, type SessionHandler } from './store.ts'

/**
 * Gives `handler` a session and returns a handler of the runtime's own shape
 * `(request, ...rest) => Promise<Response>`: `env` and `ctx` on Workers, `info` on Deno,
 * `server` on Bun pass through untouched.
 *
 * Options are validated here, at setup. Given as a function (to read `env` on Workers), they are
 * validated once per distinct configuration the function returns, and keys derived once.
 *
 * Type the data on the handler's `session` parameter and the runtime's arguments on theirs:
 * everything, the options function's arguments included, is inferred from those annotations.
 *
 * @example Cloudflare Workers
 * ```ts
 * import { type Session, withSession } from 'sealed-session'
 *
 * export default {
 *   fetch: withSession(
 *     async (request, session: Session<{ count: number }>, env: Env, ctx: ExecutionContext) => {
 *       session.set('count', (session.get('count') ?? 0) + 1)
 *       return new Response(`visits: ${session.get('count')}`)
 *     },
 *     (request, env) => ({ secret: env.SESSION_SECRET }),
 *   ),
 * } satisfies ExportedHandler<Env>
 * ```
 *
 * @throws {ConfigurationError} on invalid options (code `ERR_SECRET_INVALID`, `ERR_COOKIE_OPTION`, ...).
 * @throws {CookieTooLargeError} from the returned handler when the session outgrows a cookie.
 */
export function withSession<
  Data extends SessionData = Record<string, JsonValue>,
  Rest extends unknown[] = [],
  Flash extends FlashData = Record<string, unknown>,
>(
  handler: SessionHandler<Data, Rest, Flash>,
  options: OptionsInput<[Request, ...Rest]>,
): (request: Request, ...rest: Rest) => Promise<Response> {
  const storeOf = storeResolver(options)
  return async function sealedSession(request: Request, ...rest: Rest): Promise<Response> {
    return respond(
      storeOf(request, ...rest),
      handler as unknown as SessionHandler<SessionData, Rest>,
      request,
      rest,
    )
  }
}
