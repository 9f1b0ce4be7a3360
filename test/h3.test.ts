// sealed-session/h3 inside h3 v2 itself (in-process, through `app.fetch`), on every runtime. h3 v1
// (Nuxt 4, Nitro 2) has its own install and runs in test/frameworks.mjs (h3-v1, nuxt).
import { H3, HTTPError } from 'h3'
import { deviceBound } from 'sealed-session/device-bound'
import { session } from 'sealed-session/h3'
import { challengeIn, device } from './dbsc-client.ts'
import { deepEqual, describe, equal, ok, test } from './harness.ts'
import { SECRET } from './helpers.ts'

type Data = { count?: number; user?: string }
const data = (event: { context: object }) =>
  (event.context as { session: import('sealed-session').Session<Data> }).session

function app(options: Parameters<typeof session>[0] = { secret: SECRET }) {
  const h3 = new H3().use(session(options))
  h3.get('/', (event) => {
    const s = data(event)
    s.set('count', (s.get('count') ?? 0) + 1)
    return { count: s.get('count') }
  })
  h3.get('/read', (event) => ({ count: data(event).get('count') ?? null }))
  h3.get('/response', (event) => {
    data(event).set('user', 'ada')
    return new Response('made', { status: 201 })
  })
  h3.get('/two-factor', (event) => {
    data(event).regenerate()
    data(event).set('user', 'mallory')
    throw new HTTPError({ status: 401, message: 'second factor refused' })
  })
  h3.get('/fail', (event) => {
    data(event).set('count', 100)
    throw new Error('the route failed after changing the session')
  })
  return h3
}

async function call(h3: H3, path: string, cookie?: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers)
  if (cookie) headers.set('cookie', cookie)
  const res = await h3.fetch(new Request(`https://localhost${path}`, { ...init, headers }))
  const setCookies = res.headers.getSetCookie()
  return { res, setCookies, body: await res.text(), cookie: setCookies[0]?.split(';')[0] }
}

describe('h3 v2 middleware', () => {
  test('a plain value gets the cookie and Cache-Control: private; an unchanged read writes nothing', async () => {
    const h3 = app()
    const first = await call(h3, '/')
    deepEqual(JSON.parse(first.body), { count: 1 })
    equal(first.setCookies.length, 1)
    equal(first.res.headers.get('cache-control'), 'private')
    deepEqual(JSON.parse((await call(h3, '/', first.cookie)).body), { count: 2 })
    deepEqual((await call(h3, '/read', first.cookie)).setCookies, [])
  })

  test('a route answering with a Response gets the cookie on it', async () => {
    const { res, setCookies } = await call(app(), '/response')
    equal(res.status, 201)
    equal(setCookies.length, 1)
  })

  test('a route that throws after changing the session writes nothing (HTTPError or error)', async () => {
    const h3 = app()
    const { cookie } = await call(h3, '/')
    const refused = await call(h3, '/two-factor', cookie)
    equal(refused.res.status, 401)
    deepEqual(refused.setCookies, [])
    const failed = await call(h3, '/fail', cookie)
    equal(failed.res.status, 500)
    deepEqual(failed.setCookies, [])
    deepEqual(JSON.parse((await call(h3, '/', cookie)).body), { count: 2 })
  })

  test('two middlewares on one key are refused with ERR_OPTION_INVALID', async () => {
    let refused: unknown
    const twice = new H3({ onError: (error) => void (refused = error.cause ?? error) })
    twice
      .use(session({ secret: SECRET, cookie: { name: 'a' } }))
      .use(session({ secret: SECRET, cookie: { name: 'b' } }))
    twice.get('/', () => 'unreachable')
    await twice.fetch(new Request('http://localhost/'))
    equal((refused as { code?: string } | undefined)?.code, 'ERR_OPTION_INVALID')
  })

  test("device binding's endpoints are answered by the middleware, before the app's routes", async () => {
    const binding = deviceBound()
    const h3 = new H3().use(session({ secret: SECRET, deviceBinding: binding }))
    h3.post('/login', (event) => {
      data(event).regenerate()
      data(event).set('user', 'ada')
      binding.bind(data(event))
      return 'in'
    })
    let reached = 0
    h3.all('/**', () => {
      reached++
      return new Response('the app', { status: 404 })
    })
    const login = await call(h3, '/login', undefined, { method: 'POST' })
    const challenge = challengeIn(login.res.headers.get('secure-session-registration'))
    const proof = await (await device()).proof(challenge, { withKey: true })
    const registered = await call(h3, '/__session/dbsc/register', login.cookie, {
      method: 'POST',
      headers: { 'secure-session-response': proof },
    })
    equal(registered.res.status, 200)
    ok(registered.setCookies.some((c) => c.startsWith('session-bound=')))
    equal(reached, 0)
  })
})
