import { Hono } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { HTTPException } from 'hono/http-exception'
import type { InvalidReason } from 'sealed-session'
import { deviceBound } from 'sealed-session/device-bound'
import { type SessionEnv, session } from 'sealed-session/hono'
import { challengeIn, device } from './dbsc-client.ts'
import { deepEqual, describe, equal, ok, test } from './harness.ts'
import { SECRET } from './helpers.ts'

type Bindings = { SESSION_SECRET: string }

function app(onInvalid?: (r: InvalidReason) => void) {
  type AppEnv = SessionEnv<{ count: number; user: string }> & { Bindings: Bindings }
  const hono = new Hono<AppEnv>()
  hono.use(session<AppEnv>((c) => ({ secret: c.env.SESSION_SECRET, ...(onInvalid ? { onInvalid } : {}) })))
  hono.get('/', (c) => {
    const count = (c.var.session.get('count') ?? 0) + 1
    c.var.session.set('count', count)
    return c.text(String(count))
  })
  hono.get('/read', (c) => c.json({ isNew: c.var.session.isNew, count: c.var.session.get('count') ?? null }))
  hono.get('/theme', (c) => {
    setCookie(c, 'theme', 'dark', { path: '/' })
    c.var.session.set('user', getCookie(c, 'theme') ?? 'none')
    return c.text('ok')
  })
  hono.get('/proxy', (c) => {
    c.var.session.set('user', 'proxied')
    return Response.redirect('http://localhost/elsewhere', 302)
  })
  hono.get('/out', (c) => {
    c.var.session.destroy()
    return c.text('bye')
  })
  // A second factor that fails after regenerate(), and a handler that fails after a change.
  hono.get('/two-factor', (c) => {
    c.var.session.regenerate()
    c.var.session.set('user', 'mallory')
    throw new HTTPException(401, { message: 'second factor refused' })
  })
  hono.get('/fail', (c) => {
    c.var.session.set('count', 100)
    throw new Error('the handler failed after changing the session')
  })
  return hono
}

const env: Bindings = { SESSION_SECRET: SECRET }

async function call(hono: ReturnType<typeof app>, path: string, cookie?: string) {
  const res = await hono.request(path, cookie ? { headers: { cookie } } : {}, env)
  const setCookies = res.headers.getSetCookie()
  return {
    res,
    setCookies,
    body: await res.text(),
    cookie: setCookies.find((c) => c.startsWith('session='))?.split(';')[0],
  }
}

describe('hono middleware', () => {
  test('exposes c.var.session, reading the secret from c.env; counts across requests', async () => {
    const hono = app()
    const first = await call(hono, '/')
    equal(first.body, '1')
    const second = await call(hono, '/', first.cookie)
    equal(second.body, '2')
    equal(second.res.headers.get('cache-control'), 'private')
  })

  test('writes nothing for an unchanged session', async () => {
    const hono = app()
    const { cookie } = await call(hono, '/')
    const read = await call(hono, '/read', cookie)
    deepEqual(JSON.parse(read.body), { isNew: false, count: 1 })
    deepEqual(read.setCookies, [])
  })

  test('works alongside Hono’s own cookie helpers', async () => {
    const { setCookies } = await call(app(), '/theme')
    equal(setCookies.length, 2)
    ok(setCookies.some((c) => c.startsWith('theme=dark')))
    ok(setCookies.some((c) => c.startsWith('session=')))
  })

  test('a handler returning a response with immutable headers still gets the cookie', async () => {
    const { res, setCookies } = await call(app(), '/proxy')
    equal(res.status, 302)
    equal(res.headers.get('location'), 'http://localhost/elsewhere')
    equal(setCookies.length, 1)
  })

  test('destroy expires the cookie; a bad cookie is a new session reported to onInvalid', async () => {
    const reasons: InvalidReason[] = []
    const hono = app((r) => reasons.push(r))
    const { cookie } = await call(hono, '/')
    const out = await call(hono, '/out', cookie)
    ok(out.setCookies[0]!.startsWith('session=; Max-Age=0'))
    const bad = await call(hono, '/read', 'session=e1xxxx.AAAA')
    equal(bad.res.status, 200)
    deepEqual(JSON.parse(bad.body), { isNew: true, count: null })
    deepEqual(reasons, ['unknown-key'])
  })

  test('a handler that throws after changing the session writes nothing (HTTPException or error)', async () => {
    const hono = app()
    const { cookie } = await call(hono, '/')
    const refused = await call(hono, '/two-factor', cookie)
    equal(refused.res.status, 401)
    deepEqual(refused.setCookies, [])
    equal(refused.res.headers.get('cache-control'), null)
    const failed = await call(hono, '/fail', cookie)
    equal(failed.res.status, 500)
    deepEqual(failed.setCookies, [])
    equal((await call(hono, '/', cookie)).body, '2')
  })

  test('a middleware registered after the session that throws after next() writes nothing', async () => {
    // The order the docs ask for: the session outermost, a step that can fail once the route
    // answered (an audit, a post-processor) inside it.
    const hono = new Hono<SessionEnv<{ user: string }>>()
    hono.use(session({ secret: SECRET }))
    hono.use(async (c, next) => {
      await next()
      if (c.req.path === '/login') throw new Error('audit failed')
    })
    hono.get('/login', (c) => {
      c.var.session.regenerate()
      c.var.session.set('user', 'ada')
      return c.text('logged in')
    })
    hono.get('/visit', (c) => {
      c.var.session.set('user', 'bob')
      return c.text('visited')
    })
    const failed = await hono.request('https://localhost/login')
    equal(failed.status, 500)
    deepEqual(failed.headers.getSetCookie(), [])
    const visited = await hono.request('https://localhost/visit')
    equal(visited.status, 200)
    equal(visited.headers.getSetCookie().length, 1)
  })

  test("device binding's endpoints are answered by the middleware, before the app's routes", async () => {
    const binding = deviceBound()
    const hono = new Hono<SessionEnv<{ user: string }>>()
    hono.use(session({ secret: SECRET, deviceBinding: binding }))
    hono.post('/login', (c) => {
      c.var.session.regenerate()
      c.var.session.set('user', 'ada')
      binding.bind(c.var.session)
      return c.text('in')
    })
    let reached = 0
    hono.all('*', (c) => {
      reached++
      return c.text('the app', 404)
    })
    const login = await hono.request('https://localhost/login', { method: 'POST' })
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!
    const challenge = challengeIn(login.headers.get('secure-session-registration'))
    const proof = await (await device()).proof(challenge, { withKey: true })
    const registered = await hono.request('https://localhost/__session/dbsc/register', {
      method: 'POST',
      headers: { cookie, 'secure-session-response': proof },
    })
    equal(registered.status, 200)
    ok(registered.headers.getSetCookie().some((c) => c.startsWith('session-bound=')))
    equal(reached, 0)
  })
})
