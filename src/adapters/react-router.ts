/**
 * React Router (framework mode, v7 and later): a `SessionStorage` of React Router's own shape, so
 * an app moves off `createCookieSessionStorage` from `react-router` by changing the import and
 * its options; loaders and actions keep calling `getSession`, `commitSession`, `destroySession`.
 *
 * How React Router's API maps onto this library's:
 * - `get(name)` reads the data, else the flash message of that name, once (as React Router does);
 *   `has(name)` sees both without taking the message; `unset(name)` deletes; `data` is the data.
 * - `id` is the session's random id (React Router's cookie storage has none: `''`).
 * - `commitSession` resolves to the session cookie's `Set-Cookie` value, or `''` when nothing
 *   changed (the browser keeps its cookie). Per-call cookie options are not taken: lifetimes are
 *   set with `session.sealed.setLifetime()`, cookie attributes at setup.
 * - `commitHeaders(session, init?)` (this library's) gives every header the session needs, as
 *   `Headers` for `data()`, `redirect()` or a `Response`: each `Set-Cookie` line (an old
 *   library's cookie deleted beside ours, which one string cannot carry) and
 *   `Cache-Control: private`. Prefer it to `commitSession`.
 * - Everything else (`regenerate()` at login, `setLifetime`, `isNew`, `expiresAt`) is on
 *   `session.sealed`, the full {@link Session}.
 *
 * @example app/sessions.server.ts
 * ```ts
 * import { createCookieSessionStorage } from 'sealed-session/react-router'
 *
 * export const { getSession, commitHeaders } = createCookieSessionStorage<
 *   { user: string },
 *   { notice: string }
 * >({ secret: process.env.SESSION_SECRET!, cookie: { name: '__session' } })
 *
 * // In an action:
 * const session = await getSession(request.headers.get('Cookie'))
 * session.sealed.regenerate() // a fresh id on login
 * session.set('user', 'ada')
 * session.flash('notice', 'Welcome!')
 * return redirect('/', { headers: await commitHeaders(session) })
 * ```
 *
 * @module sealed-session/react-router
 */

import { applyCommit } from '../core/commit.ts'
import { configError } from '../core/errors.ts'
import type { SessionOptions } from '../core/options.ts'
import type { CookieSource } from '../core/read.ts'
import { createSessionStore } from '../core/resolver.ts'
import type { JsonValue } from '../core/serializer.ts'
import { type FlashData, handleOf, type Session, type SessionData } from '../core/session.ts'

/** React Router's `Session` interface, member for member (React Router is not imported). */
export interface RouterSession<Data = Record<string, JsonValue>, Flash = Data> {
  /** The session's random id; changes on `sealed.regenerate()`. */
  readonly id: string
  /** A shallow copy of the data (flash messages are read with `get`). */
  readonly data: Readonly<Partial<Data>>
  /** Whether the data or a flash message has `name`; a flash message stays unread. */
  has(name: (keyof Data | keyof Flash) & string): boolean
  /** The data's `name`, else the flash message `name`, which is then gone. */
  get<K extends (keyof Data | keyof Flash) & string>(
    name: K,
  ): (K extends keyof Data ? Data[K] : undefined) | (K extends keyof Flash ? Flash[K] : undefined) | undefined
  /** Stores `value` as the data's `name`. */
  set<K extends keyof Data & string>(name: K, value: Data[K]): void
  /** A message for the next `get(name)`. */
  flash<K extends keyof Flash & string>(name: K, value: Flash[K]): void
  /** Removes the data's `name`. */
  unset(name: keyof Data & string): void
}

/** What `getSession` gives: React Router's session, plus the full one as `sealed`. */
export interface SealedRouterSession<Data extends SessionData, Flash extends FlashData>
  extends RouterSession<Data, Flash> {
  /** The full session: `regenerate()`, `setLifetime()`, `isNew`, `expiresAt`, `save()`... */
  readonly sealed: Session<Data, Flash>
}

/** React Router's `SessionStorage` shape: assignable to `SessionStorage<Data, Flash>`. */
export interface SessionStorage<Data extends SessionData, Flash extends FlashData = Data> {
  /** The session a request's `Cookie` header (or the `Request`, or its `Headers`) carries. */
  getSession(cookieHeader?: CookieSource): Promise<SealedRouterSession<Data, Flash>>
  /**
   * The session cookie's `Set-Cookie` value, or `''` when nothing changed. One string carries one
   * cookie, and no `Cache-Control`: prefer {@link commitHeaders}.
   * @throws {CookieTooLargeError} when the session outgrows its cookie; nothing is written.
   * @throws {ConfigurationError} `ERR_OPTION_INVALID` on every call with the `legacy` option: a
   *   session moved from an old library's cookie must delete that cookie too, which one string
   *   cannot (left behind, it would bring the session back once ours expires). Use `commitHeaders`.
   */
  commitSession(session: RouterSession<Data, Flash>): Promise<string>
  /**
   * Ends the session: the `Set-Cookie` value expiring its cookie (`''` if the request had none).
   * Every cookie that could bring it back (an old library's, on any path) is expired by
   * `commitHeaders(session)` after `session.sealed.destroy()`.
   * @throws {ConfigurationError} `ERR_OPTION_INVALID` on every call with the `legacy` option: a
   *   logout must then delete old libraries' cookies too, which one string cannot, and a logout
   *   that does not stick is worse than an error. Use `commitHeaders` after
   *   `session.sealed.destroy()`.
   */
  destroySession(session: RouterSession<Data, Flash>): Promise<string>
  /**
   * Every header the session needs on the response: `init` (the response's own headers) with
   * each `Set-Cookie` line appended and, when they carry a cookie, `Cache-Control: private`
   * unless `init` set a policy. A renewal is left off a response that `init` made
   * shared-cacheable (`public`, `s-maxage`); a change is written, and makes it `private`.
   *
   * @example
   * ```ts
   * return data({ user }, { headers: await commitHeaders(session) })
   * return redirect('/', { headers: await commitHeaders(session) }) // after session.sealed.destroy() too
   * ```
   * @throws {CookieTooLargeError} when the session outgrows its cookie; nothing is written.
   */
  commitHeaders(session: RouterSession<Data, Flash>, init?: HeadersInit): Promise<Headers>
}

/**
 * Creates a cookie session storage with React Router's API, sealed by this library. Options are
 * validated now. `Flash` defaults to `Data`, as in React Router.
 *
 * @example
 * ```ts
 * const { getSession, commitSession } = createCookieSessionStorage<{ count: number }>({
 *   secret: process.env.SESSION_SECRET!,
 * })
 * ```
 * @throws {ConfigurationError} on invalid options; `ERR_OPTION_INVALID` for the `chunks` option
 *   (a chunked session needs several `Set-Cookie` values, `commitSession` returns one: use
 *   `createSessionStore`), and from `commitSession` for a session another storage made.
 */
export function createCookieSessionStorage<
  Data extends SessionData = Record<string, JsonValue>,
  Flash extends FlashData = Data,
>(options: SessionOptions): SessionStorage<Data, Flash> {
  if (options.chunks !== undefined) {
    throw configError(
      'ERR_OPTION_INVALID',
      'react-router: commitSession returns one Set-Cookie value; for `chunks` use createSessionStore()',
    )
  }
  const store = createSessionStore<Record<string, unknown>>(options as never)
  const sessions = new WeakMap<object, Session<Record<string, unknown>>>()
  const sealedOf = (session: object) => {
    const s = sessions.get(session)
    if (s === undefined)
      throw configError('ERR_OPTION_INVALID', "commit a session this storage's getSession made")
    return s
  }
  // The first line is the session cookie's (or its deletion): the others only delete cookies.
  // With legacy readers, an old library's cookie must go whenever a session it carried is written
  // or destroyed (left behind, it opens again once ours expires), so one line is never enough:
  // refused on every call, on what the app configured, never on what the request carried (a
  // cookie a client adds must not make a response throw). A header a string cannot carry (a
  // device-registration challenge, after the app's bind()) is refused too. Other deletions a
  // client can provoke (a stray `name.1` beside a chunk head it forged) bring nothing back.
  const legacy = (options.legacy ?? []).length > 0
  const first = async (s: Session<Record<string, unknown>>, call: string) => {
    if (legacy) {
      throw configError(
        'ERR_OPTION_INVALID',
        `react-router: with \`legacy\` readers, ${call} cannot delete the old library's cookies (one Set-Cookie line); answer with \`headers: await commitHeaders(session)\`${call === 'destroySession' ? ' after `session.sealed.destroy()`' : ''}`,
      )
    }
    const commit = await store.commit(s)
    if (commit.headers.length > 0) {
      throw configError(
        'ERR_OPTION_INVALID',
        `react-router: ${call} returns one Set-Cookie line, and this response needs a device-registration header too; answer with \`headers: await commitHeaders(session)\``,
      )
    }
    return commit.setCookie[0] ?? ''
  }
  return {
    async getSession(cookieHeader) {
      const s = await store.load(cookieHeader)
      // The Session reads a flash message only by taking it; an empty (or destroyed) one has none.
      const take = (name: string) => (s.isPopulated ? s.flash(name) : undefined)
      const session: SealedRouterSession<Record<string, unknown>, Record<string, unknown>> = {
        sealed: s,
        get id() {
          return s.id
        },
        get data() {
          return s.data
        },
        // Looks without taking: taking and putting back would reorder the messages, a change.
        has: (name) => s.has(name) || Object.hasOwn(handleOf(s).flash ?? {}, name),
        get: (name) => (s.has(name) ? s.get(name) : take(name)) as never,
        set: (name, value) => s.set(name, value),
        flash: (name, value) => s.flash(name, value),
        unset: (name) => s.delete(name),
      }
      sessions.set(session, s)
      return session as never
    },
    commitSession: async (session) => first(sealedOf(session), 'commitSession'),
    async destroySession(session) {
      const s = sealedOf(session)
      s.destroy()
      return first(s, 'destroySession')
    },
    async commitHeaders(session, init) {
      const headers = new Headers(init)
      applyCommit(headers, await store.commit(sealedOf(session)))
      return headers
    },
  }
}

export type { CookieSource, Session, SessionOptions }
