// sealed-session/elysia inside Elysia itself (in-process, through `app.handle`). Elysia's example,
// served by Elysia on Bun, runs in test/frameworks.mjs.
import { Elysia } from 'elysia'
import { deviceBound } from 'sealed-session/device-bound'
import { session } from 'sealed-session/elysia'
import { challengeIn, device } from './dbsc-client.ts'
import { deepEqual, describe, equal, ok, test } from './harness.ts'
import { SECRET } from './helpers.ts'

type Data = { count: number; user: string }

// workerd refuses the code generation (`new Function`) of Elysia's ahead-of-time compilation.
const WORKERD = globalThis.navigator?.userAgent === 'Cloudflare-Workers'
const elysia = () => new Elysia({ aot: !WORKERD })

function app() {
  return elysia()
    .use(session<Data>({ secret: SECRET }))
    .get('/', ({ session }) => {
      session.set('count', (session.get('count') ?? 0) + 1)
      return { count: session.get('count') }
    })
    .get('/read', ({ session }) => ({ count: session.get('count') ?? null }))
    .get('/response', ({ session }) => {
      session.set('user', 'ada')
      return new Response('made', { status: 201 })
    })
    .get('/two-factor', ({ session, status }) => {
      session.regenerate()
      session.set('user', 'mallory')
      throw status(401, 'second factor refused')
    })
    .get('/fail', ({ session }) => {
      session.set('count', 100)
      throw new Error('the handler failed after changing the session')
    })
}

async function call(
  handler: { handle(request: Request): Promise<Response> },
  path: string,
  cookie?: string,
  init: RequestInit = {},
) {
  const headers = new Headers(init.headers)
  if (cookie) headers.set('cookie', cookie)
  const res = await handler.handle(new Request(`https://localhost${path}`, { ...init, headers }))
  const setCookies = res.headers.getSetCookie()
  return { res, setCookies, body: await res.text(), cookie: setCookies[0]?.split(';')[0] }
}

describe('elysia plugin', () => {
  test('a plain value gets the cookie and Cache-Control: private; an unchanged read writes nothing', async () => {
    const a = app()
    const first = await call(a, '/')
    deepEqual(JSON.parse(first.body), { count: 1 })
    equal(first.setCookies.length, 1)
    equal(first.res.headers.get('cache-control'), 'private')
    deepEqual(JSON.parse((await call(a, '/', first.cookie)).body), { count: 2 })
    deepEqual((await call(a, '/read', first.cookie)).setCookies, [])
  })

  test('a handler answering with a Response gets the cookie on it', async () => {
    const { res, setCookies } = await call(app(), '/response')
    equal(res.status, 201)
    equal(setCookies.length, 1)
  })

  test('a handler that throws after changing the session writes nothing (a status or an error)', async () => {
    const a = app()
    const { cookie } = await call(a, '/')
    const refused = await call(a, '/two-factor', cookie)
    equal(refused.res.status, WORKERD ? 500 : 401) // without AOT, Elysia 1.4 answers a thrown status with 500
    deepEqual(refused.setCookies, [])
    const failed = await call(a, '/fail', cookie)
    equal(failed.res.status, 500)
    deepEqual(failed.setCookies, [])
    deepEqual(JSON.parse((await call(a, '/', cookie)).body), { count: 2 })
  })

  test('two sessions on one key are refused with ERR_OPTION_INVALID', async () => {
    let refused: unknown
    const twice = elysia()
      .onError(({ error }) => void (refused = error))
      .use(session({ secret: SECRET, cookie: { name: 'a' } }))
      .use(session({ secret: SECRET, cookie: { name: 'b' } }))
      .get('/', () => 'unreachable')
    await call(twice, '/')
    equal((refused as { code?: string } | undefined)?.code, 'ERR_OPTION_INVALID')
  })

  test("device binding's endpoints are answered before Elysia's routing", async () => {
    const binding = deviceBound()
    let reached = 0
    const a = elysia()
      .use(session<Data>({ secret: SECRET, deviceBinding: binding }))
      .post('/login', ({ session }) => {
        session.regenerate()
        session.set('user', 'ada')
        binding.bind(session)
        return 'in'
      })
      .onError(({ code }) => {
        if (code === 'NOT_FOUND') reached++
      })
    const login = await call(a, '/login', undefined, { method: 'POST' })
    const challenge = challengeIn(login.res.headers.get('secure-session-registration'))
    const proof = await (await device()).proof(challenge, { withKey: true })
    const registered = await call(a, '/__session/dbsc/register', login.cookie, {
      method: 'POST',
      headers: { 'secure-session-response': proof },
    })
    equal(registered.res.status, 200)
    ok(registered.setCookies.some((c) => c.startsWith('session-bound=')))
    equal(reached, 0)
  })
})
