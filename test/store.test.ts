// The public store (createSessionStore): loading from every source, committing to Set-Cookie
// values, applying to a Response, wrapping a handler, named sessions, per-session lifetimes,
// options resolved once, and the glue a framework without an adapter writes.
import { Hono } from 'hono'
import { createSessionStore, type InvalidReason, type SessionOptions, withSession } from 'sealed-session'
import { type SessionEnv, session } from 'sealed-session/hono'
import { base64urlDecode } from '../src/core/encoding.ts'
import { storeResolver } from '../src/core/resolver.ts'
import { handleOf } from '../src/core/session.ts'
import { deepEqual, describe, equal, match, notEqual, ok, rejects, test, throws } from './harness.ts'
import { type AnyData, clock, cookieValue, countSubtle, OLD_SECRET, request, SECRET, T0 } from './helpers.ts'
import vectorsV1 from './vectors-v1.json' with { type: 'json' }

const HOUR = 3600 * 1000

function store(options: Partial<SessionOptions> = {}) {
  return createSessionStore<AnyData>({ secret: SECRET, now: () => T0, ...options } as SessionOptions)
}

/** `name=value` of each Set-Cookie value. */
function pairs(setCookies: readonly string[]): string {
  return setCookies.map((c) => c.split(';')[0]).join('; ')
}

describe('store', () => {
  describe('load', () => {
    test('reads the same session from a Request, its Headers, the Cookie header string, or its lines', async () => {
      const s = store()
      const fresh = await s.load(null)
      fresh.set('user', 'ada')
      const cookie = pairs((await s.commit(fresh)).setCookie)
      const req = request('/', `theme=dark; ${cookie}`)
      const sources = [req, req.headers, `theme=dark; ${cookie}`, ['theme=dark', cookie]] as const
      for (const source of sources) {
        const loaded = await s.load(source)
        equal(loaded.isNew, false, typeof source)
        equal(loaded.get('user'), 'ada')
        equal(loaded.id, fresh.id)
      }
    })

    test('no cookie, null, undefined, an empty string: a new empty session, no reason reported', async () => {
      const reasons: InvalidReason[] = []
      const s = store({ onInvalid: (r) => reasons.push(r) })
      for (const source of [null, undefined, '', [], new Headers(), request()]) {
        const loaded = await s.load(source)
        equal(loaded.isNew, true)
        deepEqual((await s.commit(loaded)).setCookie, [])
      }
      deepEqual(reasons, [])
    })

    test('a bad cookie from any source is a new session; onInvalid gets the Request when there is one', async () => {
      const seen: [InvalidReason, Request | undefined][] = []
      const s = store({ onInvalid: (r, req) => seen.push([r, req]) })
      const req = request('/', 'session=junk')
      equal((await s.load(req)).isNew, true)
      equal((await s.load('session=junk')).isNew, true)
      equal(seen.length, 2)
      equal(seen[0]![1], req)
      equal(seen[1]![1], undefined)
      // Arbitrary strings never throw.
      for (let i = 0; i < 200; i++) {
        const junk = Array.from(crypto.getRandomValues(new Uint8Array(40)), (b) =>
          String.fromCharCode(b),
        ).join('')
        equal((await s.load(`session=${junk}`)).isNew, true)
      }
    })
  })

  describe('commit and apply', () => {
    test('commit gives the Set-Cookie values needed now; the session stays usable and commits again', async () => {
      const s = store()
      const session = await s.load(null)
      deepEqual((await s.commit(session)).setCookie, [], 'nothing to write for an empty new session')
      session.set('n', 1)
      const first = (await s.commit(session)).setCookie
      equal(first.length, 1)
      match(first[0]!, /^session=e2/)
      session.set('n', 2)
      const second = (await s.commit(session)).setCookie
      notEqual(second[0], first[0])
      equal((await s.load(pairs(second))).get('n'), 2)
    })

    test('apply appends to the response, keeps its own cookies, makes it private, and closes the session', async () => {
      const s = store()
      const session = await s.load(null)
      session.set('n', 1)
      const response = new Response('ok', { headers: { 'set-cookie': 'theme=dark' } })
      const out = await s.apply(session, response)
      const set = out.headers.getSetCookie()
      equal(set.length, 2)
      equal(set[0], 'theme=dark')
      match(set[1]!, /^session=/)
      equal(out.headers.get('cache-control'), 'private')
      throws(() => session.set('n', 2), 'ERR_SESSION_COMMITTED')
    })

    test('apply closes the session as it takes its snapshot: a change while it seals throws', async () => {
      const s = store()
      const session = await s.load(null)
      session.set('n', 1)
      const applying = s.apply(session, new Response('streaming body'))
      throws(() => session.set('n', 2), 'ERR_SESSION_COMMITTED')
      const out = await applying
      equal((await s.load(pairs(out.headers.getSetCookie()))).get('n'), 1)
    })

    test('apply re-wraps a response with immutable headers', async () => {
      const s = store()
      const session = await s.load(null)
      session.set('n', 1)
      const redirect = Response.redirect('http://localhost/next', 302)
      const out = await s.apply(session, redirect)
      equal(out.status, 302)
      equal(out.headers.get('location'), 'http://localhost/next')
      equal(out.headers.getSetCookie().length, 1)
    })

    test('a session is committed by the store that loaded it', async () => {
      const a = store()
      const b = store({ cookie: { name: 'other' } })
      const session = await a.load(null)
      session.set('n', 1)
      await rejects(b.commit(session as never), 'ERR_OPTION_INVALID')
    })
  })

  describe('handle', () => {
    test('wraps a handler, passing the runtime arguments through', async () => {
      const s = store()
      const fetch = s.handle(async (req, session, env: { greeting: string }, ctx: { id: number }) => {
        session.set('n', ((session.get('n') as number) ?? 0) + 1)
        return new Response(`${env.greeting} ${ctx.id} ${session.get('n')} ${new URL(req.url).pathname}`)
      })
      const first = await fetch(request('/a'), { greeting: 'hi' }, { id: 7 })
      equal(await first.text(), 'hi 7 1 /a')
      const again = await fetch(
        request('/b', pairs(first.headers.getSetCookie())),
        { greeting: 'yo' },
        { id: 8 },
      )
      equal(await again.text(), 'yo 8 2 /b')
    })
  })

  describe('a framework without an adapter', () => {
    // The glue any framework needs: the Cookie header in, Set-Cookie values out. Here a toy
    // framework whose loaders return data plus headers, like React Router's.
    type Loader = (args: { cookie: string | null }) => Promise<{ data: unknown; headers: Headers }>
    async function serve(loader: Loader, cookie: string | null) {
      const { data, headers } = await loader({ cookie })
      return { data, setCookies: headers.getSetCookie() }
    }
    const sessions = createSessionStore<{ count?: number }>({ secret: SECRET })
    const counter: Loader = async ({ cookie }) => {
      const s = await sessions.load(cookie)
      s.set('count', (s.get('count') ?? 0) + 1)
      const headers = new Headers()
      for (const value of (await sessions.commit(s)).setCookie) headers.append('set-cookie', value)
      return { data: s.get('count'), headers }
    }

    test('a counter survives across requests with five lines of glue', async () => {
      let cookie: string | null = null
      for (let i = 1; i <= 3; i++) {
        const { data, setCookies } = await serve(counter, cookie)
        equal(data, i)
        cookie = pairs(setCookies)
      }
    })
  })

  describe('named sessions', () => {
    test('several stores, each with its own cookie and options, on one request', async () => {
      const auth = store({ cookie: { name: '__Host-auth' } })
      const prefs = store({ cookie: { name: 'prefs' }, mode: 'signed' })
      const req0 = request()
      const [a, p] = [await auth.load(req0), await prefs.load(req0)]
      a.set('user', 'ada')
      p.set('theme', 'dark')
      const cookies = pairs([...(await auth.commit(a)).setCookie, ...(await prefs.commit(p)).setCookie])
      match(cookies, /^__Host-auth=e2.*; prefs=s2/)
      const req = request('/', cookies)
      equal((await auth.load(req)).get('user'), 'ada')
      equal((await prefs.load(req)).get('theme'), 'dark')
      equal((await auth.load(req)).get('theme'), undefined, 'independent data')
    })

    test('a cookie name shaped like a chunk cookie (name.1 to name.9) is refused at setup', () => {
      for (const name of ['s.1', 's.9', 'session.5']) {
        throws(() => store({ cookie: { name } }), 'ERR_COOKIE_OPTION')
      }
      // Names that merely share a prefix are fine.
      for (const name of ['s.10', 's.0', 'ss', 's.x']) store({ cookie: { name } })
    })

    test('Hono: two sessions under their own keys; a key used twice fails on the first request', async () => {
      type Env = SessionEnv<AnyData, 'auth'> & SessionEnv<AnyData, 'prefs'>
      const app = new Hono<Env>()
      app.use(session<Env, 'auth'>({ secret: SECRET, cookie: { name: '__Host-auth' } }, { key: 'auth' }))
      app.use(session<Env, 'prefs'>({ secret: SECRET, cookie: { name: 'prefs' } }, { key: 'prefs' }))
      app.get('/', (c) => {
        c.var.auth.set('user', 'ada')
        c.var.prefs.set('theme', 'dark')
        return c.text('ok')
      })
      app.get('/read', (c) => c.text(`${c.var.auth.get('user')} ${c.var.prefs.get('theme')}`))
      const first = await app.request('/')
      const names = first.headers.getSetCookie().map((c) => c.split('=')[0])
      deepEqual(names, ['prefs', '__Host-auth'])
      const read = await app.request('/read', { headers: { cookie: pairs(first.headers.getSetCookie()) } })
      equal(await read.text(), 'ada dark')

      const twice = new Hono<SessionEnv>()
      let code: string | undefined
      twice.onError((error, c) => {
        code = (error as { code?: string }).code
        return c.text('misconfigured', 500)
      })
      twice.use(session({ secret: SECRET, cookie: { name: 'a' } }))
      twice.use(session({ secret: SECRET, cookie: { name: 'b' } }))
      twice.get('/', (c) => c.text('unreachable'))
      equal((await twice.request('/')).status, 500)
      equal(code, 'ERR_OPTION_INVALID')
    })
  })

  describe('per-session lifetime', () => {
    test('a browser-session cookie ("remember me" unchecked) keeps no Max-Age through every re-seal', async () => {
      const t = clock()
      const options = { now: t.now, idleTimeout: 3600, renewThreshold: 1 }
      const s = store(options)
      const session = await s.load(null)
      session.regenerate()
      session.setLifetime({ persistent: false })
      session.set('user', 'ada')
      let set = (await s.commit(session)).setCookie
      ok(!/Max-Age/.test(set[0]!), set[0])
      // Renewal (renewThreshold 1 renews on every request) and a key rotation both re-seal it.
      for (const secret of [SECRET, [OLD_SECRET, SECRET]]) {
        t.advance(60_000)
        const rotated = store({ ...options, secret } as Partial<SessionOptions>)
        const again = await rotated.load(pairs(set))
        equal(again.get('user'), 'ada')
        const next = (await rotated.commit(again)).setCookie
        equal(next.length, 1, 're-sealed')
        ok(!/Max-Age/.test(next[0]!), 'still a browser-session cookie')
        equal(again.lifetime.persistent, false)
        set = next
      }
    })

    test('a persistent cookie with its own lifetimes: Max-Age and the sealed expiry follow them', async () => {
      const t = clock()
      const s = store({ now: t.now, maxAge: 30 * 86400, idleTimeout: 7 * 86400 })
      const session = await s.load(null)
      session.setLifetime({ maxAge: 2 * 3600, idleTimeout: 3600 })
      session.set('user', 'ada')
      const set = (await s.commit(session)).setCookie
      match(set[0]!, /; Max-Age=3600;/)
      equal(session.expiresAt, T0 + HOUR)
      t.advance(HOUR - 1)
      const later = await s.load(pairs(set))
      equal(later.isNew, false)
      deepEqual(later.lifetime, { persistent: true, maxAge: 7200, idleTimeout: 3600 })
      later.set('n', 1)
      const renewed = (await s.commit(later)).setCookie
      t.advance(HOUR) // within the idle timeout of the renewed cookie, at the absolute limit
      equal((await s.load(pairs(renewed))).isNew, true, 'the session’s own 2-hour maxAge ends it')
    })

    test('lifetimes above the configured ones, or not numbers of seconds, are refused', async () => {
      const s = store({ maxAge: 3600, idleTimeout: 600 })
      const session = await s.load(null)
      for (const bad of [
        { maxAge: 3601 },
        { idleTimeout: 601 },
        { maxAge: 0 },
        { maxAge: Number.NaN },
        { idleTimeout: -1 },
      ]) {
        throws(() => session.setLifetime(bad), 'ERR_OPTION_INVALID')
      }
      session.setLifetime({ maxAge: 3600 })
      equal(session.lifetime.maxAge, 3600)
    })

    test('a shorter configured maximum still caps a longer sealed lifetime', async () => {
      const long = store({ maxAge: 30 * 86400, idleTimeout: 30 * 86400 })
      const session = await long.load(null)
      session.setLifetime({ maxAge: 30 * 86400, idleTimeout: 30 * 86400 })
      session.set('n', 1)
      const cookie = pairs((await long.commit(session)).setCookie)
      const t = clock(T0 + 2 * HOUR)
      const short = store({ now: t.now, maxAge: 3600, idleTimeout: 3600 })
      equal((await short.load(cookie)).isNew, true)
    })
  })

  describe('format v1 tokens', () => {
    test('still read, and re-sealed as v2 on their next write', async () => {
      for (const v of vectorsV1.filter((v) => v.mode === 'encrypted')) {
        const s = createSessionStore<AnyData>({
          secret: v.secret,
          cookie: { name: v.name },
          now: () => v.touched + 1000,
        })
        const loaded = await s.load(`${v.name}=${v.token}`)
        equal(loaded.isNew, false, v.name)
        deepEqual((await s.commit(loaded)).setCookie, [], 'an unchanged v1 session is left alone')
        loaded.set('seen', true)
        const [written] = (await s.commit(loaded)).setCookie
        match(cookieValue(written!.split(';')[0]!), /^e2/)
        ok(base64urlDecode(cookieValue(written!.split(';')[0]!).slice(7)))
      }
    })
  })

  describe('options', () => {
    test('an options function returning a new object per request is resolved once per configuration', async () => {
      const resolve = storeResolver((secret: string) => ({ secret, cookie: { name: 'n' } }))
      const a = resolve(SECRET)
      equal(resolve(SECRET), a, 'the same configuration: the same store')
      notEqual(resolve(OLD_SECRET), a, 'another secret: another store')
      await a.load(null) // keys derived once, before counting
      const counts = await countSubtle(async () => {
        for (let i = 0; i < 20; i++) await resolve(SECRET).load(null)
      })
      equal(counts.importKey, 0, 'keys already derived')
    })

    test('tenants whose options are class getters, prototypes, proxies or frozen objects never share a store', async () => {
      class Tenant {
        readonly #id: string
        constructor(id: string) {
          this.#id = id
        }
        get secret() {
          return `${SECRET}-${this.#id}`
        }
        get cookie() {
          return { name: `admin_${this.#id}` }
        }
      }
      const base = { maxAge: 3600 }
      const shapes: ((id: string) => SessionOptions)[] = [
        (id) => new Tenant(id) as unknown as SessionOptions,
        (id) =>
          Object.assign(Object.create(base), { secret: `${SECRET}-${id}`, cookie: { name: `admin_${id}` } }),
        (id) =>
          new Proxy({} as SessionOptions, {
            get: (_t, k) =>
              k === 'secret' ? `${SECRET}-${id}` : k === 'cookie' ? { name: `admin_${id}` } : undefined,
          }),
        (id) => Object.freeze({ secret: `${SECRET}-${id}`, cookie: Object.freeze({ name: `admin_${id}` }) }),
      ]
      for (const [i, shape] of shapes.entries()) {
        const resolve = storeResolver((req: Request) => shape(new URL(req.url).hostname.split('.')[0]!))
        const a = resolve(new Request('https://a.example/'))
        const b = resolve(new Request('https://b.example/'))
        equal(a.cookieName, 'admin_a', `shape ${i}: tenant a's cookie name`)
        equal(b.cookieName, 'admin_b', `shape ${i}: tenant b's cookie name`)
        const s = await a.load(null)
        s.set('admin' as never, true as never)
        const line = (await a.commit(s)).setCookie[0]!.split(';')[0]!
        equal((await a.load(line)).get('admin' as never), true, `shape ${i}: tenant a opens its own cookie`)
        const renamed = line.replace('admin_a=', 'admin_b=')
        equal(
          (await b.load(renamed)).isNew,
          true,
          `shape ${i}: tenant a's cookie opens nothing under tenant b`,
        )
      }
    })

    test("the README's Workers pattern, an inline onInvalid closure per request, builds one store for 1,000 requests", async () => {
      const resolve = storeResolver((_req: Request, env: { SESSION_SECRET: string }) => ({
        secret: env.SESSION_SECRET,
        onInvalid: (reason: InvalidReason) => void reason,
      }))
      const env = { SESSION_SECRET: SECRET }
      const contexts = new Set<unknown>()
      for (let i = 0; i < 1000; i++) {
        const session = await resolve(request(), env).load(null)
        contexts.add(handleOf(session).context)
      }
      equal(contexts.size, 1, 'one store: every session shares its context')
    })

    test('the store cache drops the least recently used configuration, not the first made', () => {
      const resolve = storeResolver((n: number) => ({ secret: SECRET, cookie: { name: `t${n}` } }))
      const first = resolve(0)
      for (let n = 1; n < 1024; n++) resolve(n)
      equal(resolve(0), first, 'used again: kept')
      resolve(1024)
      equal(resolve(0), first, 'the first made, used recently, survives a new one')
      const second = resolve(1)
      notEqual(resolve(1), undefined)
      ok(second.cookieName === 't1', 'the least recently used (t1) was rebuilt')
    })

    test('an options function serving 200 tenants derives each tenant’s keys once', async () => {
      const tenants = Array.from(
        { length: 200 },
        (_, i) => `tenant-${i}-secret-${'k'.repeat(24)}-${i * 7919}`,
      )
      const app = withSession(
        (_r, s) => {
          s.set('n', 1)
          return new Response(null)
        },
        (req) => ({ secret: tenants[Number(new URL(req.url).searchParams.get('t'))]! }),
      )
      const round = () =>
        countSubtle(async () => {
          for (let i = 0; i < tenants.length; i++) await app(request(`/?t=${i}`))
        })
      equal((await round()).importKey, 200, 'first round: one import per tenant')
      equal((await round()).importKey, 0, 'second round: every keyring still cached')
    })

    test('an options function gets no store validated for another configuration that prints alike', () => {
      const resolve = storeResolver(
        (o: Partial<SessionOptions>) => ({ secret: SECRET, ...o }) as SessionOptions,
      )
      resolve({ maxAge: 60 })
      // The string '60' is not a number of seconds: it must be validated, and refused.
      throws(() => resolve({ maxAge: '60' as never }), 'ERR_OPTION_INVALID')
      resolve({ cookie: { name: 'a', path: '/' } })
      // Printed without lengths, this name would spell the configuration above and reuse its store.
      throws(() => resolve({ cookie: { name: 'a;path:/' } }), 'ERR_COOKIE_OPTION')
    })

    test('an options function whose secret list or bytes change in place gets the new configuration', () => {
      const list = [SECRET]
      const fromList = storeResolver(() => ({ secret: list, cookie: { name: 'n' } }))
      const first = fromList()
      equal(fromList(), first, 'unchanged: the same store')
      list.unshift(OLD_SECRET)
      notEqual(fromList(), first, 'a secret added to the same array: another store')
      const cookie = { name: 'a' }
      const fromCookie = storeResolver(() => ({ secret: SECRET, cookie }))
      equal(fromCookie().cookieName, 'a')
      cookie.name = 'b'
      equal(fromCookie().cookieName, 'b', 'the same cookie object, renamed: the new name')
      const bytes = new TextEncoder().encode(SECRET)
      const fromBytes = storeResolver(() => ({ secret: bytes, cookie: { name: 'n' } }))
      const byBytes = fromBytes()
      bytes[0] = bytes[0]! ^ 1
      notEqual(fromBytes(), byBytes, 'bytes changed in place: another store')
      // A Buffer's slice() is a view of the same memory: a copy of the last configuration taken
      // with it would change along, and the store of the old bytes would be reused.
      const view = new Uint8Array(new TextEncoder().encode(SECRET))
      Object.defineProperty(view, 'slice', { value: view.subarray.bind(view) })
      const fromView = storeResolver(() => ({ secret: view, cookie: { name: 'n' } }))
      const byView = fromView()
      equal(fromView(), byView, 'unchanged: the same store')
      view[0] = view[0]! ^ 1
      notEqual(fromView(), byView, 'bytes of a Buffer-like array changed in place: another store')
    })

    test('an options function alternating between tenants gets each its own store, every time', () => {
      const resolve = storeResolver((tenant: string) => ({
        secret: `${SECRET}-${tenant}`,
        cookie: { name: `s_${tenant}` },
      }))
      const seen = new Map<string, unknown>()
      for (const tenant of ['a', 'a', 'b', 'b', 'a', 'c', 'a', 'a', 'c', 'b']) {
        const store = resolve(tenant)
        equal(store.cookieName, `s_${tenant}`, `tenant ${tenant}: its cookie name`)
        if (seen.has(tenant)) equal(store, seen.get(tenant), `tenant ${tenant}: the store made for it`)
        seen.set(tenant, store)
      }
      equal(new Set(seen.values()).size, 3)
    })

    test('an options function checks every call for unknown options and hooks that are not functions', () => {
      const resolve = storeResolver(
        (o: Record<string, unknown>) => ({ secret: SECRET, ...o }) as SessionOptions,
      )
      resolve({})
      // Refused by createSessionStore; a store cached for the same known values must not hide it.
      throws(() => resolve({ maxage: 60 }), 'ERR_OPTION_INVALID')
      resolve({ cookie: { name: 'a' } })
      resolve({})
      throws(() => resolve({ cookie: { name: 'a', domian: 'example.com' } }), 'ERR_OPTION_INVALID')
      throws(() => resolve({ onInvalid: 'log' }), 'ERR_OPTION_INVALID')
      throws(() => resolve({ now: T0 }), 'ERR_OPTION_INVALID')
    })

    test('an options function whose secret list has a hole gets no store of the last configuration', () => {
      let secret: unknown[] = [SECRET, OLD_SECRET]
      const resolve = storeResolver(() => ({ secret, cookie: { name: 'n' } }) as SessionOptions)
      resolve()
      secret = []
      secret[1] = OLD_SECRET // the newest secret's variable unset
      throws(() => resolve(), 'ERR_SECRET_INVALID')
    })

    test('an unbranded copy of an extension is refused even after the real one was used', async () => {
      const { chunking } = await import('sealed-session/chunks')
      const real = chunking(3)
      let chunks: unknown = real
      const resolve = storeResolver(() => ({ secret: SECRET, chunks }) as SessionOptions)
      resolve()
      chunks = { max: real.max, split: real.split }
      throws(() => resolve(), 'ERR_OPTION_INVALID')
    })

    test('options that read differently on each read get a store for what was keyed', async () => {
      const other = `${SECRET}-other`
      let reads = 0
      const flaky = new Proxy([SECRET], {
        get: (target, key, receiver) =>
          key === '0' ? (reads++ === 0 ? SECRET : other) : Reflect.get(target, key, receiver),
      })
      let secret: unknown = flaky
      const resolve = storeResolver(() => ({ secret, now: () => T0 }) as SessionOptions)
      resolve()
      secret = `${SECRET}-third`
      resolve() // leaves the last-call fast path
      secret = [SECRET]
      const s = resolve()
      const fresh = await s.load(null)
      ;(fresh as unknown as { set(key: string, value: unknown): void }).set('user', 'ada')
      const cookie = pairs((await s.commit(fresh)).setCookie)
      equal((await store().load(cookie)).get('user'), 'ada', '[SECRET] seals under SECRET')
    })

    test('an options function keeps no request-scoped hook in the store it caches', async () => {
      const said: unknown[] = []
      const resolve = storeResolver((scoped?: object) => ({
        secret: SECRET,
        ...(scoped ? { onInvalid: (reason: InvalidReason) => void said.push([reason, scoped]) } : {}),
      }))
      // The first request, the one that makes the store, brings a closure over itself.
      await resolve({ request: 1 }).load('session=tampered')
      equal(said.length, 1, 'its own hook is called')
      // A store that kept that closure would differ from what a call without hooks gets: each
      // such call would need a face of its own over it.
      const plain = resolve()
      equal(plain.hooks.onInvalid, undefined, 'no hook of the first request')
      equal(resolve(), plain, 'the cached store itself, with the default hooks')
      await plain.load('session=tampered')
      equal(said.length, 1, "the first request's hook is not called for another request")
    })

    test('a legacy list with a hole is refused with ERR_OPTION_INVALID, statically too', () => {
      // every() skips holes, and the spread that follows reads the hole as undefined.
      throws(() => store({ legacy: new Array(1) } as Partial<SessionOptions>), 'ERR_OPTION_INVALID')
      const resolve = storeResolver(() => ({ secret: SECRET, legacy: new Array(1) }) as SessionOptions)
      throws(() => resolve(), 'ERR_OPTION_INVALID')
    })

    test('an options function gets no store of a configuration with fewer options', () => {
      let cookie: Record<string, unknown> = { name: 'n', sameSite: 'Strict' }
      const resolve = storeResolver(() => ({ secret: SECRET, cookie }) as SessionOptions)
      const strict = resolve()
      cookie = { name: 'n' }
      notEqual(resolve(), strict, 'a cookie without sameSite is Lax, not the last Strict')
    })

    test('an options function configures the secret list the way a static store reads it', async () => {
      const other = `${SECRET}-other`
      // Indices that say one secret, an iterator that says another (Array.from follows it).
      const lying = [SECRET]
      ;(lying as unknown as Record<symbol, unknown>)[Symbol.iterator] = function* () {
        yield other
      }
      let secret: unknown = [SECRET]
      const resolve = storeResolver(() => ({ secret, now: () => T0 }) as SessionOptions)
      resolve()
      secret = lying
      const fn = resolve()
      const expected = store({ secret: lying } as Partial<SessionOptions>)
      const s = await expected.load(null)
      s.set('user', 'ada')
      const cookie = pairs((await expected.commit(s)).setCookie)
      const opened = (await fn.load(cookie)) as unknown as { get(key: string): unknown }
      equal(opened.get('user'), 'ada', 'the same keys as createSessionStore')
    })

    test('two plain objects whose entries would print alike get a store each', () => {
      // A serializer's own data, reached through `this`, is part of what it does.
      const { stringify, parse } = JSON
      const a = { stringify, parse, a: 'Q', 'b;x': 'Z' }
      const b = { stringify, parse, 'a:s1:Q;b;x': 'Z' }
      let serializer: object = a
      const resolve = storeResolver(() => ({ secret: SECRET, serializer }) as SessionOptions)
      const first = resolve()
      serializer = b
      notEqual(resolve(), first, 'another object: another store')
    })

    test('an options function keeps what a plain-object serializer holds and refuses what it lacks', async () => {
      const inner = Symbol('inner')
      const hidden = {
        [inner]: JSON,
        stringify(value: unknown) {
          return (this as unknown as Record<symbol, JSON>)[inner]!.stringify(value)
        },
        parse(text: string) {
          return (this as unknown as Record<symbol, JSON>)[inner]!.parse(text)
        },
      }
      const resolve = storeResolver(() => ({ secret: SECRET, serializer: hidden }) as SessionOptions)
      const s = await resolve().load(null)
      ;(s as unknown as { set(key: string, value: unknown): void }).set('user', 'ada')
      await resolve().commit(s) // createSessionStore accepts and commits it
      // An own "__proto__" key (JSON.parse makes one) is no stringify, as createSessionStore says.
      const keyed = { ['__proto__']: { stringify: JSON.stringify, parse: JSON.parse } }
      throws(() => store({ serializer: keyed } as unknown as Partial<SessionOptions>), 'ERR_OPTION_INVALID')
      const resolve2 = storeResolver(
        () => ({ secret: SECRET, serializer: keyed }) as unknown as SessionOptions,
      )
      throws(() => resolve2(), 'ERR_OPTION_INVALID')
    })

    test('unknown option keys are refused, naming the closest valid one', () => {
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ maxage: 60 }, /unknown option maxage; did you mean maxAge\?/],
        [{ idle: 60 }, /unknown option idle/],
        [{ cookie: { naem: 'x' } }, /unknown option cookie\.naem; did you mean cookie\.name\?/],
        [{ cookie: { samesite: 'lax' } }, /did you mean cookie\.sameSite\?/],
      ]
      for (const [extra, message] of cases) {
        const error = throws(
          () => createSessionStore({ secret: SECRET, ...extra } as SessionOptions),
          'ERR_OPTION_INVALID',
        )
        match((error as Error).message, message)
      }
    })
  })
})
