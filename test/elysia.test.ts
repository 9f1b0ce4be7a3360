// sealed-session/elysia inside Elysia itself (in-process, through `app.handle`). Elysia's example,
// served by Elysia on Bun, runs in test/frameworks.mjs.
import { Elysia, t } from 'elysia'
import { deviceBound } from 'sealed-session/device-bound'
import { type Session, session } from 'sealed-session/elysia'
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

  test('an error raised after the handler (a later hook, the response schema, serializing) writes nothing', async () => {
    // Each route logs in (regenerate, then a change), answers a plain value, and fails after it.
    const login = <T>({ session }: { session: Session<Data> }, value: T): T => {
      session.regenerate()
      session.set('user', 'ada')
      return value
    }
    const failures: [string, number, Elysia][] = [
      [
        'a later afterHandle hook throws',
        500,
        elysia()
          .use(session<Data>({ secret: SECRET }))
          .onAfterHandle(() => {
            throw new Error('audit failed')
          })
          .get('/login', (c) => login(c, { ok: true })) as unknown as Elysia,
      ],
      [
        'the value fails its response schema',
        422,
        elysia()
          .use(session<Data>({ secret: SECRET }))
          .get('/login', (c) => login(c, { ok: 'yes' }) as never, {
            response: t.Object({ ok: t.Number() }),
          }) as unknown as Elysia,
      ],
      [
        'the value cannot be serialized',
        500,
        elysia()
          .use(session<Data>({ secret: SECRET }))
          .get('/login', (c) => login(c, { n: 1n })) as unknown as Elysia,
      ],
      [
        "the app's own onError, ahead of the plugin, answers",
        503,
        elysia()
          .onError(() => new Response('down', { status: 503 }))
          .use(session<Data>({ secret: SECRET }))
          .onAfterHandle(() => {
            throw new Error('audit failed')
          })
          .get('/login', (c) => login(c, { ok: true })) as unknown as Elysia,
      ],
    ]
    for (const [what, status, failing] of failures) {
      // Without ahead-of-time compilation (workerd), Elysia answers a failure after the handler
      // with the handler's value (a 200), its validator compiles code, and a value it cannot
      // serialize makes its own error handler throw.
      if (WORKERD && /schema|serialized/.test(what)) continue
      const r = await call(failing, '/login')
      equal(r.res.status, WORKERD ? 200 : status, what)
      deepEqual(r.setCookies, [], what)
      equal(r.res.headers.get('cache-control'), null, what)
    }
  })

  test("an error response keeps the app's own Set-Cookie, without the session's", async () => {
    const a = elysia()
      .use(session<Data>({ secret: SECRET }))
      .onAfterHandle(({ path }) => {
        if (path === '/fails') throw new Error('audit failed')
      })
      .get('/ok', ({ session, set }) => {
        set.headers['set-cookie'] = 'theme=dark; Path=/'
        session.set('user', 'ada')
        return { ok: true }
      })
      .get('/fails', ({ session, set }) => {
        set.headers['set-cookie'] = 'theme=dark; Path=/'
        session.set('user', 'ada')
        return { ok: true }
      })
    const ok = await call(a, '/ok')
    equal(ok.res.status, 200)
    deepEqual(
      ok.setCookies.map((c) => c.split('=')[0]),
      ['theme', 'session'],
    )
    const failed = await call(a, '/fails')
    equal(failed.res.status, WORKERD ? 200 : 500)
    deepEqual(failed.setCookies, ['theme=dark; Path=/'])
  })

  test('an error after the handler writes neither of two sessions (two keys, two cookies)', async () => {
    const two = elysia()
      .use(
        session<Data, Record<string, unknown>, 'auth'>(
          { secret: SECRET, cookie: { name: 'auth' } },
          { key: 'auth' },
        ),
      )
      .use(
        session<{ theme: string }, Record<string, unknown>, 'prefs'>(
          { secret: SECRET, cookie: { name: 'prefs' } },
          { key: 'prefs' },
        ),
      )
      .onAfterHandle(({ path }) => {
        if (path === '/fails') throw new Error('audit failed')
      })
      .get('/ok', ({ auth, prefs }) => {
        auth.regenerate()
        auth.set('user', 'ada')
        prefs.set('theme', 'dark')
        return { ok: true }
      })
      .get('/fails', ({ auth, prefs }) => {
        auth.regenerate()
        auth.set('user', 'ada')
        prefs.set('theme', 'dark')
        return { ok: true }
      })
    const ok = await call(two, '/ok')
    deepEqual(ok.setCookies.map((c) => c.split('=')[0]).sort(), ['auth', 'prefs'])
    const failed = await call(two, '/fails')
    equal(failed.res.status, WORKERD ? 200 : 500)
    deepEqual(failed.setCookies, [])
    equal(failed.res.headers.get('cache-control'), null)
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
