/**
 * Next.js (App Router): the session from Next's cookie store, `await cookies()`, as
 * iron-session's `getIronSession` does. Next is not imported: its cookie store is typed by shape.
 *
 * @module sealed-session/next
 */
// A thin layer over the store (store.ts).

import type { CommitCookie } from '../core/commit.ts'
import { SealedSessionError } from '../core/errors.ts'
import type { SessionOptions } from '../core/options.ts'
import { storeResolver } from '../core/resolver.ts'
import type { JsonValue } from '../core/serializer.ts'
import type { FlashData, Session, SessionData } from '../core/session.ts'

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
 * Thrown by `save()` when Next refuses to write cookies: during the render of a Server Component.
 * Write in a Server Action, a Route Handler or the proxy (middleware) instead.
 */
export class CookiesReadOnlyError extends SealedSessionError {
  declare readonly code: 'ERR_COOKIES_READ_ONLY'
  constructor(cause: unknown) {
    super(
      'ERR_COOKIES_READ_ONLY',
      'session.save() during the render of a Server Component: Next.js lets cookies be written only in a Server Action, a Route Handler or the proxy (middleware); change the session there',
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
 *   (`ERR_COOKIES_READ_ONLY`); {@link "sealed-session".CookieTooLargeError} from `save()` when the
 *   session outgrows its cookie (nothing is written).
 */
export async function getSession<
  Data extends SessionData = Record<string, JsonValue>,
  Flash extends FlashData = Record<string, unknown>,
>(cookies: NextCookies, options: SessionOptions): Promise<Session<Data, Flash>> {
  const store = storeOf(options)
  const session = await store.load(cookies.getAll().map((c) => `${c.name}=${c.value}`))
  session.save = async function saveToCookies() {
    for (const cookie of (await store.commit(session)).cookies) write(cookies, cookie)
  }
  return session as unknown as Session<Data, Flash>
}

/**
 * The cookie store of a proxy (middleware) call: reads the request's cookies, writes the
 * response's, which Next also shows to `cookies()` in the pages it renders for this request.
 *
 * @example
 * ```ts
 * export async function proxy(request: NextRequest) {
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
  response: { cookies: Pick<NextCookies, 'set'> },
): NextCookies {
  return { getAll: () => request.cookies.getAll(), set: (...args) => response.cookies.set(...args) }
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
