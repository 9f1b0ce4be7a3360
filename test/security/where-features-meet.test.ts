// SECURITY-CASES.md, "Where features meet": the cases where two options meet (options functions
// and clocks, legacy readers with revocation and logout, adapters with old cookies, device binding
// with the commit memo and chunk names, shared caches). Each test failed before its fix.
import { Hono } from 'hono'
import { createSessionStore, type SessionOptions, withSession } from 'sealed-session'
import { deviceBound } from 'sealed-session/device-bound'
import { session as honoSession, type SessionEnv } from 'sealed-session/hono'
import { cookieSession } from 'sealed-session/legacy/cookie-session'
import { iron } from 'sealed-session/legacy/iron'
import { reactRouter } from 'sealed-session/legacy/react-router'
import { getSession } from 'sealed-session/next'
import { createCookieSessionStorage } from 'sealed-session/react-router'
import { memoryStore, revocation } from 'sealed-session/revocation'
import { device } from '../dbsc-client.ts'
import { describe, equal, match, ok, rejects, test, throws } from '../harness.ts'
import { request, SECRET, T0 } from '../helpers.ts'
import vectors from '../legacy-vectors.json' with { type: 'json' }

const DAY = 86_400_000
const { cookieSession: cs, iron: fe, reactRouter: rr } = vectors
const live = (res: Response) =>
  res.headers
    .getSetCookie()
    .filter((c) => !/Max-Age=0/.test(c))
    .map((c) => c.split(';')[0])
    .join('; ')
const post = (path: string, cookie: string, headers: Record<string, string> = {}) =>
  request(path, cookie, { method: 'POST', headers })
const challengeOf = (res: Response) =>
  /challenge="([^"]+)"/.exec(res.headers.get('secure-session-registration') ?? '')?.[1] ?? ''

describe('SECURITY-CASES', () => {
  describe('Where features meet', () => {
    test('an options function: legacy readers use the clock of the call, not the first one', async () => {
      // Made once, outside the options function, as the docs ask: one store for every call.
      const reader = cookieSession({ name: cs.name, keys: cs.keys })
      const app = withSession<Record<string, unknown>, [{ now: number }]>(
        (_request, session) => {
          session.set('seen', true)
          return new Response(String(session.get('user')))
        },
        (_request, env) => ({
          secret: SECRET,
          legacy: [reader],
          now: () => env.now,
        }),
      )
      await app(request('/'), { now: T0 })
      const res = await app(request('/', cs.cookie), { now: T0 + 30 * DAY })
      equal(await res.text(), 'ada')
      const ours = res.headers.getSetCookie().find((c) => c.startsWith('session=e'))
      ok(ours, 'the migrated session is written')
      match(ours, /Max-Age=[1-9]/, 'and not already expired (createdAt from the first call)')
    })

    test('an options function: the DBSC endpoints use the clock of the call', async () => {
      const binding = deviceBound()
      const app = withSession<Record<string, unknown>, [{ now: number }]>(
        (_request, session) => {
          session.set('user', 'ada')
          binding.bind(session)
          return new Response('')
        },
        (_request, env) => ({ secret: SECRET, deviceBinding: binding, now: () => env.now }),
      )
      await app(request('/'), { now: T0 })
      const login = await app(post('/login', ''), { now: T0 + 90 * DAY })
      const jwt = await (await device()).proof(challengeOf(login), { withKey: true })
      const reg = await app(
        post('/__session/dbsc/register', live(login), { 'secure-session-response': jwt }),
        {
          now: T0 + 90 * DAY + 1000,
        },
      )
      equal(reg.status, 200)
    })

    test('bind() after save() still asks the browser to register', async () => {
      const binding = deviceBound()
      const app = withSession(
        async (_request, session) => {
          session.set('user', 'ada')
          await session.save()
          binding.bind(session)
          return new Response('')
        },
        { secret: SECRET, deviceBinding: binding },
      )
      ok((await app(post('/login', ''))).headers.has('secure-session-registration'))
    })

    test('the Hono middleware answers the DBSC endpoints', async () => {
      const binding = deviceBound()
      const app = new Hono<SessionEnv>()
      app.use(honoSession({ secret: SECRET, deviceBinding: binding }))
      app.post('/login', (c) => {
        c.var.session.set('user', 'ada')
        binding.bind(c.var.session)
        return c.text('')
      })
      const login = await app.fetch(post('/login', ''))
      const jwt = await (await device()).proof(challengeOf(login), { withKey: true })
      const reg = await app.fetch(
        post('/__session/dbsc/register', live(login), { 'secure-session-response': jwt }),
      )
      equal(reg.status, 200)
    })

    for (const [label, headers] of [
      ['Cache-Control: max-age=600', { 'cache-control': 'max-age=600' }],
      ['CDN-Cache-Control: max-age=600', { 'cdn-cache-control': 'max-age=600' }],
      ['Surrogate-Control: max-age=600', { 'surrogate-control': 'max-age=600' }],
    ] as const) {
      test(`a shared-cacheable response (${label}): a change is written only with it made private everywhere`, async () => {
        const app = withSession(
          (_request, session) => {
            session.set('user', 'ada')
            return new Response('', { headers })
          },
          { secret: SECRET },
        )
        const res = await app(request('/'))
        ok(res.headers.getSetCookie().length > 0)
        match(res.headers.get('cache-control') ?? '', /private/)
        for (const name of ['cdn-cache-control', 'surrogate-control']) {
          ok(!/max-age|public/.test(res.headers.get(name) ?? ''), `${name} must not let a CDN store it`)
        }
      })
    }

    test('an implicit renewal is left off a max-age response', async () => {
      let now = T0
      const app = withSession(
        (request, session) => {
          if (new URL(request.url).pathname === '/login') session.set('user', 'ada')
          return new Response('', { headers: { 'cache-control': 'max-age=600' } })
        },
        { secret: SECRET, now: () => now },
      )
      const cookie = live(await app(request('/login')))
      now += 2 * DAY
      equal((await app(request('/', cookie))).headers.getSetCookie().length, 0)
    })

    test('revoking an iron session holds whatever follows the ~ (outside the MAC)', async () => {
      const revoker = revocation({ store: memoryStore(), subject: (s) => s.get('user') as string })
      const store = createSessionStore({
        secret: SECRET,
        now: () => fe.madeAt,
        revocation: revoker,
        legacy: [iron({ cookieName: fe.cookieName, password: fe.password })],
      })
      const a = await store.load(fe.cookie)
      ok(!a.isNew)
      await revoker.revoke(a)
      for (const suffix of ['~9', '~', '']) {
        ok((await store.load(fe.cookie.replace(/~.*$/, suffix))).isNew, `with ${JSON.stringify(suffix)}`)
      }
    })

    test('the react-router adapter never loses a logout: destroySession refuses what one line cannot carry', async () => {
      const storage = createCookieSessionStorage({
        secret: SECRET,
        legacy: [reactRouter({ name: rr.name, secrets: rr.secrets })],
      })
      const login = await storage.getSession(null)
      login.set('user', 'ada')
      const ours = (await storage.commitHeaders(login)).getSetCookie()[0]!.split(';')[0]!
      // Our cookie and the old library's both arrive; ours opens, the old one is never read.
      const session = await storage.getSession(`${ours}; ${rr.cookie}`)
      await rejects(storage.destroySession(session), 'ERR_OPTION_INVALID')
      const headers = await storage.commitHeaders(session)
      const lines = headers.getSetCookie()
      ok(
        lines.some((l) => l.startsWith(`${rr.name}=;`)),
        `the old cookie is deleted: ${lines}`,
      )
    })

    test("the Next adapter: logout deletes our cookie beside an old library's of the same name", async () => {
      const options: SessionOptions = {
        secret: SECRET,
        legacy: [cookieSession({ name: 'session', keys: cs.keys, domain: 'example.com' })],
      }
      // Next's cookie stores keep one cookie per name (@edge-runtime/cookies).
      const jar = new Map<string, { value: string; attributes: { domain?: string; maxAge?: number } }>()
      const store = (cookie: string) => ({
        getAll: () =>
          cookie.split('; ').map((p) => ({ name: p.split('=')[0]!, value: p.slice(p.indexOf('=') + 1) })),
        set: (name: string, value: string, attributes: { domain?: string; maxAge?: number }) =>
          void jar.set(name, { value, attributes }),
      })
      const login = await getSession(store('x=1'), { secret: SECRET })
      login.set('user', 'ada')
      await login.save()
      const ours = `session=${jar.get('session')!.value}`
      jar.clear()
      const out = await getSession(store(`${ours}; session.sig=x`), options)
      out.destroy()
      await out.save()
      const kept = jar.get('session')
      ok(
        kept && kept.attributes.maxAge === 0 && kept.attributes.domain === undefined,
        'our own deletion is kept',
      )
    })

    test('deviceBound() refuses a cookie name of a session chunk', () => {
      const binding = deviceBound({ cookieName: 'session.1' })
      throws(() => createSessionStore({ secret: SECRET, deviceBinding: binding }), 'ERR_COOKIE_OPTION')
    })

    test('revoke(session) with a clock that is not a time throws', async () => {
      const revoker = revocation({
        store: memoryStore(),
        subject: (s) => s.get('user') as string,
        now: () => Number.NaN,
      })
      const store = createSessionStore({ secret: SECRET, revocation: revoker })
      const session = await store.load(null)
      session.set('user', 'ada')
      await rejects(() => revoker.revoke(session), 'ERR_OPTION_INVALID')
    })

    test('an in-place change after a failed save() is written', async () => {
      const store = createSessionStore({ secret: SECRET })
      const first = await store.load(null)
      first.set('cart', { items: ['a'] })
      const cookie = (await store.commit(first)).setCookie[0]!.split(';')[0]!
      const session = await store.load(cookie)
      const cart = session.get('cart') as { items: string[] }
      cart.items.push('x'.repeat(5000))
      await rejects(() => session.save())
      cart.items.splice(1, 1, 'b')
      equal((await store.commit(session)).setCookie.length, 1)
    })

    test('a revocation covers an old library cookie in a process started two weeks later', async () => {
      let now = T0
      const shared = memoryStore({ now: () => now })
      const open = () =>
        createSessionStore({
          secret: SECRET,
          now: () => now,
          revocation: revocation({ store: shared, subject: (s) => s.get('user') as string, now: () => now }),
          legacy: [cookieSession({ name: cs.name, keys: cs.keys })],
        })
      const r = revocation({ store: shared, subject: (s) => s.get('user') as string, now: () => now })
      createSessionStore({
        secret: SECRET,
        revocation: r,
        legacy: [cookieSession({ name: cs.name, keys: cs.keys })],
      })
      await r.revokeSubject('ada')
      now += 15 * DAY
      ok((await open().load(cs.cookie)).isNew, 'the stolen cookie-session cookie stays revoked')
    })

    test('logout expires an old library cookie under the path of the request', async () => {
      const app = withSession(
        (_request, session) => {
          session.destroy()
          return new Response('')
        },
        { secret: SECRET, legacy: [cookieSession({ name: cs.name, keys: cs.keys })] },
      )
      const res = await app(request('/app/logout', cs.cookie))
      ok(res.headers.getSetCookie().some((c) => c.startsWith(`${cs.name}=;`) && /Path=\/app(;|$)/.test(c)))
    })
  })
})
