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
  /** A call of a remote function (`query`, `command`, `form`). */
  readonly isRemoteRequest?: boolean
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
 * form actions (their 303 redirect, or the JSON `use:enhance` reads), remote functions and
 * `+server` endpoints. Session cookies are appended to the response's headers, beside those
 * `event.cookies` set.
 *
 * A failure writes nothing: SvelteKit turns what a load, form action, remote function or endpoint
 * throws (`error(401)`, an exception) into a response before `resolve()` returns, so such a
 * response leaves the browser's cookie as it was, whatever the request changed. That holds for
 * any response of status 400 or more, and for the failures SvelteKit answers with a 200, the
 * failure in the body: a `__data.json` whose load threw (an error node), a form action's `fail()`
 * or error as JSON for `use:enhance` (SvelteKit 2 answers them 200), and a remote function's error
 * (`{"type":"error"}`). To tell those apart, the hook reads the start of the body (a clone) of
 * `__data.json`, of remote calls and of JSON answers to a POST; so a `+server` endpoint's JSON
 * answer to a POST that begins `{"type":"failure"` or `{"type":"error"` writes nothing either. A
 * remote form's `invalid()` is no failure to SvelteKit (the issues are the form's result, answered
 * 200): what the handler changed before it is written, so change the session once the checks
 * pass. A redirect (`redirect(303, ...)` after login) is written. A hook after this one that
 * throws ends the request unwritten. Requests to a gate's endpoints (device binding) are answered
 * here, before the app. Options may be a function of the event, to read `event.platform` on
 * Cloudflare.
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
    // What a load, action, remote function or endpoint threw is an error response by now
    // (respond.js), some of them 200s: nothing the request changed before it (a regenerate()
    // before a failed second factor) is written.
    if (response.status >= 400) {
      store.discard(s)
      return response
    }
    // Only a response the session would be written on is read for a failure inside a 200: the
    // commit is kept, and apply() below reuses it.
    let written: boolean
    try {
      const { setCookie, headers } = await store.commit(s)
      written = setCookie.length > 0 || headers.length > 0
    } catch (error) {
      store.discard(s)
      throw error
    }
    if (written && (await failedIn200(event, response))) {
      store.discard(s)
      return response
    }
    return store.apply(s, response)
  }
}

/**
 * A failure SvelteKit answers with a status below 400, the failure inside the body: a
 * `__data.json` whose load threw (an error node, data/index.js); a form action's `fail()` or error
 * as JSON for `use:enhance` (`{"type":"failure"}`, SvelteKit 2 answers it 200; actions.js), which
 * SvelteKit sends any POST to a page that asks for JSON, with or without `x-sveltekit-action`;
 * and a remote function's error (`{"type":"error"}` in a 200, both majors; remote.js,
 * remote-functions.js). Only these requests' bodies are read, from a clone, and only as far as
 * the answer needs; the response itself is left whole.
 */
async function failedIn200(event: RequestEventLike, response: Response): Promise<boolean> {
  if (event.isDataRequest) return failedLoad(response)
  const remote = event.isRemoteRequest === true
  if (!remote && event.request.method !== 'POST') return false
  if (!/^application\/json\s*(?:;|$)/i.test(response.headers.get('content-type') ?? '')) return false
  // A remote call's answer is SvelteKit's own envelope (the path decides, not the client): its
  // `type` is looked for wherever it is. Any POST may be an endpoint's JSON, whatever headers the
  // client sent (`x-sveltekit-action` too): its `type` counts only where SvelteKit puts it, first,
  // and no more than the start of the body is read.
  const type = await resultType(response, remote)
  return type === 'failure' || type === 'error'
}

/**
 * A `__data.json` answer holding a load's error: status 200, the error in its node
 * (data/index.js). The nodes are its first line; streamed promises follow, after the headers.
 */
async function failedLoad(response: Response): Promise<boolean> {
  const type = response.headers.get('content-type') ?? ''
  if (!/^(?:application\/json|text\/sveltekit-data)/.test(type)) return false
  const text = await readClone(response, (read) => read.includes('\n'))
  try {
    const { nodes } = JSON.parse(text.split('\n', 1)[0]!) as { nodes?: ({ type?: unknown } | null)[] }
    return nodes?.some((node) => node?.type === 'error') === true
  } catch {
    return false
  }
}

/** How SvelteKit's `JSON.stringify` of `{ type: ..., ... }` starts (action_json, remote calls). */
const TYPE_FIRST = /^\{"type":"([a-z]+)"/
/** Read this far, the body has shown whether `type` comes first. */
const HEAD_CHARS = 64

/**
 * The `type` of a JSON envelope (an `ActionResult`, a remote function's answer): read from its
 * first characters, where SvelteKit writes it. `whole`: when it is not there, read and parse the
 * whole body for it.
 */
async function resultType(response: Response, whole: boolean): Promise<string | undefined> {
  const head = await readClone(response, (read) => TYPE_FIRST.test(read) || read.length >= HEAD_CHARS)
  const first = TYPE_FIRST.exec(head)?.[1]
  if (first !== undefined || !whole || !head.trimStart().startsWith('{')) return first
  try {
    const { type } = JSON.parse(await readClone(response, () => false)) as { type?: unknown }
    return typeof type === 'string' ? type : undefined
  } catch {
    return undefined
  }
}

/** A clone's text, read until `enough` says so or it ends; the response is left unread. */
async function readClone(response: Response, enough: (text: string) => boolean): Promise<string> {
  const reader = response.clone().body?.getReader()
  const decoder = new TextDecoder() // one per response: a streaming decoder keeps state
  let text = ''
  for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader?.read()) {
    text += decoder.decode(chunk.value, { stream: true })
    if (enough(text)) break
  }
  void reader?.cancel().catch(() => {})
  return text
}

export type { FlashData, Session, SessionData, SessionOptions }
