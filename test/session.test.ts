import {
  type CookieTooLargeError,
  createSessionStore,
  type InvalidReason,
  SerializationError,
  type Session,
} from 'sealed-session'
import { getKeyring, normalizeSecrets } from '../src/core/keys.ts'
import { seal } from '../src/core/token.ts'
import { deepEqual, describe, equal, notEqual, ok, rejects, test } from './harness.ts'
import {
  bytes,
  clock,
  cookieValue,
  counter,
  countSubtle,
  OLD_SECRET,
  OTHER_SECRET,
  reader,
  request,
  SECRET,
  send,
  T0,
  visits,
  wrap,
} from './helpers.ts'

const SECOND = 1000
const HOUR = 3600 * SECOND

/** Seals an arbitrary body with valid crypto, to test what the session layer does with it. */
async function forge(
  body: string | Uint8Array,
  times: { created?: number; touched?: number } = {},
  name = 'session',
) {
  const ring = await getKeyring(normalizeSecrets(SECRET), 'encrypted')
  const created = times.created ?? T0
  const token = await seal(
    {
      created,
      touched: times.touched ?? created,
      sid: new Uint8Array(12),
      body: typeof body === 'string' ? bytes(body) : body,
    },
    ring,
    'encrypted',
    name,
  )
  return `${name}=${token}`
}

function recorder() {
  const reasons: InvalidReason[] = []
  return { reasons, onInvalid: (reason: InvalidReason) => reasons.push(reason) }
}

describe('session', () => {
  describe('reading and writing', () => {
    test('a request without a cookie gets a new, empty session and no Set-Cookie', async () => {
      const { setCookies, body } = await send(reader())
      deepEqual(setCookies, [])
      const seen = JSON.parse(body)
      equal(seen.isNew, true)
      deepEqual(seen.data, {})
      equal(seen.id.length, 16)
    })

    test('a counter survives round trips, and each change writes one cookie', async () => {
      const app = counter()
      let cookie: string | undefined
      for (let i = 1; i <= 3; i++) {
        const sent = await send(app, cookie)
        equal(sent.body, String(i))
        equal(sent.setCookies.length, 1)
        cookie = sent.cookie
      }
    })

    test('an unchanged session is not re-sealed: reading, or setting an equal value, writes nothing', async () => {
      const { cookie } = await send(counter())
      deepEqual((await send(reader(), cookie)).setCookies, [])
      const same = wrap<{ count: number }>((_r, s) => {
        s.set('count', 1)
        return new Response('ok')
      })
      deepEqual((await send(same, cookie)).setCookies, [])
    })

    test('a nested object changed in place is detected and written', async () => {
      const app = wrap<{ cart: string[] }>((req, s) => {
        if (req.url.endsWith('/add')) s.get('cart')?.push('apple')
        else if (!s.has('cart')) s.set('cart', [])
        return Response.json(s.get('cart'))
      })
      const first = await send(app)
      const added = await send(app, first.cookie, '/add')
      equal(added.setCookies.length, 1)
      equal((await send(app, added.cookie)).body, '["apple"]')
    })

    test('set, get, has, delete, clear, replace and data', async () => {
      const app = wrap<{ a?: number; b?: string }>((_r, s) => {
        s.set('a', 1)
        s.set('b', 'x')
        ok(s.has('a'))
        s.delete('a')
        equal(s.has('a'), false)
        equal(s.get('a'), undefined)
        const copy = s.data as Record<string, unknown>
        copy.b = 'mutated copy'
        equal(s.get('b'), 'x', 'data is a copy')
        s.replace({ a: 2 })
        deepEqual(s.data, { a: 2 })
        equal(s.isPopulated, true)
        s.clear()
        equal(s.isPopulated, false)
        s.set('b', 'kept')
        return new Response(null)
      })
      const { cookie } = await send(app)
      deepEqual(JSON.parse((await send(reader(), cookie)).body).data, { b: 'kept' })
    })

    test('isNew, isChanged and isPopulated report the state', async () => {
      const seen: boolean[][] = []
      const app = wrap((req, s) => {
        const before = [s.isNew, s.isChanged, s.isPopulated]
        if (req.url.endsWith('/write')) s.set('x', 1)
        seen.push([...before, s.isChanged, s.isPopulated])
        return new Response(null)
      })
      const { cookie } = await send(app, undefined, '/write')
      await send(app, cookie)
      deepEqual(seen, [
        [true, false, false, true, true],
        [false, false, true, false, true],
      ])
    })
  })

  describe('lifecycle', () => {
    test('reading a flash message after destroy() leaves the session destroyed: the cookie is expired', async () => {
      const store = createSessionStore<{ user?: string }, { notice: string }>({ secret: SECRET })
      const login = await store.load(null)
      login.set('user', 'ada')
      const cookie = (await store.commit(login)).setCookie[0]!.split(';')[0]!
      const session = await store.load(cookie)
      session.destroy()
      equal(session.flash('notice'), undefined)
      equal(session.isChanged, true)
      const lines = (await store.commit(session)).setCookie
      deepEqual(
        lines.map((l) => l.split(';')[0]),
        ['session='],
        'only the expiry, no fresh session',
      )
    })

    test('isChanged never throws: data the serializer refuses counts as a change, and commit() says why', async () => {
      const store = createSessionStore<Record<string, unknown>>({ secret: SECRET } as never)
      const session = await store.load(null)
      session.set('when', new Date(0))
      equal(session.isChanged, true)
      await rejects(store.commit(session), 'ERR_SESSION_SERIALIZE')
    })

    test('a second commit() with nothing changed gives the same record: no new seal, no new IV', async () => {
      const store = createSessionStore<{ n?: number }>({ secret: SECRET })
      const session = await store.load(null)
      session.set('n', 1)
      const first = await store.commit(session)
      const counts = await countSubtle(async () => {
        equal(await store.commit(session), first)
      })
      equal(counts.total, 0, 'nothing sealed again')
      session.set('n', 2)
      notEqual((await store.commit(session)).setCookie[0], first.setCookie[0], 'a change since: sealed anew')
    })

    test('destroy expires the cookie with the same attributes; without a cookie it writes nothing', async () => {
      const options = { cookie: { name: '__Secure-s', path: '/app', domain: 'example.com' } }
      const app = wrap((req, s) => {
        if (req.url.endsWith('/out')) s.destroy()
        else s.set('user', 'ada')
        return new Response(null)
      }, options)
      const { cookie } = await send(app)
      const out = await send(app, cookie, '/out')
      deepEqual(out.setCookies, [
        '__Secure-s=; Max-Age=0; Path=/app; Domain=example.com; HttpOnly; Secure; SameSite=Lax',
      ])
      deepEqual((await send(app, undefined, '/out')).setCookies, [])
    })

    test('writing after destroy starts a new session with a new id', async () => {
      const ids: string[] = []
      const app = wrap((req, s) => {
        ids.push(s.id)
        if (req.url.endsWith('/again')) {
          s.destroy()
          s.set('fresh', true)
          ids.push(s.id)
        } else s.set('old', true)
        return new Response(null)
      })
      const { cookie } = await send(app)
      const again = await send(app, cookie, '/again')
      notEqual(ids[2], ids[1])
      deepEqual(JSON.parse((await send(reader(), again.cookie)).body).data, { fresh: true })
    })

    test('regenerate issues a new id, keeps the data and restarts the absolute lifetime', async () => {
      const c = clock()
      const app = wrap(
        (req, s) => {
          if (req.url.endsWith('/login')) {
            s.regenerate()
            s.set('user', 'ada')
          } else s.set('cart', 1)
          return Response.json({ id: s.id, createdAt: s.createdAt })
        },
        { now: c.now },
      )
      const anon = await send(app)
      c.advance(5 * SECOND)
      const login = await send(app, anon.cookie, '/login')
      notEqual(JSON.parse(login.body).id, JSON.parse(anon.body).id)
      equal(JSON.parse(login.body).createdAt, T0 + 5 * SECOND)
      deepEqual(JSON.parse((await send(reader({ now: c.now }), login.cookie)).body).data, {
        cart: 1,
        user: 'ada',
      })
    })

    test('after regenerate(), expiresAt counts from the regeneration', async () => {
      const t = clock()
      const options = { now: t.now, maxAge: 8 * 3600, idleTimeout: 3600 }
      const { cookie } = await send(visits(options))
      t.advance(30 * 60 * SECOND)
      const seen = JSON.parse((await send(visits(options), cookie, '/login')).body)
      equal(seen.expiresAt, t.now() + HOUR)
    })

    test('flash: a message set on one request is read exactly once', async () => {
      const app = wrap((req, s) => {
        if (req.url.endsWith('/set')) s.flash('notice', 'saved \u2713')
        return new Response(String(s.flash('notice') ?? '-'))
      })
      // Setting and reading in the same request reads it back at once, so split set from read.
      const setter = wrap((_r, s) => {
        s.flash('notice', 'saved \u2713')
        return new Response(null)
      })
      const first = await send(setter)
      const read = await send(app, first.cookie)
      equal(read.body, 'saved \u2713')
      equal(read.setCookies.length, 1, 'reading a flash rewrites the cookie without it')
      equal((await send(app, read.cookie)).body, '-')
      equal(
        (await send(app, first.cookie)).body,
        'saved \u2713',
        'the old cookie still has it: replays are the client’s',
      )
    })

    test('flash messages do not show up in data', async () => {
      const setter = wrap((_r, s) => {
        s.set('a', 1)
        s.flash('n', 'x')
        return new Response(null)
      })
      const { cookie } = await send(setter)
      deepEqual(JSON.parse((await send(reader(), cookie)).body).data, { a: 1 })
    })
  })

  describe('time', () => {
    test('absolute lifetime: valid one millisecond before expiry, EMPTY at expiry', async () => {
      const c = clock()
      const r = recorder()
      const opts = { now: c.now, maxAge: 60, idleTimeout: 60, renewThreshold: 0, onInvalid: r.onInvalid }
      const { cookie } = await send(counter(opts))
      c.set(T0 + 60 * SECOND - 1)
      equal(JSON.parse((await send(reader(opts), cookie)).body).isNew, false)
      c.set(T0 + 60 * SECOND)
      equal(JSON.parse((await send(reader(opts), cookie)).body).isNew, true)
      deepEqual(r.reasons, ['expired'])
    })

    test('idle timeout: EMPTY with reason idle once idleTimeout passes without a write', async () => {
      const c = clock()
      const r = recorder()
      const opts = { now: c.now, maxAge: 3600, idleTimeout: 60, onInvalid: r.onInvalid }
      const { cookie } = await send(counter(opts))
      c.set(T0 + 60 * SECOND)
      equal(JSON.parse((await send(reader(opts), cookie)).body).isNew, true)
      deepEqual(r.reasons, ['idle'])
    })

    test('rolling renewal happens only once less than renewThreshold of the idle timeout remains', async () => {
      const c = clock()
      const opts = { now: c.now, maxAge: 3600, idleTimeout: 100, renewThreshold: 0.5 }
      const { cookie } = await send(counter(opts))
      c.set(T0 + 50 * SECOND)
      deepEqual((await send(reader(opts), cookie)).setCookies, [], '50 s left of 100: no renewal')
      c.set(T0 + 51 * SECOND)
      const renewed = await send(reader(opts), cookie)
      equal(renewed.setCookies.length, 1, '49 s left: renewed')
      equal(renewed.setCookies[0]!.split('; ')[1], 'Max-Age=100')
      c.set(T0 + 140 * SECOND)
      equal(
        JSON.parse((await send(reader(opts), renewed.cookie)).body).isNew,
        false,
        'renewal pushed idle expiry on',
      )
      equal(JSON.parse((await send(reader(opts), cookie)).body).isNew, true, 'the old cookie is idle')
    })

    test('a rolling session still ends at its absolute lifetime', async () => {
      const c = clock()
      const r = recorder()
      const opts = { now: c.now, maxAge: 100, idleTimeout: 30, renewThreshold: 1, onInvalid: r.onInvalid }
      let { cookie } = await send(counter(opts))
      for (let t = 20; t < 100; t += 20) {
        c.set(T0 + t * SECOND)
        const sent = await send(reader(opts), cookie)
        equal(JSON.parse(sent.body).isNew, false, `alive at ${t}s`)
        cookie = sent.cookie ?? cookie
      }
      c.set(T0 + 100 * SECOND)
      equal(JSON.parse((await send(reader(opts), cookie)).body).isNew, true)
      deepEqual(r.reasons, ['expired'])
    })

    test('Max-Age is the time to the sealed expiry, never beyond it, never beyond 400 days', async () => {
      const c = clock()
      const short = await send(counter({ now: c.now, maxAge: 1000, idleTimeout: 400 }))
      equal(short.setCookies[0]!.split('; ')[1], 'Max-Age=400')
      c.set(T0 + 800 * SECOND)
      const renewed = await send(counter({ now: c.now, maxAge: 1000, idleTimeout: 400 }), undefined)
      equal(renewed.setCookies[0]!.split('; ')[1], 'Max-Age=400')
      const near = clock(T0)
      const opts = { now: near.now, maxAge: 1000, idleTimeout: 400, renewThreshold: 1 }
      let { cookie } = await send(counter(opts))
      for (const t of [300, 600, 900]) {
        near.set(T0 + t * SECOND)
        cookie = (await send(counter(opts), cookie)).cookie
      }
      near.set(T0 + 950 * SECOND)
      const late = await send(counter(opts), cookie)
      equal(late.body, '5', 'still the same session')
      equal(late.setCookies[0]!.split('; ')[1], 'Max-Age=50', 'capped by the absolute lifetime')
      const long = await send(counter({ now: () => T0, maxAge: 400 * 86400, idleTimeout: 400 * 86400 }))
      equal(long.setCookies[0]!.split('; ')[1], 'Max-Age=34560000')
    })

    test('sessionCookie writes no Max-Age, yet the sealed expiry still applies', async () => {
      const c = clock()
      const opts = { now: c.now, maxAge: 10, cookie: { sessionCookie: true } }
      const { setCookies, cookie } = await send(counter(opts))
      ok(!/max-age|expires/i.test(setCookies[0]!))
      c.set(T0 + 10 * SECOND)
      equal(JSON.parse((await send(reader(opts), cookie)).body).isNew, true)
    })

    test('a clock with fractional milliseconds writes and reads sessions', async () => {
      const now = () => T0 + 0.123456
      const first = await send(visits({ now }))
      equal(first.response.status, 200)
      equal(JSON.parse((await send(visits({ now }), first.cookie, '/read')).body).n, 1)
    })

    test('timestamps in the future beyond clockSkew, or touched before created, are EMPTY', async () => {
      const r = recorder()
      const opts = { now: () => T0, clockSkew: 60, onInvalid: r.onInvalid }
      const ok1 = await forge('{}', { created: T0 + 60 * SECOND })
      equal(JSON.parse((await send(reader(opts), ok1)).body).isNew, false, 'within skew')
      for (const times of [
        { created: T0 + 61 * SECOND },
        { created: T0, touched: T0 - 1 },
        { created: 2 ** 48 - 1 },
      ]) {
        equal(
          JSON.parse((await send(reader(opts), await forge('{}', times))).body).isNew,
          true,
          JSON.stringify(times),
        )
      }
      deepEqual(r.reasons, ['payload', 'payload', 'payload'])
    })
  })

  describe('payload', () => {
    test('plaintext that is not UTF-8, not JSON, or not an object gives EMPTY with reason payload', async () => {
      const r = recorder()
      const opts = { now: () => T0, onInvalid: r.onInvalid }
      const bodies = [
        Uint8Array.of(0xff, 0xfe),
        Uint8Array.of(0xc3),
        'not json',
        '[1,2]',
        '"s"',
        '42',
        'null',
        '[{},1]',
        '[{},{},{},{}]',
        '[{},{},[]]',
        '',
      ]
      for (const body of bodies) {
        const sent = await send(reader(opts), await forge(body))
        equal(JSON.parse(sent.body).isNew, true, String(body))
        deepEqual(sent.setCookies, [])
      }
      equal(r.reasons.length, bodies.length)
      ok(r.reasons.every((x) => x === 'payload'))
    })

    test('{"__proto__":{"admin":true}} inside a valid seal pollutes nothing', async () => {
      const app = wrap(
        (_r, s) =>
          Response.json({
            admin: s.get('admin') ?? null,
            ctor: typeof s.get('constructor'),
            has: s.has('toString'),
          }),
        {
          now: () => T0,
        },
      )
      const sent = await send(
        app,
        await forge('{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}'),
      )
      deepEqual(JSON.parse(sent.body), { admin: null, ctor: 'object', has: false })
      equal(({} as Record<string, unknown>).admin, undefined)
      equal(({} as Record<string, unknown>).x, undefined)
      equal(Object.getPrototypeOf({}), Object.prototype)
    })

    test('values JSON cannot carry faithfully throw SerializationError on write, writing nothing', async () => {
      const cyclic: Record<string, unknown> = {}
      cyclic.self = cyclic
      const values: unknown[] = [
        10n,
        cyclic,
        () => 1,
        new Map([[1, 2]]),
        new Set([1]),
        new Date(0),
        Number.NaN,
        Infinity,
        [undefined],
        Symbol('s'),
        new (class Point {})(),
      ]
      for (const value of values) {
        const app = wrap((_r, s) => {
          s.set('v', value)
          return new Response('never')
        })
        const error = await rejects(app(new Request('http://localhost/')), 'ERR_SESSION_SERIALIZE')
        ok(error instanceof SerializationError)
      }
    })

    test('replace() takes only plain objects: anything else throws ERR_SESSION_SERIALIZE', async () => {
      for (const bad of ['ak', [1, 2], new Map(), null, 42, new (class Data {})()]) {
        const app = wrap((_r, s) => {
          s.replace(bad as never)
          return new Response(null)
        })
        await rejects(app(request()), 'ERR_SESSION_SERIALIZE')
      }
      const app = wrap((_r, s) => {
        s.replace(Object.assign(Object.create(null), { a: 1 }))
        return Response.json(s.data)
      })
      equal((await send(app)).body, '{"a":1}')
    })

    test('what replace() throws for a value that is not an object is a SerializationError', async () => {
      const app = wrap((_r, s) => {
        s.replace('x' as never)
        return new Response(null)
      })
      ok((await rejects(app(request()))) instanceof SerializationError)
    })

    test('undefined in an object is dropped like a delete', async () => {
      const app = wrap((_r, s) => {
        s.replace({ a: 1, b: undefined })
        return new Response(null)
      })
      const { cookie } = await send(app)
      deepEqual(JSON.parse((await send(reader(), cookie)).body).data, { a: 1 })
    })

    test('a custom serializer encodes the data; the crypto still applies', async () => {
      const serializer = {
        stringify: (v: unknown) => JSON.stringify(v).split('').reverse().join(''),
        parse: (t: string) => JSON.parse(t.split('').reverse().join('')),
      }
      const app = counter({ serializer })
      const first = await send(app)
      ok(!first.cookie!.includes('count'))
      equal((await send(app, first.cookie)).body, '2')
      // A token written with one serializer is unreadable (EMPTY) with another.
      equal(JSON.parse((await send(reader(), first.cookie)).body).isNew, true)
    })
  })

  describe('keys', () => {
    test('a cookie sealed with an older configured key is accepted and re-sealed with the newest', async () => {
      const old = await send(counter({ secret: OLD_SECRET }))
      const rotated = [SECRET, OLD_SECRET]
      const sent = await send(reader({ secret: rotated }), old.cookie)
      equal(JSON.parse(sent.body).isNew, false)
      equal(sent.setCookies.length, 1, 're-sealed although unchanged')
      notEqual(cookieValue(sent.cookie!).slice(2, 6), cookieValue(old.cookie!).slice(2, 6), 'new key id')
      equal(JSON.parse((await send(reader({ secret: SECRET }), sent.cookie)).body).isNew, false)
      deepEqual((await send(reader({ secret: rotated }), sent.cookie)).setCookies, [], 'then settles')
    })

    test('a key that was removed gives EMPTY with reason unknown-key', async () => {
      const r = recorder()
      const { cookie } = await send(counter({ secret: OTHER_SECRET }))
      equal(JSON.parse((await send(reader({ onInvalid: r.onInvalid }), cookie)).body).isNew, true)
      deepEqual(r.reasons, ['unknown-key'])
    })

    test('signed mode: the client can read the data, but not change it', async () => {
      const r = recorder()
      const { cookie } = await send(counter({ mode: 'signed' }))
      const [, body] = cookieValue(cookie!).split('.')
      equal(atob(body!.replace(/-/g, '+').replace(/_/g, '/')), '{"count":1}')
      const forgedBody = btoa('{"count":99}').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')
      const forged = cookie!.replace(body!, forgedBody)
      equal(
        JSON.parse((await send(reader({ mode: 'signed', onInvalid: r.onInvalid }), forged)).body).isNew,
        true,
      )
      deepEqual(r.reasons, ['tampered'])
    })
  })

  describe('cost', () => {
    test('crypto.subtle calls per request: new 1, unchanged 1, changed 2, rotated 2; keys derived once', async () => {
      const secret = `cost-${crypto.randomUUID()}-0123456789abcdef`
      const warm = await countSubtle(() => send(reader({ secret })))
      deepEqual(
        [warm.importKey, warm.deriveKey, warm.deriveBits, warm.total],
        [1, 1, 1, 3],
        'one-time key derivation',
      )
      let cookie: string | undefined
      const fresh = await countSubtle(async () => ({ cookie } = await send(counter({ secret }))))
      deepEqual([fresh.encrypt, fresh.total], [1, 1], 'new session: one seal')
      const unchanged = await countSubtle(() => send(reader({ secret }), cookie))
      deepEqual([unchanged.decrypt, unchanged.total], [1, 1], 'unchanged: one unseal')
      const changed = await countSubtle(() => send(counter({ secret }), cookie))
      deepEqual([changed.decrypt, changed.encrypt, changed.total], [1, 1, 2], 'changed: unseal + seal')
      const newer = `newer-${crypto.randomUUID()}-0123456789abcdef`
      await send(reader({ secret: [newer, secret] }))
      const rotated = await countSubtle(() => send(reader({ secret: [newer, secret] }), cookie))
      deepEqual([rotated.decrypt, rotated.encrypt, rotated.total], [1, 1, 2], 'rotated: unseal + re-seal')
      const signedSecret = `signed-${crypto.randomUUID()}-0123456789abcdef`
      const s1 = await send(counter({ secret: signedSecret, mode: 'signed' }))
      const signed = await countSubtle(() =>
        send(counter({ secret: signedSecret, mode: 'signed' }), s1.cookie),
      )
      deepEqual([signed.verify, signed.sign, signed.total], [1, 1, 2], 'signed: verify + sign')
    })

    test('concurrent first requests derive keys once', async () => {
      const secret = `burst-${crypto.randomUUID()}-0123456789abcdef`
      const app = counter({ secret })
      const counts = await countSubtle(() => Promise.all(Array.from({ length: 50 }, () => send(app))))
      equal(counts.importKey, 1)
      equal(counts.deriveKey, 1)
      equal(counts.encrypt, 50)
    })
  })

  describe('size', () => {
    test('save() surfaces the error inside the handler, which can answer and keep the old cookie', async () => {
      const app = wrap(async (req, s: Session) => {
        if (req.url.endsWith('/big')) {
          s.set('x', 'a'.repeat(5000))
          try {
            await s.save()
          } catch (error) {
            return Response.json({ code: (error as CookieTooLargeError).code }, { status: 413 })
          }
        } else s.set('ok', true)
        return new Response('ok')
      })
      const { cookie } = await send(app)
      const big = await send(app, cookie, '/big')
      equal(big.response.status, 413)
      equal(JSON.parse(big.body).code, 'ERR_COOKIE_TOO_LARGE')
      deepEqual(big.setCookies, [], 'no half-written cookie: the browser keeps the old one')
      equal(JSON.parse((await send(reader(), cookie)).body).data.ok, true, 'and the old one still works')
    })

    test('after a failed save(), changing the session again writes the new state', async () => {
      const app = wrap(async (_r, s: Session) => {
        s.set('x', 'a'.repeat(5000))
        await s.save().catch(() => s.set('x', 'small'))
        return new Response('ok')
      })
      const sent = await send(app)
      equal(sent.setCookies.length, 1)
      equal(JSON.parse((await send(reader(), sent.cookie)).body).data.x, 'small')
    })
  })
})
