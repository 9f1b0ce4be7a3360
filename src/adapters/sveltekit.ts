/**
 * SvelteKit `handle` hook: the session on `event.locals`, typed through `App.Locals`. Structural
 * types only: SvelteKit is never imported.
 *
 * @module sealed-session/sveltekit
 */
// A thin layer over the store (store.ts). Not through
// `event.cookies`: SvelteKit writes those onto the response inside `resolve()`, before the session
// is final, so its cookies are appended to the response's headers afterwards.

import { enter } from '../core/adapter.ts'
import type { SessionOptions } from '../core/options.ts'
import { storeResolver } from '../core/resolver.ts'
import type { FlashData, Session, SessionData } from '../core/session.ts'

/** What the hook reads of SvelteKit's `RequestEvent`. */
export interface RequestEventLike {
  /** The request. */
  readonly request: Request
  /** `App.Locals`, where the session goes. */
  readonly locals: object
  /** A `__data.json` request (client-side navigation). */
  readonly isDataRequest?: boolean
}

/** Where the hook puts the session. */
export interface SessionHandleOptions<Key extends string> {
  /**
   * The `event.locals` name of this session; give each session of an app its own (and its own
   * cookie name).
   * @default 'session'
   */
  key?: Key
}

/** A `handle` hook for the events whose `locals` (that is, `App.Locals`) declare the session. */
export type SessionHandle<E extends RequestEventLike, Key extends string> = <
  Event extends E & { readonly locals: { [K in Key]: Session<SessionData, FlashData> } },
>(input: {
  event: Event
  resolve: (event: Event) => Response | Promise<Response>
}) => Promise<Response>

/**
 * Session `handle` hook for SvelteKit's `src/hooks.server.ts`; compose it with others through
 * `sequence`. It loads the session from the request, puts it on `event.locals`, and writes it
 * onto whatever response `resolve(event)` gives: pages, `__data.json` (client-side navigation),
 * form actions (their 303 redirect, or the JSON `use:enhance` reads) and `+server` endpoints.
 * Session cookies are appended to the response's headers, beside those `event.cookies` set.
 *
 * An error response writes nothing: SvelteKit turns what a load, form action or endpoint throws
 * (`error(401)`, an exception) into a response with that status before `resolve()` returns (or,
 * for `__data.json`, into an error node of a 200), so such a response leaves the browser's cookie
 * as it was, whatever the request changed. So does any other response of status 400 or more (a
 * `fail()` from a form action too). A redirect (`redirect(303, ...)` after login) is written. A hook after this one that throws ends the request unwritten. Requests to a gate's
 * endpoints (device binding) are answered here, before the app. Options may be a function of the
 * event, to read `event.platform` on Cloudflare.
 *
 * @example
 * ```ts
 * // src/app.d.ts
 * import type { Session } from 'sealed-session/sveltekit'
 * declare global {
 *   namespace App {
 *     interface Locals {
 *       session: Session<{ count: number; user: string }>
 *     }
 *   }
 * }
 * export {}
 *
 * // src/env.ts: SvelteKit reads the secret when the server starts, never building it in; it
 * // also checks a required variable while it builds, so a build without the secret needs an
 * // optional schema here (docs/recipes/sveltekit.md has one)
 * import { defineEnvVars } from '@sveltejs/kit/env'
 * export const variables = defineEnvVars({ SESSION_SECRET: {} })
 *
 * // src/hooks.server.ts
 * import { SESSION_SECRET } from '$app/env/private'
 * import { session } from 'sealed-session/sveltekit'
 * export const handle = session({ secret: SESSION_SECRET })
 *
 * // src/routes/+page.server.ts
 * export const load = ({ locals }) => {
 *   const count = (locals.session.get('count') ?? 0) + 1
 *   locals.session.set('count', count)
 *   return { count }
 * }
 * ```
 * @example Two named sessions
 * ```ts
 * // App.Locals: { auth: Session<{ user: string }>; prefs: Session<{ theme: string }> }
 * export const handle = sequence(
 *   session({ secret, cookie: { name: '__Host-auth' } }, { key: 'auth' }),
 *   session({ secret, cookie: { name: 'prefs' }, mode: 'signed' }, { key: 'prefs' }),
 * )
 * ```
 * @throws {ConfigurationError} on invalid options; on the first request, `ERR_OPTION_INVALID`
 *   when two session hooks share a `key`, and `ERR_COOKIE_OPTION` when their cookie names collide.
 */
export function session<E extends RequestEventLike = RequestEventLike, Key extends string = 'session'>(
  options: SessionOptions | ((event: E) => SessionOptions),
  { key = 'session' as Key }: SessionHandleOptions<Key> = {},
): SessionHandle<E, Key> {
  const storeOf = storeResolver<[E]>(options)
  return async function sealedSession({ event, resolve }) {
    const store = storeOf(event)
    const locals = event.locals as Record<string, unknown>
    const s = await enter(store, event.request, locals[key] !== undefined, `event.locals.${key}`)
    if (s instanceof Response) return s
    locals[key] = s
    let response: Response
    try {
      response = await resolve(event)
    } catch (error) {
      store.discard(s)
      throw error
    }
    // What a load, action or endpoint threw is an error response by now (respond.js): nothing
    // the request changed before it (a regenerate() before a failed second factor) is written.
    if (response.status >= 400 || (event.isDataRequest && (await failedLoad(response)))) {
      store.discard(s)
      return response
    }
    return store.apply(s, response)
  }
}

/**
 * A `__data.json` answer holding a load's error: status 200, the error in its node
 * (data/index.js). The nodes are its first line; streamed promises follow, after the headers.
 */
async function failedLoad(response: Response): Promise<boolean> {
  const type = response.headers.get('content-type') ?? ''
  if (!/^(?:application\/json|text\/sveltekit-data)/.test(type)) return false
  const reader = response.clone().body?.getReader()
  const decoder = new TextDecoder() // one per response: a streaming decoder keeps state
  let text = ''
  for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader?.read()) {
    text += decoder.decode(chunk.value, { stream: true })
    if (text.includes('\n')) break
  }
  void reader?.cancel().catch(() => {})
  try {
    const { nodes } = JSON.parse(text.split('\n', 1)[0]!) as { nodes?: ({ type?: unknown } | null)[] }
    return nodes?.some((node) => node?.type === 'error') === true
  } catch {
    return false
  }
}

export type { FlashData, Session, SessionData, SessionOptions }
