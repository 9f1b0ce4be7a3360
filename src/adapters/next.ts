/**
 * Next.js (App Router): the session from Next's cookie store, `await cookies()`, as
 * iron-session's `getIronSession` does. Next is not imported: its cookie store is typed by shape.
 *
 * @module sealed-session/next
 */
// A thin layer over the store (store.ts).

import { applyCommit, type CommitCookie, type SessionCommit } from '../core/commit.ts'
import { SealedSessionError } from '../core/errors.ts'
import type { SessionOptions } from '../core/options.ts'
import { storeResolver } from '../core/resolver.ts'
import type { JsonValue } from '../core/serializer.ts'
import { type FlashData, handleOf, type Session, type SessionData } from '../core/session.ts'

/** Cookie attributes as Next's `cookies().set(name, value, attributes)` takes them. */
export interface NextCookieAttributes {
  /** `Max-Age` in seconds; absent for a browser-session cookie. */
  maxAge?: number
  /** `Path`. */
  path?: string
  /** `Domain`. */
  domain?: string
  /** `HttpOnly`. */
  httpOnly?: boolean
  /** `Secure`. */
  secure?: boolean
  /** `SameSite`. */
  sameSite?: 'lax' | 'strict' | 'none'
  /** `Partitioned` (CHIPS). */
  partitioned?: boolean
  /** `Priority` (Chromium). */
  priority?: 'low' | 'medium' | 'high'
}

/** What the adapter needs of a cookie store: `await cookies()` from `next/headers` fits. */
export interface NextCookies {
  /** Every cookie of the request, as `{ name, value }`. */
  getAll(): { name: string; value: string }[]
  /** Sets a cookie on the response; throws during a Server Component's render. */
  set(name: string, value: string, attributes: NextCookieAttributes): unknown
}

/**
 * Thrown where Next cannot write cookies, during the render of a Server Component: by `save()`,
 * and, in development, by reading a flash message (`session.flash(key)`), which could not be
 * removed from the cookie and would show again on every reload. Write in a Server Action, a
 * Route Handler or the proxy (middleware) instead.
 */
export class CookiesReadOnlyError extends SealedSessionError {
  declare readonly code: 'ERR_COOKIES_READ_ONLY'
  /** @param flash the flash message read, when a flash read (not `save()`) is refused. */
  constructor(cause: unknown, flash?: string) {
    super(
      'ERR_COOKIES_READ_ONLY',
      flash === undefined
        ? 'session.save() during the render of a Server Component: Next.js lets cookies be written only in a Server Action, a Route Handler or the proxy (middleware); change the session there'
        : `session.flash(${JSON.stringify(flash.slice(0, 64))}) read during the render of a Server Component, where Next.js cannot write cookies: the message would stay in the cookie and show on every reload. Take flash messages in the proxy (middleware) and hand them to the page, or in a Server Action or Route Handler (checked in development only)`,
    )
    this.cause = cause
  }
}

// Options are validated, and keys derived, once per distinct configuration, not per request.
const storeOf = storeResolver((options: SessionOptions) => options)

/**
 * The session in Next's cookie store. Read it anywhere `cookies()` works; `await session.save()`
 * writes it back with `cookies().set(...)`: in a Server Action, a Route Handler, or the proxy
 * (through {@link proxyCookies}). Type the data with `getSession<Data, Flash>`.
 *
 * @example
 * ```ts
 * 'use server'
 * import { cookies } from 'next/headers'
 * import { getSession } from 'sealed-session/next'
 *
 * export async function login(form: FormData) {
 *   const session = await getSession<{ user: string }>(await cookies(), { secret: process.env.SESSION_SECRET! })
 *   session.regenerate()
 *   session.set('user', String(form.get('user')))
 *   await session.save()
 * }
 * ```
 * @throws {ConfigurationError} on invalid options.
 * @throws {CookiesReadOnlyError} from `save()` in a Server Component's render
 *   (`ERR_COOKIES_READ_ONLY`), and in development from reading a flash message there;
 *   {@link "sealed-session".CookieTooLargeError} from `save()` when the session outgrows its
 *   cookie (nothing is written).
 */
export async function getSession<
  Data extends SessionData = Record<string, JsonValue>,
  Flash extends FlashData = Record<string, unknown>,
>(cookies: NextCookies, options: SessionOptions): Promise<Session<Data, Flash>> {
  const store = storeOf(options)
  const session = await store.load(cookies.getAll().map((c) => `${c.name}=${c.value}`))
  session.save = async function saveToCookies() {
    const commit = await store.commit(session)
    const response = responses.get(cookies)?.headers
    if (response !== undefined && !cachePolicy(response, commit)) return
    // Next keeps one cookie per name: the first line for a name wins (ours come first), so an
    // old library's cookie of our name on another path or domain never overwrites ours.
    const names = new Set<string>()
    for (const cookie of commit.cookies) {
      if (!names.has(cookie.name)) write(cookies, cookie)
      names.add(cookie.name)
    }
  }
  if (readOnly(cookies) && development()) {
    // A flash read takes the message out of the cookie, which a render cannot write back.
    const flash = session.flash.bind(session) as (key: string, ...value: unknown[]) => unknown
    session.flash = ((key: string, ...value: unknown[]) => {
      if (value.length === 0 && Object.hasOwn(handleOf(session).flash ?? {}, key)) {
        throw new CookiesReadOnlyError(undefined, key)
      }
      return flash(key, ...value)
    }) as typeof session.flash
  }
  return session as unknown as Session<Data, Flash>
}

/**
 * Next's `cookies()` while a Server Component renders: its sealed store answers every write
 * with one function that throws (`RequestCookiesAdapter.seal`), where a store that can write has
 * a `set` and a `delete` of their own. Nothing is written to find out.
 */
function readOnly(cookies: NextCookies): boolean {
  return typeof cookies.set === 'function' && cookies.set === (cookies as { delete?: unknown }).delete
}

/** Next sets NODE_ENV (to `production` for `next start` and builds). */
function development(): boolean {
  try {
    return (
      (globalThis as { process?: { env?: { NODE_ENV?: string } } }).process?.env?.NODE_ENV !== 'production'
    )
  } catch {
    return true // no access to the environment (Deno without --allow-env): not Next's server
  }
}

/** The response of each {@link proxyCookies} store, read when the session is saved. */
const responses = new WeakMap<NextCookies, { readonly headers?: Headers | undefined }>()

/**
 * The commit's cache rule and extra headers on the proxy's response headers: `false` when its
 * cookies stay off (a renewal on a response the app made shared-cacheable).
 */
function cachePolicy(response: Headers, commit: SessionCommit): boolean {
  const policy = response.get('cache-control')
  const headers = new Headers(policy === null ? {} : { 'cache-control': policy })
  if (!applyCommit(headers, commit)) return false
  for (const [name, value] of commit.headers) response.append(name, value)
  const cacheControl = headers.get('cache-control')
  if (cacheControl !== null && cacheControl !== policy) response.set('cache-control', cacheControl)
  return true
}

/**
 * The cookie store of a proxy (middleware) call: reads the request's cookies, writes the
 * response's, which Next also shows to `cookies()` in the pages it renders for this request.
 * Through the response's `headers` (a `NextResponse` has them), `save()` also makes a response
 * carrying the cookie `Cache-Control: private` unless it set a policy, and leaves a renewal off
 * a response it made shared-cacheable (`public`, `s-maxage`), where a change makes it `private`.
 * docs/recipes/next.md shows a whole app: a counter and flash messages taken here, before the
 * page renders, and a Server Action redirect's render left to the browser.
 *
 * @example
 * ```ts
 * export async function proxy(request: NextRequest) {
 *   // A Server Action posts to the page's URL: its write is the action's, not a visit.
 *   if (request.method !== 'GET') return NextResponse.next()
 *   const response = NextResponse.next()
 *   const session = await getSession(proxyCookies(request, response), options)
 *   session.set('count', (session.get('count') ?? 0) + 1)
 *   await session.save()
 *   return response
 * }
 * ```
 */
export function proxyCookies(
  request: { cookies: Pick<NextCookies, 'getAll'> },
  response: { cookies: Pick<NextCookies, 'set'>; readonly headers?: Headers },
): NextCookies {
  const cookies: NextCookies = {
    getAll: () => request.cookies.getAll(),
    set: (...args) => response.cookies.set(...args),
  }
  responses.set(cookies, response)
  return cookies
}

/** `name=value; Max-Age=60; Path=/; HttpOnly; ...` (cookie.ts writes it) as Next's `set()` call. */
function write(cookies: NextCookies, { name, value, attributes }: CommitCookie): void {
  const { sameSite, priority, ...rest } = attributes
  const next: NextCookieAttributes = {
    ...rest,
    sameSite: sameSite.toLowerCase() as NonNullable<NextCookieAttributes['sameSite']>,
    ...(priority
      ? { priority: priority.toLowerCase() as NonNullable<NextCookieAttributes['priority']> }
      : {}),
  }
  try {
    cookies.set(name, value, next)
  } catch (error) {
    // Next's own control flow (redirect, dynamic rendering) carries a `digest`: let it through.
    if (typeof error === 'object' && error !== null && 'digest' in error) throw error
    throw new CookiesReadOnlyError(error)
  }
}

export type { Session, SessionData, SessionOptions }
