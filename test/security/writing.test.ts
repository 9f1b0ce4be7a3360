// The "Writing" rows of SECURITY.md's bad-input list, each a named test run end to end through
// withSession with real Request/Response objects (and through Hono where an adapter decides the
// outcome: a streamed body, an error turned into a response). A THROW row asserts the error code.

import { Hono } from 'hono'
import { stream } from 'hono/streaming'
import {
  ConfigurationError,
  CookieTooLargeError,
  type Session,
  type SessionOptions,
  withSession,
} from 'sealed-session'
import { chunking } from 'sealed-session/chunks'
import { session as honoSession, type SessionEnv } from 'sealed-session/hono'
import { PUBLISHED_SECRETS } from '../../src/core/keys.ts'
import { expectValid, probe } from '../attacker.ts'
import { deepEqual, describe, env, equal, match, ok, rejects, test, throws } from '../harness.ts'
import { clock, cookieValue, OLD_SECRET, request, SECRET, send, T0, visits, wrap } from '../helpers.ts'
import { Jar } from '../jar.ts'
import { HOUR, issue, MODES, SECOND, type SessionData } from './shared.ts'

/** A page with the Cache-Control `policy`; `/change` changes the session. */
const cacheable = (policy: string, options: Partial<SessionOptions>) =>
  wrap<{ n: number }>((req, s) => {
    if (new URL(req.url).pathname === '/change') s.set('n', 2)
    return new Response('page', { headers: { 'cache-control': policy } })
  }, options)

describe('SECURITY-CASES', () => {
  describe('Writing', () => {
    test('a cookie of exactly 4096 bytes (name + value) is written; 4097 throws, or splits in two with chunking', async () => {
      /** What writing `n` characters does under cookie `name`. */
      const write = async (name: string, n: number, max?: number) => {
        const app = wrap(
          (_r, s) => {
            s.set('x', 'a'.repeat(n))
            return new Response(null)
          },
          { cookie: { name }, chunks: max === undefined ? undefined : chunking(max), now: () => T0 },
        )
        try {
          const { setCookies } = await send(app)
          return { setCookies, size: setCookies.reduce((sum, c) => sum + c.split(';')[0]!.length, 0) }
        } catch (error) {
          ok(error instanceof CookieTooLargeError)
          equal(error.code, 'ERR_COOKIE_TOO_LARGE')
          return { error, size: error.size }
        }
      }
      // Base64 lengths skip 4k+1, so a few name lengths are tried to land on 4096 and 4097.
      const hit = new Map<number, { name: string; n: number }>()
      for (const name of ['s', 'ss', 'sss']) {
        for (let n = 2998; n < 3010; n++) {
          const { size, setCookies } = await write(name, n)
          if (size === 4096 || size === 4097) hit.set(size, { name, n })
          equal(setCookies !== undefined, size <= 4096, `${name} ${n}: ${size}`)
        }
      }
      const at4096 = hit.get(4096)!
      const at4097 = hit.get(4097)!
      ok(at4096 && at4097, 'found both sizes')
      const exact = await write(at4096.name, at4096.n)
      equal(exact.setCookies!.length, 1)
      equal(exact.setCookies![0]!.split(';')[0]!.length, 4096)
      // With chunking enabled, 4096 bytes still fit one cookie.
      const exactChunked = await write(at4096.name, at4096.n, 3)
      equal(exactChunked.setCookies!.length, 1)
      equal(exactChunked.setCookies![0]!.split(';')[0]!.length, 4096)
      const over = await write(at4097.name, at4097.n)
      ok(over.error instanceof CookieTooLargeError)
      equal(over.error.size, 4097)
      equal(over.error.limit, 4096)
      // With chunking enabled the same 4097 bytes are split, every cookie within 4096.
      const chunked = await write(at4097.name, at4097.n, 3)
      equal(chunked.setCookies!.length, 2)
      for (const c of chunked.setCookies!) ok(c.split(';')[0]!.length <= 4096)
      const jar = new Jar().apply(chunked.setCookies!)
      const view = await expectValid(
        probe({ cookie: { name: at4097.name }, chunks: chunking(3) }),
        jar.header(),
      )
      equal((view.data.x as string).length, at4097.n)
      // Beyond the chunk cap: thrown with the size, and nothing half-written.
      const tooBig = await write('s', 30_000, 3)
      ok(tooBig.error instanceof CookieTooLargeError)
      ok(tooBig.error.size > tooBig.error.limit)
      equal(tooBig.error.limit, 3 * 4096)
    })

    test('the session cookie is appended beside cookies the app set, also to immutable responses', async () => {
      const own = wrap((_r, s) => {
        s.set('n', 1)
        const res = new Response('body', { status: 201, headers: { 'x-app': '1' } })
        res.headers.append('set-cookie', 'theme=dark; Path=/')
        res.headers.append('set-cookie', 'lang=en; Path=/')
        return res
      })
      const sent = await send(own)
      equal(sent.response.status, 201)
      equal(sent.body, 'body')
      equal(sent.response.headers.get('x-app'), '1')
      equal(sent.setCookies.length, 3)
      equal(sent.setCookies[0], 'theme=dark; Path=/')
      equal(sent.setCookies[1], 'lang=en; Path=/')
      match(sent.setCookies[2]!, /^session=e2/)
      // Immutable headers: Response.redirect() and Response.error()-like guards cannot be
      // appended to; the wrapper re-wraps the response instead of crashing.
      const immutable = wrap((_r, s) => {
        s.set('n', 1)
        return Response.redirect('http://localhost/next', 303)
      })
      const redirect = await send(immutable)
      equal(redirect.response.status, 303)
      equal(redirect.response.headers.get('location'), 'http://localhost/next')
      equal(redirect.setCookies.length, 1)
      match(redirect.setCookies[0]!, /^session=e2/)
      // A network error cannot be re-created (status 0): it goes out as a network error.
      const failed = wrap((_r, s) => {
        s.set('n', 1)
        return Response.error()
      })
      equal((await failed(request())).type, 'error')
    })

    test('; CR LF or non-token characters in the cookie name, path or domain are refused at setup', () => {
      const handler = () => new Response(null)
      const bad = {
        name: [
          'a;b',
          'a b',
          'a\r',
          'a\n',
          'a\r\nSet-Cookie: x=1',
          'a=b',
          'a,b',
          '',
          'é',
          '"a"',
          '(a)',
          'a/b',
          'a\t',
          '\u0000',
        ],
        path: ['/a;b', '/a\r', '/a\nb', 'a', '', '/\u0000', '/\u007f', '/é', ' /'],
        domain: [
          'a;b.com',
          'exa mple.com',
          'a.com\r\n',
          '.',
          '..com',
          '-a.com',
          'a_b.com',
          'a.com;Secure',
          'a..b',
          'é.com',
          '',
        ],
      }
      for (const [field, values] of Object.entries(bad)) {
        for (const value of values) {
          const error = throws(
            () => withSession(handler, { secret: SECRET, cookie: { [field]: value } }),
            'ERR_COOKIE_OPTION',
          )
          ok(error instanceof ConfigurationError, `${field} ${JSON.stringify(value)}`)
        }
      }
      for (const [field, value] of [
        ['sameSite', 'lax; Secure'],
        ['sameSite', 'none\r\n'],
        ['priority', 'high; x'],
      ] as const) {
        throws(
          () => withSession(handler, { secret: SECRET, cookie: { [field]: value } } as SessionOptions),
          'ERR_COOKIE_OPTION',
        )
      }
      for (const value of [1, {}, null]) {
        throws(
          () =>
            withSession(handler, { secret: SECRET, cookie: { name: value } } as unknown as SessionOptions),
          'ERR_COOKIE_OPTION',
        )
      }
    })

    test('__Host- with Domain, Path other than / or no Secure, and __Secure-, Partitioned or SameSite=None without Secure, are refused', () => {
      const handler = () => new Response(null)
      const bad: SessionOptions['cookie'][] = [
        { name: '__Host-s', domain: 'example.com' },
        { name: '__Host-s', path: '/app' },
        { name: '__Host-s', secure: false },
        { name: '__host-s', secure: false },
        { name: '__HOST-s', domain: 'example.com' },
        { name: '__Secure-s', secure: false },
        { name: '__secure-s', secure: false },
        { partitioned: true, secure: false },
        { sameSite: 'None', secure: false },
        { sameSite: 'none', secure: false },
      ]
      for (const cookie of bad) {
        throws(() => withSession(handler, { secret: SECRET, cookie: cookie! }), 'ERR_COOKIE_OPTION')
      }
      for (const cookie of [
        { name: '__Host-s' },
        { name: '__Secure-s', domain: 'example.com', path: '/app' },
        { partitioned: true, sameSite: 'None' as const },
      ]) {
        withSession(handler, { secret: SECRET, cookie })
      }
    })

    test('destroy() expires every cookie of the session with the attributes it was set with', async () => {
      const cookie = {
        path: '/app',
        domain: 'example.com',
        secure: true,
        partitioned: true,
        sameSite: 'None' as const,
      }
      const app = wrap(
        (req, s) => {
          if (new URL(req.url).pathname.endsWith('/out')) s.destroy()
          else s.set('x', 'q'.repeat(Number(new URL(req.url).searchParams.get('n') ?? 1)))
          return new Response(null)
        },
        { cookie, chunks: chunking(4) },
      )
      const attributes = (line: string) =>
        line
          .split(';')
          .slice(1)
          .map((a) => a.trim())
          .filter((a) => !a.startsWith('Max-Age'))
      for (const n of [1, 9000]) {
        const set = await send(app, undefined, `/app?n=${n}`)
        const jar = new Jar().apply(set.setCookies)
        const out = await send(app, jar.lines(), '/app/out')
        equal(out.setCookies.length, set.setCookies.length, 'every cookie cleared')
        for (const [i, line] of out.setCookies.entries()) {
          match(line, /; Max-Age=0;/)
          deepEqual(attributes(line), attributes(set.setCookies[i]!), 'same Path/Domain/Secure/Partitioned')
          equal(line.split('=')[0], set.setCookies[i]!.split('=')[0])
        }
        deepEqual(jar.apply(out.setCookies).names(), [])
      }
      // Destroying a session the request did not carry writes nothing.
      deepEqual((await send(app, undefined, '/app/out')).setCookies, [])
    })

    for (const mode of MODES) {
      test(`${mode}: a session only read, or set to equal values, is not written back`, async () => {
        const cookie = await issue({ mode }, { user: 'ada', prefs: { theme: 'dark' }, list: [1, 2] })
        const app = wrap(
          (_r, s) => {
            const prefs = s.get('prefs') as { theme: string }
            const list = s.get('list') as number[]
            return Response.json({
              theme: prefs.theme,
              n: list.length,
              data: s.data,
              has: s.has('user'),
              missing: s.get('nope') ?? null,
              flash: s.flash('nope') ?? null,
              changed: s.isChanged,
            })
          },
          { mode, now: () => T0 + HOUR },
        )
        const sent = await send(app, cookie)
        deepEqual(sent.setCookies, [])
        equal(JSON.parse(sent.body).changed, false)
        equal(sent.response.headers.get('cache-control'), null)
        // Setting equal values is no change either.
        const same = wrap(
          (_r, s) => {
            s.set('user', 'ada')
            s.replace({ ...s.data } as SessionData)
            return new Response(null)
          },
          { mode, now: () => T0 + HOUR },
        )
        deepEqual((await send(same, cookie)).setCookies, [])
      })
    }

    test('every seal draws a fresh random IV and session id (10^5 seals in CI, no repeat)', async () => {
      const n = env.full ? 100_000 : 10_000
      const ivs = new Set<string>()
      const ids = new Set<string>()
      // The real write path (Session, commit, Set-Cookie) without the cost of a Request per seal.
      const app = wrap((_r, s) => {
        s.set('same', 'data')
        ids.add(s.id)
        return new Response(null)
      })
      const req = request()
      for (let i = 0; i < n; i++) {
        const res = await app(req)
        const value = cookieValue(res.headers.getSetCookie()[0]!.split(';')[0]!)
        ivs.add(value.slice(7, 23)) // the first 12 bytes after the header: the IV
      }
      equal(ivs.size, n, 'IVs')
      equal(ids.size, n, 'session ids')
      console.log(`  [security] ${n} seals: ${ivs.size} distinct IVs, ${ids.size} distinct session ids`)
    })

    test('a secret shorter than 32 bytes, empty, repeated, or shown in the docs is refused at setup', () => {
      const handler = () => new Response(null)
      const bad: unknown[] = [
        '',
        'short',
        'x'.repeat(31),
        'é'.repeat(15) + 'a',
        new Uint8Array(31),
        new Uint8Array(32),
        'a'.repeat(64),
        [],
        [SECRET, 'short'],
        ['short', SECRET],
        undefined,
        null,
        123,
        {},
        [null],
        ...PUBLISHED_SECRETS,
        [SECRET, ...PUBLISHED_SECRETS],
      ]
      for (const secret of bad) {
        const error = throws(() => withSession(handler, { secret } as SessionOptions), 'ERR_SECRET_INVALID')
        ok(error instanceof ConfigurationError, String(secret))
        ok(!String((error as Error).message).includes(SECRET), 'the message never echoes a secret')
      }
      ok(PUBLISHED_SECRETS.size > 0)
      withSession(handler, { secret: 'é'.repeat(16) })
      withSession(handler, { secret: crypto.getRandomValues(new Uint8Array(32)) })
    })

    test('two equal secrets in one list, also a string and its own bytes, are refused at setup', () => {
      throws(() => visits({ secret: [SECRET, OLD_SECRET, SECRET] }), 'ERR_SECRET_INVALID')
      throws(() => visits({ secret: [SECRET, new TextEncoder().encode(SECRET)] }), 'ERR_SECRET_INVALID')
    })

    test('a response that sets a session cookie is Cache-Control: private unless the app chose otherwise', async () => {
      const app = (cache?: string) =>
        wrap((_r, s) => {
          s.set('n', 1)
          return new Response(null, cache ? { headers: { 'cache-control': cache } } : {})
        })
      equal((await send(app())).response.headers.get('cache-control'), 'private')
      equal((await send(app('no-store'))).response.headers.get('cache-control'), 'no-store')
      equal(
        (await send(app('private, max-age=0'))).response.headers.get('cache-control'),
        'private, max-age=0',
      )
      const redirect = wrap((_r, s) => {
        s.set('n', 1)
        return Response.redirect('http://localhost/', 302)
      })
      equal((await send(redirect)).response.headers.get('cache-control'), 'private', 'also when re-wrapped')
      const [cookie] = await issue()
      const reader = wrap((_r, s) => new Response(String(s.get('user'))))
      equal((await send(reader, cookie)).response.headers.get('cache-control'), null, 'no cookie, no header')
    })

    test('any other policy a shared cache may store under (no-cache, Expires...) gets private added', async () => {
      const page = (headers: Record<string, string>) =>
        wrap((_r, s) => {
          s.set('n', 1)
          return new Response('page', { headers })
        })
      // RFC 9111: without private or no-store, a shared cache may store the response (no-cache:
      // stored, then revalidated; Expires, or Last-Modified's heuristic: stored and served).
      for (const [headers, expected] of [
        [{ 'cache-control': 'no-cache' }, 'no-cache, private'],
        [
          { 'cache-control': 'must-revalidate', 'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT' },
          'must-revalidate, private',
        ],
        [
          { 'cache-control': 'no-transform', expires: 'Thu, 01 Jan 2099 00:00:00 GMT' },
          'no-transform, private',
        ],
        [
          { 'cache-control': 'stale-while-revalidate=600', etag: '"x"' },
          'stale-while-revalidate=600, private',
        ],
        [{ expires: 'Thu, 01 Jan 2099 00:00:00 GMT' }, 'private'],
        [{ 'cache-control': 'no-cache, no-store' }, 'no-cache, no-store'],
        [{ 'cache-control': 'NO-STORE' }, 'NO-STORE'],
        // Not a directive of its own: a qualified private (only that field is kept from shared
        // caches), a quoted string, an extension's name.
        [{ 'cache-control': 'private="x-user", max-age=600' }, 'private'],
        [{ 'cache-control': 'no-cache="set-cookie, private"' }, 'no-cache="set-cookie, private", private'],
        [{ 'cache-control': 'ext="a,no-store"' }, 'ext="a,no-store", private'],
        [{ 'cache-control': 'private-extension' }, 'private-extension, private'],
      ] as const) {
        const { response, setCookies } = await send(page(headers))
        equal(setCookies.length, 1)
        equal(response.headers.get('cache-control'), expected, JSON.stringify(headers))
      }
    })

    for (const policy of ['public, max-age=60', 'max-age=60, s-maxage=600', 'PUBLIC']) {
      test(`a response marked "${policy}" gets no implicit re-seal (renewal, rotation); an explicit change goes out private`, async () => {
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

    test('an implicit re-seal still goes out on a private or no-store response, keeping its policy', async () => {
      const { cookie } = await send(visits())
      for (const policy of ['private, max-age=60', 'no-store']) {
        const rotated = await send(cacheable(policy, { secret: [OLD_SECRET, SECRET] }), cookie)
        equal(rotated.setCookies.length, 1, policy)
        equal(rotated.response.headers.get('cache-control'), policy)
      }
    })

    test('after the response is committed, set(), destroy(), regenerate(), flash() and save() throw ERR_SESSION_COMMITTED; reads still work', async () => {
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

    test('Hono: a save() inside a streamed body rejects with ERR_SESSION_COMMITTED, and the stream completes', async () => {
      const hono = new Hono<SessionEnv>()
      let failure: unknown
      hono.use(honoSession({ secret: SECRET }))
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

    test('a save() awaited before the response is returned still writes the cookie (the documented pattern)', async () => {
      const app = wrap(async (_r, s) => {
        s.set('a', 1)
        await s.save()
        return new Response('ok')
      })
      equal((await send(app)).setCookies.length, 1)
    })

    test('Hono: a handler that throws after changing the session gets an error response without Set-Cookie, and the change cannot land later', async () => {
      const hono = new Hono<SessionEnv<{ user: string }>>()
      let kept: Session<{ user: string }> | undefined
      hono.use(honoSession({ secret: SECRET }))
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

    test('withSession: a handler that throws after changing the session propagates its error and closes the session', async () => {
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
})
