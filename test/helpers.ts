// Shared fixtures: secrets, a controllable clock, requests with cookies, and a crypto.subtle
// call counter. Portable: no runtime-specific APIs.
import { type SessionData, type SessionHandler, type SessionOptions, withSession } from 'sealed-session'

export const SECRET = 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz'
export const OLD_SECRET = 'older-test-secret-9876543210-zyxwvutsrqponmlkjih'
export const OTHER_SECRET = 'unrelated-secret-ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123'

export const T0 = Date.UTC(2026, 0, 1)

export interface Clock {
  now: () => number
  advance(ms: number): void
  set(ms: number): void
}

export function clock(start = T0): Clock {
  let t = start
  return {
    now: () => t,
    advance: (ms) => {
      t += ms
    },
    set: (ms) => {
      t = ms
    },
  }
}

/**
 * A request to `path` carrying `cookie`. An array stands for several `Cookie` header lines (HTTP/2
 * crumbs), which reach a Fetch handler joined with "; " (RFC 9113 section 8.2.3).
 */
export function request(path = '/', cookie?: string | readonly string[], init: RequestInit = {}): Request {
  const headers = new Headers(init.headers)
  if (cookie !== undefined) headers.set('cookie', typeof cookie === 'string' ? cookie : cookie.join('; '))
  return new Request(`http://localhost${path}`, { ...init, headers })
}

export interface Sent {
  response: Response
  setCookies: string[]
  /** `name=value` of the first Set-Cookie, ready to send back; undefined when none was set. */
  cookie: string | undefined
  body: string
}

export async function send(
  handler: (request: Request) => Promise<Response>,
  cookie?: string | readonly string[],
  path = '/',
): Promise<Sent> {
  const response = await handler(request(path, cookie))
  const setCookies = response.headers.getSetCookie()
  const body = await response.clone().text()
  return { response, setCookies, cookie: setCookies[0]?.split(';')[0], body }
}

/** The value of a `name=value` pair. */
export function cookieValue(pair: string): string {
  return pair.slice(pair.indexOf('=') + 1)
}

/**
 * Loose session data for tests that store whatever they check; the library's own default
 * (JSON values) is checked by test/types.test-d.ts.
 */
// biome-ignore lint/suspicious/noExplicitAny: tests read values back without narrowing each one.
export type AnyData = Record<string, any>

/** withSession with a handler given per test and test defaults (fixed secret, a clock). */
export function wrap<T extends SessionData = AnyData>(
  handler: SessionHandler<T, []>,
  options: Partial<SessionOptions> = {},
): (request: Request) => Promise<Response> {
  return withSession<T, []>(handler, { secret: SECRET, ...options })
}

/** A counter app: increments `count` on every request and returns it. */
export function counter(options: Partial<SessionOptions> = {}): (request: Request) => Promise<Response> {
  return wrap<{ count: number }>((_req, session) => {
    const count = (session.get('count') ?? 0) + 1
    session.set('count', count)
    return new Response(String(count))
  }, options)
}

/** An app that only reads the session and reports what it sees. */
export function reader(options: Partial<SessionOptions> = {}): (request: Request) => Promise<Response> {
  return wrap(
    (_req, session) => Response.json({ isNew: session.isNew, id: session.id, data: session.data }),
    options,
  )
}

/** An app that counts visits in `n`; `/login` regenerates, `/read` only reads. Answers what it saw. */
export function visits(options: Partial<SessionOptions> = {}): (request: Request) => Promise<Response> {
  return wrap<{ n: number }>((req, s) => {
    const path = new URL(req.url).pathname
    if (path === '/login') s.regenerate()
    if (path !== '/read') s.set('n', (s.get('n') ?? 0) + 1)
    return Response.json({ isNew: s.isNew, n: s.get('n') ?? 0, expiresAt: s.expiresAt })
  }, options)
}

const SUBTLE_METHODS = [
  'encrypt',
  'decrypt',
  'sign',
  'verify',
  'importKey',
  'deriveKey',
  'deriveBits',
  'digest',
] as const
type SubtleMethod = (typeof SUBTLE_METHODS)[number]
export type SubtleCounts = Record<SubtleMethod | 'total', number>

/** Counts crypto.subtle calls made while `fn` runs; `order` lists them as they were made. */
export async function countSubtle(
  fn: () => Promise<unknown>,
): Promise<SubtleCounts & { order: SubtleMethod[] }> {
  const subtle = crypto.subtle as unknown as Record<string, (...args: unknown[]) => unknown>
  const order: SubtleMethod[] = []
  const counts = Object.fromEntries([...SUBTLE_METHODS, 'total'].map((m) => [m, 0])) as SubtleCounts
  for (const m of SUBTLE_METHODS) {
    const original = subtle[m]!
    Object.defineProperty(subtle, m, {
      configurable: true,
      writable: true,
      value: (...args: unknown[]) => {
        counts[m]++
        counts.total++
        order.push(m)
        return original.apply(crypto.subtle, args)
      },
    })
  }
  try {
    await fn()
  } finally {
    for (const m of SUBTLE_METHODS) delete subtle[m]
  }
  return { ...counts, order }
}

/** How many times `crypto.getRandomValues` is called while `fn` runs; the global is left as it was. */
export async function countRandomDraws(fn: () => Promise<unknown>): Promise<number> {
  const target = crypto as unknown as Record<string, unknown>
  const own = Object.getOwnPropertyDescriptor(target, 'getRandomValues')
  const original = crypto.getRandomValues
  let draws = 0
  Object.defineProperty(target, 'getRandomValues', {
    configurable: true,
    writable: true,
    value: <T extends ArrayBufferView | null>(array: T): T => {
      draws++
      return original.call(crypto, array as never) as T
    },
  })
  try {
    await fn()
  } finally {
    // Inherited (Node, workerd): deleting the own copy uncovers it; own (some runtimes): put it back.
    if (own) Object.defineProperty(target, 'getRandomValues', own)
    else delete target.getRandomValues
  }
  return draws
}

/** Runs `fn` while `crypto.subtle[method]` rejects with `error` (a fake for a failing runtime). */
export async function failing(method: SubtleMethod, error: Error, fn: () => Promise<unknown>): Promise<void> {
  const subtle = crypto.subtle as unknown as Record<string, unknown>
  const own = Object.getOwnPropertyDescriptor(subtle, method)
  Object.defineProperty(subtle, method, {
    configurable: true,
    writable: true,
    value: () => Promise.reject(error),
  })
  try {
    await fn()
  } finally {
    if (own) Object.defineProperty(subtle, method, own)
    else delete subtle[method]
  }
}

export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text)
}

/** Counts unhandled promise rejections by whatever hook this runtime offers; null when none. */
export function watchUnhandled(): (() => number) | null {
  const g = globalThis as {
    addEventListener?: (type: string, fn: (e: Event) => void) => void
    removeEventListener?: (type: string, fn: (e: Event) => void) => void
    process?: {
      on?: (type: string, fn: () => void) => void
      off?: (type: string, fn: () => void) => void
    }
  }
  let count = 0
  const onEvent = (e: Event) => {
    count++
    e.preventDefault()
  }
  const onProcess = () => {
    count++
  }
  const useEvents = typeof g.addEventListener === 'function'
  const useProcess = typeof g.process?.on === 'function'
  if (!useEvents && !useProcess) return null
  if (useEvents) g.addEventListener!('unhandledrejection', onEvent)
  if (useProcess) g.process!.on!('unhandledRejection', onProcess)
  return () => {
    if (useEvents) g.removeEventListener?.('unhandledrejection', onEvent)
    if (useProcess) g.process!.off?.('unhandledRejection', onProcess)
    return count
  }
}

/**
 * Option values an error message cannot print with a template string or `String()`: a symbol,
 * an object without `toString` (and a BigInt, which `JSON.stringify` refuses). A bad option must
 * still get its ConfigurationError, never a TypeError from building the message.
 */
export const UNPRINTABLE: readonly unknown[] = [Symbol('bad'), 10n, Object.create(null)]
