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
import { type SessionEnv, session as sealedSession } from '../src/adapters/hono.ts'
import { TokenCache } from '../src/core/cache.ts'
import type { SessionOptions } from '../src/core/options.ts'
import { type Codec, floor } from './codecs.ts'
import { type Data, NAME, SECRET } from './data.ts'

export const SCENARIOS = ['new', 'unchanged', 'changed'] as const
export type Scenario = (typeof SCENARIOS)[number]

type Fetch = (request: Request) => Response | Promise<Response>

export interface AppEntry {
  readonly id: string
  readonly label: string
  readonly build: (data: Data) => Promise<Fetch>
}

const DAY = 24 * 60 * 60

interface Access {
  count(): Promise<number | undefined> | number | undefined
  setCount(n: number): Promise<void> | void
  login(data: Data): Promise<void> | void
}

// biome-ignore lint/suspicious/noExplicitAny: each middleware types its Context differently.
type AnyContext = any

/** Counter handlers over a session reached through each library's own idiomatic calls. */
function routes<E extends object>(app: Hono<E>, data: Data, access: (c: AnyContext) => Access): Fetch {
  app.get('/login', async (c) => {
    await access(c).login(data)
    return c.text('ok')
  })
  app.get('/read', async (c) => c.text(String((await access(c).count()) ?? 0)))
  app.get('/inc', async (c) => {
    const s = access(c)
    const count = ((await s.count()) ?? 0) + 1
    await s.setCount(count)
    return c.text(String(count))
  })
  return app.fetch
}

/** No session at all: the cost of Hono, Request and Response that every other app also pays. */
async function bare(data: Data): Promise<Fetch> {
  let count = data.count as number
  return routes(new Hono(), data, () => ({
    count: () => count,
    setCount: (n) => {
      count = n
    },
    login: () => {},
  }))
}

/** The floor middleware: the floor codec, a cookie found with indexOf, a write only when changed. */
async function floorMiddleware(data: Data): Promise<Fetch> {
  const codec: Codec = await floor()
  interface FloorSession {
    data: Data | undefined
    changed: boolean
  }
  const middleware: MiddlewareHandler<{ Variables: { floor: FloorSession } }> = async (c, next) => {
    const header = c.req.header('cookie') ?? ''
    const at = header.indexOf(`${NAME}=`)
    const s: FloorSession = { data: undefined, changed: false }
    if (at !== -1) {
      const end = header.indexOf(';', at)
      const pair = header.slice(at, end === -1 ? undefined : end)
      try {
        s.data = (await codec.unseal(pair)) as Data
      } catch {
        // A bad cookie is no session.
      }
    }
    c.set('floor', s)
    await next()
    if (s.changed && s.data) {
      const pair = await codec.seal(s.data)
      c.header('set-cookie', `${pair}; Max-Age=${3 * DAY}; Path=/; HttpOnly; Secure; SameSite=Lax`, {
        append: true,
      })
    }
  }
  const app = new Hono<{ Variables: { floor: FloorSession } }>()
  app.use(middleware)
  return routes(app, data, (c) => {
    const s: FloorSession = c.var.floor
    return {
      count: () => s.data?.count as number | undefined,
      setCount: (n) => {
        s.data = { ...s.data, count: n }
        s.changed = true
      },
      login: (d) => {
        s.data = { ...d }
        s.changed = true
      },
    }
  })
}

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

function withOurs(middleware: () => MiddlewareHandler<SessionEnv>): (data: Data) => Promise<Fetch> {
  return async (data) => {
    const app = new Hono<SessionEnv>()
    app.use(middleware())
    return routes(app, data, (c) => {
      const s = c.var.session
      return {
        count: () => s.get('count') as number | undefined,
        setCount: (n) => s.set('count', n),
        login: (d) => s.replace(d),
      }
    })
  }
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

/** The first `name=value` of every Set-Cookie, as a Cookie header. */
export function cookieOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]!)
    .join('; ')
}

/** One operation per scenario for an app: build the request, run it, read its Set-Cookie. */
export async function scenarioOps(fetch: Fetch): Promise<Record<Scenario, () => Promise<string[]>>> {
  const login = await fetch(new Request('http://localhost/login'))
  const cookie = cookieOf(login)
  const call = async (path: string, withCookie: boolean): Promise<string[]> => {
    const headers: HeadersInit = withCookie && cookie ? { cookie } : {}
    const response = await fetch(new Request(`http://localhost${path}`, { headers }))
    return response.headers.getSetCookie()
  }
  return {
    new: () => call('/inc', false),
    unchanged: () => call('/read', true),
    changed: () => call('/inc', true),
  }
}

/** The cookie an app sets for `data` (all of its `name=value` pairs). */
export async function loginCookie(fetch: Fetch): Promise<string> {
  return cookieOf(await fetch(new Request('http://localhost/login')))
}

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
