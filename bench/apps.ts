// The Hono apps every session middleware is measured in, and the two references: no session at
// all, and the floor middleware. Portable; apart from bench/requests.ts so that the side-by-side
// benchmark (bench/against/) bundles them without the peers.

import { Hono, type MiddlewareHandler } from 'hono'
import type { SessionEnv } from '../src/adapters/hono.ts'
import { type Data, NAME } from './data.ts'
import { type Codec, floor } from './floor.ts'

export type Fetch = (request: Request) => Response | Promise<Response>

export const SCENARIOS = ['new', 'unchanged', 'changed'] as const
export type Scenario = (typeof SCENARIOS)[number]

export interface AppEntry {
  readonly id: string
  readonly label: string
  readonly build: (data: Data) => Promise<Fetch>
}

export const DAY = 24 * 60 * 60

interface Access {
  count(): Promise<number | undefined> | number | undefined
  setCount(n: number): Promise<void> | void
  login(data: Data): Promise<void> | void
}

// biome-ignore lint/suspicious/noExplicitAny: each middleware types its Context differently.
type AnyContext = any

/** Counter handlers over a session reached through each library's own idiomatic calls. */
export function routes<E extends object>(app: Hono<E>, data: Data, access: (c: AnyContext) => Access): Fetch {
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
export async function bare(data: Data): Promise<Fetch> {
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
export async function floorMiddleware(data: Data): Promise<Fetch> {
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

/** An app whose session comes from `middleware` (this library's Hono middleware, of any build). */
export function withOurs(middleware: () => MiddlewareHandler<SessionEnv>): (data: Data) => Promise<Fetch> {
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
