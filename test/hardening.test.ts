// Regressions for the defects an outside review found (issue 10), one block per finding. Each
// test failed before its fix. Findings 1 to 11 run on every runtime target; 5 and 13 have tests of
// their own (test/cache.test.ts, test/run.mjs).
import { Hono } from 'hono'
import { stream } from 'hono/streaming'
import { type InvalidReason, SerializationError, type Session, withSession } from 'sealed-session'
import { chunking } from 'sealed-session/chunks'
import { type SessionEnv, session } from 'sealed-session/hono'
import { deepEqual, describe, env, equal, match, notEqual, ok, rejects, test, throws } from './harness.ts'
import {
  clock,
  cookieValue,
  countSubtle,
  OLD_SECRET,
  request,
  SECRET,
  send,
  T0,
  watchUnhandled,
  wrap,
} from './helpers.ts'

const SECOND = 1000
const HOUR = 3600 * SECOND

/** An app that counts visits; `/login` regenerates, `/read` only reads. */
function visits(options: Parameters<typeof wrap>[1] = {}) {
  return wrap<{ n: number }>((req, s) => {
    const path = new URL(req.url).pathname
    if (path === '/login') s.regenerate()
    if (path !== '/read') s.set('n', (s.get('n') ?? 0) + 1)
    return Response.json({ isNew: s.isNew, n: s.get('n') ?? 0, expiresAt: s.expiresAt })
  }, options)
}

async function tick(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0))
}

describe('review findings', () => {
  describe('1. a "," in the Cookie header is part of a value, never a separator', () => {
    test('`prefs=x,session=<valid token>` is not read as our cookie (fixation past the prefix)', async () => {
      const reasons: InvalidReason[] = []
      const app = visits({ onInvalid: (r) => reasons.push(r), cookie: { name: '__Host-s' } })
      const { cookie } = await send(app)
      const token = cookieValue(cookie!)
      for (const smuggled of [`prefs=x,__Host-s=${token}`, `prefs=x, __Host-s=${token}`]) {
        const seen = JSON.parse((await send(app, smuggled, '/read')).body)
        equal(seen.isNew, true, smuggled.slice(0, 20))
      }
      deepEqual(reasons, [], 'not even seen as a bad cookie of ours')
      // The genuine pair, split on ';', is still found.
      equal(JSON.parse((await send(app, `prefs=x; __Host-s=${token}`, '/read')).body).n, 1)
    })

    test('`other=x,session.1=junk` cannot log a chunked session out', async () => {
      const app = wrap(
        (_r, s) => {
          if (!s.has('big')) s.set('big', 'x'.repeat(6000))
          return new Response(String(s.isNew))
        },
        { chunks: chunking() },
      )
      const first = await send(app)
      const header = first.setCookies.map((c) => c.split(';')[0]).join('; ')
      equal((await send(app, `${header}; other=x,session.1=junk`)).body, 'false')
    })
  })

  describe('2. clock skew between servers never logs a user out', () => {
    test('two servers clockSkew apart write the same session in turn, through login and renewal', async () => {
      const skew = 60
      const ahead = clock(T0 + skew * SECOND)
      const behind = clock(T0)
      const options = { clockSkew: skew, maxAge: 8 * 3600, idleTimeout: 3600, renewThreshold: 1 }
      const servers = [visits({ ...options, now: ahead.now }), visits({ ...options, now: behind.now })]
      let cookie = (await send(servers[0]!, undefined, '/login')).cookie!
      for (let i = 1; i <= 20; i++) {
        ahead.advance(10 * SECOND)
        behind.advance(10 * SECOND)
        // Alternate servers; every third request logs in again on the server ahead.
        const server = servers[i % 2]!
        const path = i % 3 === 0 ? '/login' : '/'
        const sent = await send(server, cookie, path)
        const seen = JSON.parse(sent.body)
        equal(seen.isNew, false, `request ${i} kept the session`)
        equal(seen.n, i + 1)
        cookie = sent.cookie ?? cookie
        // And the other server reads what this one wrote.
        const other = servers[(i + 1) % 2]!
        equal(JSON.parse((await send(other, cookie, '/read')).body).isNew, false, `request ${i} read back`)
      }
    })

    test('a clock that steps back after a login does not make the next write unreadable', async () => {
      const t = clock(T0 + 30 * SECOND)
      const app = visits({ now: t.now })
      const { cookie } = await send(app, undefined, '/login')
      t.set(T0) // NTP stepped the clock back 30 s
      const next = await send(app, cookie)
      equal(JSON.parse(next.body).n, 2)
      const after = await send(app, next.cookie!, '/read')
      equal(JSON.parse(after.body).isNew, false)
    })
  })

  describe('3. secrets', () => {
    // Buffer#slice() returns a view, not a copy; this subclass behaves the same on every runtime.
    class BufferLike extends Uint8Array {
      override slice(start?: number, end?: number): Uint8Array<ArrayBuffer> {
        return this.subarray(start, end) as Uint8Array<ArrayBuffer>
      }
    }

    test('a secret given as a Buffer (whose slice() is a view) is copied at setup', async () => {
      const pool = new BufferLike(96)
      crypto.getRandomValues(pool)
      const original = Uint8Array.from(pool.subarray(32, 64))
      const app = visits({ secret: new BufferLike(pool.buffer, 32, 32) })
      pool.fill(0) // the app wipes or reuses its buffer after setup, before the first request
      const { cookie } = await send(app)
      // Sealed with the original bytes: another app with a copy of them opens it...
      equal(JSON.parse((await send(visits({ secret: original }), cookie, '/read')).body).n, 1)
      // ...and one with the zeroed bytes (a forger's guess) does not.
      const zeros = new Uint8Array(32)
      zeros[0] = 1
      equal(JSON.parse((await send(visits({ secret: zeros }), cookie, '/read')).body).isNew, true)
    })

    test('two equal secrets, also a string and its own bytes, are refused at setup', () => {
      throws(() => visits({ secret: [SECRET, OLD_SECRET, SECRET] }), 'ERR_SECRET_INVALID')
      throws(() => visits({ secret: [SECRET, new TextEncoder().encode(SECRET)] }), 'ERR_SECRET_INVALID')
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
  })

  describe('4. a failing onInvalid hook, sync or async, never changes the response', () => {
    test('a throw, a rejection and a hang: the same response as no cookie, no unhandled rejection', async () => {
      const stop = watchUnhandled()
      const hooks: [string, () => unknown][] = [
        [
          'throws',
          () => {
            throw new Error('hook')
          },
        ],
        ['rejects', () => Promise.reject(new Error('hook'))],
        [
          'async throws',
          async () => {
            throw new Error('hook')
          },
        ],
        [
          'async throws later',
          async () => {
            await new Promise((resolve) => setTimeout(resolve, 0))
            throw new Error('hook')
          },
        ],
        ['hangs', () => new Promise(() => {})],
      ]
      for (const [what, onInvalid] of hooks) {
        const app = visits({ onInvalid, now: () => T0 })
        const junk = await send(app, 'session=junk', '/read')
        const none = await send(app, undefined, '/read')
        equal(junk.response.status, 200, what)
        equal(junk.body, none.body, what)
        deepEqual(junk.setCookies, [], what)
      }
      await tick()
      if (stop) equal(stop(), 0, 'no unhandled rejection')
      else if (env.ci) throw new Error(`no unhandled-rejection hook on ${env.runtime}`)
      else console.log(`  [hardening] skipped the unhandled-rejection count: no hook on ${env.runtime}`)
    })
  })

  describe('6. session cookies on shared-cacheable responses', () => {
    const cacheable = (policy: string, options: Parameters<typeof wrap>[1]) =>
      wrap<{ n: number }>((req, s) => {
        if (new URL(req.url).pathname === '/change') s.set('n', 2)
        return new Response('page', { headers: { 'cache-control': policy } })
      }, options)

    for (const policy of ['public, max-age=60', 'max-age=60, s-maxage=600', 'PUBLIC']) {
      test(`"${policy}": no implicit re-seal (renewal, rotation); an explicit change goes out private`, async () => {
        const t = clock()
        const options = { now: t.now, idleTimeout: 3600, renewThreshold: 0.5 }
        const { cookie } = await send(visits(options))
        t.advance(HOUR - 60 * SECOND) // renewal due
        const renewal = await send(cacheable(policy, options), cookie)
        deepEqual(renewal.setCookies, [], 'renewal not attached')
        equal(renewal.response.headers.get('cache-control'), policy, 'the app’s policy kept')
        const rotated = await send(cacheable(policy, { ...options, secret: [OLD_SECRET, SECRET] }), cookie)
        deepEqual(rotated.setCookies, [], 'rotation re-seal not attached')
        const changed = await send(cacheable(policy, options), cookie, '/change')
        equal(changed.setCookies.length, 1, 'the app’s own change is written')
        equal(changed.response.headers.get('cache-control'), 'private', 'and the response made private')
      })
    }

    test('an implicit re-seal still goes out on a response with no or a private policy', async () => {
      const { cookie } = await send(visits())
      for (const policy of ['private, max-age=60', 'no-store']) {
        const rotated = await send(cacheable(policy, { secret: [OLD_SECRET, SECRET] }), cookie)
        equal(rotated.setCookies.length, 1, policy)
        equal(rotated.response.headers.get('cache-control'), policy)
      }
    })
  })

  describe('8. write-side edge cases', () => {
    test('after regenerate(), expiresAt counts from the regeneration', async () => {
      const t = clock()
      const options = { now: t.now, maxAge: 8 * 3600, idleTimeout: 3600 }
      const { cookie } = await send(visits(options))
      t.advance(30 * 60 * SECOND)
      const seen = JSON.parse((await send(visits(options), cookie, '/login')).body)
      equal(seen.expiresAt, t.now() + HOUR)
    })

    test('a clock with fractional milliseconds writes and reads sessions', async () => {
      const now = () => T0 + 0.123456
      const first = await send(visits({ now }))
      equal(first.response.status, 200)
      equal(JSON.parse((await send(visits({ now }), first.cookie, '/read')).body).n, 1)
    })

    test('replace() takes only plain objects', async () => {
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

    test('a handler that returns something other than a Response is a TypeError, changed or not', async () => {
      for (const change of [false, true]) {
        for (const bad of [undefined, 'text', { status: 200 }]) {
          const app = wrap((_r, s) => {
            if (change) s.set('a', 1)
            return bad as unknown as Response
          })
          const error = await rejects(app(request()))
          ok(error instanceof TypeError, `${change} ${String(bad)}`)
        }
      }
    })
  })

  describe('9. a change after the response was committed is an error, never a silent loss', () => {
    test('set() and save() from a streaming body throw ERR_SESSION_COMMITTED', async () => {
      let kept: Session | undefined
      const app = wrap((_r, s) => {
        kept = s
        s.set('a', 1)
        return new Response('streamed')
      })
      const { setCookies } = await send(app)
      equal(setCookies.length, 1)
      throws(() => kept!.set('a', 2), 'ERR_SESSION_COMMITTED')
      throws(() => kept!.destroy(), 'ERR_SESSION_COMMITTED')
      throws(() => kept!.regenerate(), 'ERR_SESSION_COMMITTED')
      throws(() => kept!.flash('m', 'x'), 'ERR_SESSION_COMMITTED')
      await rejects(kept!.save(), 'ERR_SESSION_COMMITTED')
      equal(kept!.get('a'), 1, 'reading is still fine')
    })

    test('through Hono streamText: a save() inside the stream rejects', async () => {
      const hono = new Hono<SessionEnv>()
      let failure: unknown
      hono.use(session({ secret: SECRET }))
      hono.get('/', (c) =>
        stream(c, async (s) => {
          await s.write('a')
          try {
            c.var.session.set('late', true)
            await c.var.session.save()
          } catch (error) {
            failure = error
          }
          await s.write('b')
        }),
      )
      const res = await hono.request('/')
      equal(await res.text(), 'ab')
      equal((failure as { code?: string })?.code, 'ERR_SESSION_COMMITTED')
    })

    test('saving before the response is returned still works (the documented pattern)', async () => {
      const app = wrap(async (_r, s) => {
        s.set('a', 1)
        await s.save()
        return new Response('ok')
      })
      equal((await send(app)).setCookies.length, 1)
    })
  })

  describe('10. a handler that throws after changing the session writes nothing', () => {
    test('Hono: the error response carries no Set-Cookie, and the change is not applied later', async () => {
      const hono = new Hono<SessionEnv<{ user: string }>>()
      let kept: Session<{ user: string }> | undefined
      hono.use(session({ secret: SECRET }))
      hono.get('/', (c) => {
        kept = c.var.session
        c.var.session.set('user', 'half-done')
        throw new Error('boom')
      })
      hono.onError((_e, c) => c.text('error', 500))
      const res = await hono.request('/')
      equal(res.status, 500)
      deepEqual(res.headers.getSetCookie(), [])
      throws(() => kept!.set('user', 'x'), 'ERR_SESSION_COMMITTED')
    })

    test('withSession: the error propagates and nothing is written', async () => {
      let kept: Session | undefined
      const app = wrap((_r, s) => {
        kept = s
        s.set('a', 1)
        throw new Error('boom')
      })
      const error = await rejects(app(request()))
      equal((error as Error).message, 'boom')
      throws(() => kept!.set('a', 2), 'ERR_SESSION_COMMITTED')
    })
  })

  describe('11. lifetimes in the wrong unit', () => {
    test('maxAge or idleTimeout over 400 days is refused, saying lifetimes are in seconds', () => {
      for (const option of ['maxAge', 'idleTimeout'] as const) {
        const error = throws(() => visits({ [option]: 86_400_000 }), 'ERR_OPTION_INVALID')
        match((error as Error).message, /in seconds, not milliseconds/)
      }
      notEqual(visits({ maxAge: 400 * 86400 }), undefined)
    })
  })

  test('SerializationError is the class replace() throws', async () => {
    const app = wrap((_r, s) => {
      s.replace('x' as never)
      return new Response(null)
    })
    ok((await rejects(app(request()))) instanceof SerializationError)
  })
})
