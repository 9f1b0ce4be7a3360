// Every session middleware in the same Hono app, driven in-process through `app.fetch`.
// Portable: runs on Node, Bun, Deno and workerd.
//
// Routes: `/login` stores the fixture data (to make the cookie the scenarios send), `/read` reads
// the counter, `/inc` reads it and writes it back incremented. Scenarios:
//   new        `/inc` without a cookie: a session is created and sealed
//   unchanged  `/read` with a cookie: opened, nothing written (if the library skips the write)
//   changed    `/inc` with a cookie: opened and sealed again

import { useSession } from '@hono/session'
import { Hono, type MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import { CookieStore, type Session as HonoSessionsSession, sessionMiddleware } from 'hono-sessions'
import { session as sealedSession } from '../src/adapters/hono.ts'
import { TokenCache } from '../src/core/cache.ts'
import type { SessionOptions } from '../src/core/options.ts'
import {
  type AppEntry,
  bare,
  cookieOf,
  DAY,
  type Fetch,
  floorMiddleware,
  loginCookie,
  routes,
  SCENARIOS,
  type Scenario,
  scenarioOps,
  withOurs,
} from './apps.ts'
import { type Data, NAME, SECRET } from './data.ts'

export { type AppEntry, cookieOf, loginCookie, SCENARIOS, type Scenario, scenarioOps }

/** This library's Hono middleware. */
export function ours(options: Partial<SessionOptions> = {}): (data: Data) => Promise<Fetch> {
  return withOurs(() => sealedSession({ secret: SECRET, cookie: { name: NAME }, ...options }))
}

/**
 * This library configured the way the Workers docs show: an options function returning a new
 * object on every request, from bindings (`env` stands in for `c.env`).
 */
function oursOptionsFunction(): (data: Data) => Promise<Fetch> {
  const env = { SESSION_SECRET: SECRET }
  return withOurs(() => sealedSession(() => ({ secret: env.SESSION_SECRET, cookie: { name: NAME } })))
}

/** @hono/session 0.2 (jose JWE dir+A256GCM, the key passed as bytes, so imported per call). */
async function honoSession(data: Data): Promise<Fetch> {
  const app = new Hono()
  // biome-ignore lint/correctness/useHookAtTopLevel: a Hono middleware factory, not a React hook (react-router in devDependencies turns Biome's React rules on)
  app.use(useSession({ secret: SECRET, duration: { absolute: 14 * DAY, inactivity: 3 * DAY } }))
  return routes(app, data, (c) => {
    const s: { get(): Promise<Data | null>; update(d: Data): Promise<void> } = c.var.session
    return {
      count: async () => (await s.get())?.count as number | undefined,
      setCount: (n) => s.update({ count: n }),
      login: (d) => s.update(d),
    }
  })
}

/** hono-sessions 0.8 with its CookieStore (iron, re-sealed on every request by default). */
async function honoSessions(data: Data): Promise<Fetch> {
  const app = new Hono()
  app.use(
    sessionMiddleware({
      store: new CookieStore(),
      encryptionKey: SECRET,
      expireAfterSeconds: 3 * DAY,
      sessionCookieName: NAME,
      cookieOptions: { path: '/', httpOnly: true, secure: true, sameSite: 'Lax' },
    }) as unknown as MiddlewareHandler,
  )
  return routes(app, data, (c) => {
    const s: HonoSessionsSession<Data> = c.get('session')
    return {
      count: () => s.get('count') as number | undefined,
      setCount: (n) => s.set('count', n),
      login: (d) => {
        for (const [k, v] of Object.entries(d)) s.set(k, v)
      },
    }
  })
}

/** This library with a verified-token cache (a fresh one per app). */
export const OURS_CACHED: AppEntry = {
  id: 'ours-cache',
  label: 'sealed-session/hono + TokenCache',
  build: (data) => ours({ tokenCache: new TokenCache() })(data),
}

export const APPS: readonly AppEntry[] = [
  { id: 'bare', label: 'Hono, no session', build: bare },
  {
    id: 'floor',
    label: 'floor middleware (cached key, one AES-GCM call per open/seal)',
    build: floorMiddleware,
  },
  { id: 'ours', label: 'sealed-session/hono', build: ours() },
  { id: 'ours-fn', label: 'sealed-session/hono, options function', build: oursOptionsFunction() },
  { id: 'hono-session', label: '@hono/session', build: honoSession },
  { id: 'hono-sessions', label: 'hono-sessions (CookieStore)', build: honoSessions },
]

/** iron-session 8 through its cookie-store form (`getIronSession(cookies, options)`). */
async function ironSessionApp(data: Data): Promise<Fetch> {
  const { getIronSession } = await import('iron-session')
  const app = new Hono<{ Variables: { iron: Data & { save(): Promise<void> } } }>()
  app.use(async (c, next) => {
    const cookies = {
      get: (name: string) => {
        const value = getCookie(c, name)
        return value === undefined ? undefined : { name, value }
      },
      set: (name: string, value: string, options?: object) => {
        c.header('set-cookie', `${name}=${value}; Path=/; HttpOnly; Secure; SameSite=Lax`, { append: true })
        void options
      },
    }
    const session = await getIronSession<Data>(cookies as never, { password: SECRET, cookieName: NAME })
    c.set('iron', session as never)
    await next()
  })
  return routes(app, data, (c) => {
    const s = c.var.iron
    return {
      count: () => s.count as number | undefined,
      setCount: (n) => {
        s.count = n
        return s.save()
      },
      login: (d) => {
        Object.assign(s, d)
        return s.save()
      },
    }
  })
}

/** Over real HTTP only (bench/http.ts): iron-session has no Hono middleware of its own. */
export const IRON_SESSION: AppEntry = {
  id: 'iron-session',
  label: 'iron-session (getIronSession with a cookie store)',
  build: ironSessionApp,
}

/** Every app the HTTP section serves: the request section's, with the token cache, and iron-session. */
export const HTTP_APPS: readonly AppEntry[] = [...APPS, OURS_CACHED, IRON_SESSION]
