import { Hono } from 'hono'
import {
  ConfigurationError,
  CookieTooLargeError,
  type InvalidReason,
  type SessionOptions,
} from 'sealed-session'
import { chunking } from 'sealed-session/chunks'
import { type SessionEnv, session } from 'sealed-session/hono'
import { readSessionCookies } from '../src/core/cookie.ts'
import { deepEqual, describe, equal, match, ok, rejects, test, throws } from './harness.ts'
import { countSubtle, SECRET, send, UNPRINTABLE, wrap } from './helpers.ts'
import { Jar } from './jar.ts'

/** `{"x":"aaa…"}` of `n` characters: incompressible by design, so sizes follow the formula. */
function sized(options: Partial<SessionOptions> = {}) {
  return wrap<{ x: string }>(
    (req, s) => {
      const url = new URL(req.url)
      const n = url.searchParams.get('n')
      if (url.pathname === '/destroy') s.destroy()
      else if (n !== null) s.set('x', 'a'.repeat(Number(n)))
      return Response.json({ isNew: s.isNew, length: s.get('x')?.length ?? -1 })
    },
    { chunks: chunking(), ...options },
  )
}

function recorder() {
  const reasons: InvalidReason[] = []
  return { reasons, onInvalid: (reason: InvalidReason) => reasons.push(reason) }
}

/** A jar holding a session of `n` characters written by `app`. */
async function stored(app: (r: Request) => Promise<Response>, n: number): Promise<Jar> {
  const jar = new Jar()
  jar.apply((await send(app, undefined, `/?n=${n}`)).setCookies)
  return jar
}

/** What `app` makes of `cookie`: the length it reads back, or -1 for an empty session. */
async function readBack(app: (r: Request) => Promise<Response>, cookie: string | string[]): Promise<number> {
  const { body } = await send(app, cookie)
  const seen = JSON.parse(body)
  equal(seen.isNew, seen.length === -1, 'isNew exactly when nothing was read')
  return seen.length
}

describe('chunking', () => {
  describe('round trips', () => {
    for (const [label, n, chunks, cookies] of [
      ['3 KB', 3 * 1024, 3, 2],
      ['10 KB', 10 * 1024, 4, 4],
      ['10 KB, signed mode', 10 * 1024, 4, 4],
    ] as const) {
      test(`a ${label} session spans ${cookies} cookies and reads back whole`, async () => {
        const mode = label.includes('signed') ? 'signed' : 'encrypted'
        const app = sized({ chunks: chunking(chunks), mode })
        const jar = await stored(app, n)
        deepEqual(jar.names(), [
          'session',
          ...Array.from({ length: cookies - 1 }, (_, i) => `session.${i + 1}`),
        ])
        for (const [name, value] of jar.entries()) ok(name.length + 1 + value.length <= 4096, name)
        match(jar.get('session')!, new RegExp(`^${cookies - 1}~${mode === 'signed' ? 's' : 'e'}2`))
        equal(await readBack(app, jar.header()), n)
        equal(await readBack(app, jar.lines()), n, 'one Cookie header line per cookie, as HTTP/2 sends')
      })
    }

    test('every chunk cookie carries the same attributes and Max-Age as the first', async () => {
      const app = sized({
        chunks: chunking(4),
        cookie: { name: '__Host-s', sameSite: 'strict', priority: 'high' },
      })
      const { setCookies } = await send(app, undefined, `/?n=${10 * 1024}`)
      equal(setCookies.length, 4)
      const attributes = (line: string) => line.slice(line.indexOf(';'))
      for (const [i, line] of setCookies.entries()) {
        ok(line.startsWith(i === 0 ? '__Host-s=3~' : `__Host-s.${i}=`), line.slice(0, 12))
        equal(attributes(line), attributes(setCookies[0]!))
      }
      match(setCookies[0]!, /; Max-Age=259200; Path=\/; HttpOnly; Secure; SameSite=Strict; Priority=High$/)
    })

    test('a session that fits one cookie is written exactly as without chunking', async () => {
      const plain = await send(sized({ chunks: undefined }), undefined, '/?n=2900')
      const chunked = await send(sized(), undefined, '/?n=2900')
      equal(chunked.setCookies.length, 1)
      equal(cookieLength(chunked.setCookies[0]!), cookieLength(plain.setCookies[0]!))
      match(chunked.setCookies[0]!, /^session=e2/)
    })

    test('at the cap every cookie is exactly 4096 bytes; one more byte throws, writing nothing', async () => {
      let full = 0
      let over: CookieTooLargeError | undefined
      for (let n = 9120; n < 9136 && over === undefined; n++) {
        try {
          const { setCookies } = await send(sized(), undefined, `/?n=${n}`)
          const sizes = setCookies.map(cookieLength)
          if (sizes.length === 3 && sizes.every((s) => s === 4096)) full = n
          ok(sizes.every((s) => s <= 4096))
        } catch (error) {
          ok(error instanceof CookieTooLargeError, String(error))
          over = error
          equal(n, full + 1, 'the first failure is right after a full set of cookies')
        }
      }
      ok(full > 0, 'found a session filling 3 cookies to 4096 bytes each')
      ok(over)
      equal(over.code, 'ERR_COOKIE_TOO_LARGE')
      equal(over.maxChunks, 3)
      equal(over.chunks, 4)
      equal(over.limit, 3 * 4096)
      ok(over.size > over.limit && over.size < over.limit + 64, `size ${over.size}`)
      match(over.message, /4 cookies .* cap of 3 cookies/)
    })

    test('save() surfaces the cap inside the handler, and the old chunked session stays', async () => {
      const app = wrap<{ x: string }>(
        async (req, s) => {
          const old = s.get('x')
          s.set('x', 'b'.repeat(Number(new URL(req.url).searchParams.get('n'))))
          try {
            await s.save()
          } catch (error) {
            if (old !== undefined) s.set('x', old)
            return Response.json({ code: (error as CookieTooLargeError).code }, { status: 413 })
          }
          return new Response('ok')
        },
        { chunks: chunking(2) },
      )
      const first = await send(app, undefined, '/?n=5000')
      equal(first.setCookies.length, 2)
      const big = await send(
        app,
        first.setCookies.map((c) => c.split(';')[0]!),
        '/?n=7000',
      )
      equal(big.response.status, 413)
      deepEqual(big.setCookies, [], 'no cookie is half-written')
    })

    test('chunking adds no crypto: one decrypt and one encrypt for a 4-cookie session', async () => {
      const app = sized({ chunks: chunking(4) })
      const jar = await stored(app, 10 * 1024)
      const counts = await countSubtle(() => send(app, jar.header(), `/?n=${10 * 1024 + 1}`))
      deepEqual([counts.decrypt, counts.encrypt, counts.total], [1, 1, 2])
    })
  })

  describe('chunks that do not belong together are refused', () => {
    async function twoSessions(options: Partial<SessionOptions> = {}) {
      const { reasons, onInvalid } = recorder()
      const app = sized({ onInvalid, ...options })
      const a = await stored(app, 9000)
      const b = await stored(app, 9000)
      equal(a.names().length, 3)
      equal(b.names().length, 3)
      return { app, a, b, reasons }
    }

    test('a chunk taken from another session of the same size', async () => {
      const { app, a, b, reasons } = await twoSessions()
      for (const name of ['session', 'session.1', 'session.2']) {
        const mixed = a.with(name, b.get(name)!)
        equal(await readBack(app, mixed.header()), -1, name)
      }
      deepEqual(reasons, ['tampered', 'tampered', 'tampered'])
    })

    test('reordered chunks', async () => {
      const { app, a, reasons } = await twoSessions()
      const swapped = a.with('session.1', a.get('session.2')!).with('session.2', a.get('session.1')!)
      equal(await readBack(app, swapped.header()), -1)
      // The header order of cookies is irrelevant; only the names place the pieces.
      equal(await readBack(app, a.lines().reverse()), 9000)
      // Depending on where the pieces end, the joined token is not canonical base64url or fails its tag.
      equal(reasons.length, 1)
      ok(reasons[0] === 'tampered' || reasons[0] === 'malformed', reasons[0])
    })

    test('a missing, duplicated or extra chunk, before any crypto', async () => {
      const { app, a, reasons } = await twoSessions()
      const cases = [
        a.without('session.2').header(),
        a.without('session.1').header(),
        `${a.header()}; session.1=${a.get('session.1')}`,
        `${a.header()}; session.3=${a.get('session.2')}`,
        `${a.header()}; session.9=x`,
        `${a.header()}; session.3=`,
      ]
      const counts = await countSubtle(async () => {
        for (const header of cases) equal(await readBack(app, header), -1, header.slice(-30))
      })
      equal(counts.decrypt, 0)
      deepEqual(reasons, ['chunks', 'chunks', 'chunks', 'chunks', 'chunks', 'chunks'])
    })

    test('names that are not chunk names are ignored', async () => {
      const { app, a, reasons } = await twoSessions()
      for (const other of [
        'session.0=x',
        'session.10=x',
        'session.x=1',
        'session..1=x',
        'Session.3=x',
        'xsession.3=x',
      ]) {
        equal(await readBack(app, `${other}; ${a.header()}`), 9000, other)
      }
      deepEqual(reasons, [])
    })

    test('a whole-token session with a leftover chunk cookie beside it', async () => {
      const { reasons, onInvalid } = recorder()
      const app = sized({ onInvalid })
      const jar = await stored(app, 100)
      equal(jar.names().length, 1)
      equal(await readBack(app, `${jar.header()}; session.1=AAAA`), -1)
      deepEqual(reasons, ['chunks'])
    })

    test('a changed count: fewer or more pieces fail authentication, a bad count fails before it', async () => {
      const { app, a, reasons } = await twoSessions({ chunks: chunking(4) })
      const body = a.get('session')!.slice(2)
      equal(await readBack(app, a.with('session', `1~${body}`).without('session.2').header()), -1)
      const extended = a.with('session', `3~${body}`).with('session.3', a.get('session.2')!)
      equal(await readBack(app, extended.header()), -1)
      // Depending on where the cut falls, the joined token is not canonical base64url or fails its tag.
      const joined = reasons.splice(0)
      equal(joined.length, 2)
      ok(
        joined.every((r) => r === 'tampered' || r === 'malformed'),
        joined.join(),
      )
      const capped = sized({ chunks: chunking(3), onInvalid: (r) => reasons.push(r) })
      const counts = await countSubtle(async () => {
        // Not a digit from 1 to 9 and `~`: read as a whole token, so the chunk cookies beside it
        // are leftovers.
        for (const bad of [`0~${body}`, `~${body}`, `a~${body}`, `2-${body}`, '2~']) {
          equal(await readBack(app, a.with('session', bad).header()), -1, bad.slice(0, 4))
        }
        equal(await readBack(capped, extended.header()), -1, 'over the cap of 3')
      })
      equal(counts.decrypt, 0)
      deepEqual(reasons, ['chunks', 'chunks', 'chunks', 'chunks', 'malformed', 'oversize'])
    })

    test('an oversized chunk is refused before any crypto', async () => {
      const { app, a, reasons } = await twoSessions()
      const counts = await countSubtle(async () => {
        equal(await readBack(app, a.with('session.1', `${a.get('session.1')}A`).header()), -1)
      })
      equal(counts.decrypt, 0)
      deepEqual(reasons, ['oversize'])
    })

    test('a chunked session still reads once chunking is turned off, so nobody is logged out', async () => {
      const { a } = await twoSessions()
      const { reasons, onInvalid } = recorder()
      const off = sized({ chunks: undefined, onInvalid })
      equal(await readBack(off, a.header()), 9000)
      deepEqual(reasons, [])
    })

    test('with chunking off, chunk names are other cookies: a stray `session.1` neither breaks nor is expired', async () => {
      const { reasons, onInvalid } = recorder()
      const off = sized({ chunks: undefined, onInvalid })
      const jar = await stored(off, 100)
      const stray = `${jar.header()}; session.1=set-by-a-sibling-subdomain; session.2=x`
      equal(await readBack(off, stray), 100)
      deepEqual(reasons, [])
      const { setCookies } = await send(off, stray, '/?n=200')
      deepEqual(
        setCookies.map((c) => c.split('=')[0]),
        ['session'],
        'only our cookie is written; the strays are not ours to expire',
      )
    })

    test('a chunk moved to another cookie name: the name is bound into the token', async () => {
      const { reasons, onInvalid } = recorder()
      const writer = sized({ chunks: chunking(3) })
      const jar = await stored(writer, 9000)
      const renamed = jar.entries().map(([n, v]) => `${n.replace('session', 'other')}=${v}`)
      const app = sized({ chunks: chunking(3), cookie: { name: 'other' }, onInvalid })
      equal(await readBack(app, renamed.join('; ')), -1)
      deepEqual(reasons, ['tampered'])
    })
  })

  describe('stale chunks', () => {
    test('a session shrinking from 3 cookies to 1 expires the other two in the same response', async () => {
      const app = sized()
      const jar = await stored(app, 9000)
      const { setCookies } = await send(app, jar.header(), '/?n=10')
      equal(setCookies.length, 3)
      match(setCookies[0]!, /^session=e2/)
      for (const [i, line] of setCookies.slice(1).entries()) {
        equal(line, `session.${i + 1}=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax`)
      }
      jar.apply(setCookies)
      deepEqual(jar.names(), ['session'])
      equal(await readBack(app, jar.header()), 10)
    })

    test('shrinking from 4 cookies to 2 expires exactly the last two; growing expires nothing', async () => {
      const app = sized({ chunks: chunking(4) })
      const jar = await stored(app, 10 * 1024)
      const shrink = await send(app, jar.header(), '/?n=5000')
      deepEqual(
        shrink.setCookies.map((c) => [c.slice(0, c.indexOf('=')), c.includes('=; Max-Age=0;')]),
        [
          ['session', false],
          ['session.1', false],
          ['session.2', true],
          ['session.3', true],
        ],
      )
      jar.apply(shrink.setCookies)
      deepEqual(jar.names(), ['session', 'session.1'])
      equal(await readBack(app, jar.header()), 5000)
      const grow = await send(app, jar.header(), `/?n=${10 * 1024}`)
      equal(grow.setCookies.filter((c) => c.includes('Max-Age=0')).length, 0)
      jar.apply(grow.setCookies)
      equal(await readBack(app, jar.header()), 10 * 1024)
    })

    test('destroy expires the session cookie and every chunk cookie the request carried', async () => {
      const app = sized()
      const jar = await stored(app, 9000)
      const { setCookies } = await send(app, jar.header(), '/destroy')
      deepEqual(
        setCookies.map((c) => c.split(';')[0]),
        ['session=', 'session.1=', 'session.2='],
      )
      ok(setCookies.every((c) => c.includes('; Max-Age=0; Path=/')))
      jar.apply(setCookies)
      deepEqual(jar.names(), [])
    })

    test('leftover chunk cookies next to an invalid session are expired on the next write', async () => {
      const app = sized()
      const jar = await stored(app, 9000)
      jar.set('session', 'garbage')
      const { setCookies } = await send(app, jar.header(), '/?n=10')
      deepEqual(
        setCookies.slice(1).map((c) => c.split(';')[0]),
        ['session.1=', 'session.2='],
      )
      jar.apply(setCookies)
      equal(await readBack(app, jar.header()), 10)
    })

    test('turning chunking off: the next write still clears the old chunk cookies', async () => {
      const jar = await stored(sized(), 9000)
      const off = sized({ chunks: undefined })
      const { setCookies } = await send(off, jar.header(), '/?n=10')
      jar.apply(setCookies)
      deepEqual(jar.names(), ['session'])
      equal(await readBack(off, jar.header()), 10)
    })
  })

  describe('options and parsing', () => {
    test('chunking() takes an integer from 1 to 10, and chunks only what chunking() returns', async () => {
      for (const bad of [0, 11, -1, 2.5, Number.NaN, '3', null, ...UNPRINTABLE]) {
        throws(() => chunking(bad as never), 'ERR_OPTION_INVALID')
      }
      // 0.1's forms now fail at setup rather than silently writing one cookie.
      for (const bad of [true, false, 3, null, {}]) {
        throws(() => sized({ chunks: bad as never }), 'ERR_OPTION_INVALID')
      }
      equal(chunking(4), chunking(4), 'the same object per cap, for options functions')
      const error = await rejects(
        send(sized({ chunks: chunking(10) }), undefined, `/?n=${40 * 1024}`),
        'ERR_COOKIE_TOO_LARGE',
      )
      equal((error as CookieTooLargeError).maxChunks, 10)
      const cookies = (await send(sized({ chunks: chunking(10) }), undefined, `/?n=${29 * 1024}`)).setCookies
      equal(cookies.length, 10)
      match(cookies[9]!, /^session\.9=/)
      ok(throws(() => chunking(11)) instanceof ConfigurationError)
    })

    test('without chunking the error still names the single-cookie size and limit', async () => {
      const error = (await rejects(
        send(sized({ chunks: undefined }), undefined, '/?n=5000'),
      )) as CookieTooLargeError
      equal(error.limit, 4096)
      equal(error.maxChunks, 1)
      equal(error.chunks, 2)
      ok(error.size > 4096)
      match(error.message, /enable the `chunks` or `compress` option/)
    })

    test('readSessionCookies collects our name and one-digit chunk names in one pass', () => {
      const header =
        'a=1; session=s; session.1=one; session.12=no; session.2 = two; xsession.3=no; session.1=again; session.1=third; session.9=nine'
      const { values, chunks } = readSessionCookies(header, 'session', 4)
      deepEqual(values, ['s'])
      deepEqual(chunks?.slice(0, 3), [['one', 'again'], ['two'], []])
      deepEqual(chunks?.[8], ['nine'])
      equal(readSessionCookies('a=1; session=s', 'session', 4).chunks, undefined)
    })

    test('a chunked session with many decoy cookies is still found in linear time', async () => {
      const app = sized()
      const jar = await stored(app, 9000)
      const decoys = Array.from({ length: 5000 }, (_, i) => `session.${(i % 9) + 1}x=v; c${i}=v`).join('; ')
      equal(await readBack(app, `${decoys}; ${jar.header()}`), 9000)
    })

    test('through the Hono middleware: chunks written, read back, and cleared on shrink', async () => {
      const hono = new Hono<SessionEnv<{ x: string }>>()
      hono.use(session({ secret: SECRET, chunks: chunking(3) }))
      hono.get('/', (c) => {
        const before = c.var.session.get('x')?.length ?? -1
        const n = c.req.query('n')
        if (n !== undefined) c.var.session.set('x', 'h'.repeat(Number(n)))
        return c.text(String(before))
      })
      const handler = (r: Request) => Promise.resolve(hono.fetch(r))
      const jar = new Jar().apply((await send(handler, undefined, '/?n=9000')).setCookies)
      deepEqual(jar.names(), ['session', 'session.1', 'session.2'])
      const shrink = await send(handler, jar.header(), '/?n=5')
      equal(shrink.body, '9000')
      jar.apply(shrink.setCookies)
      deepEqual(jar.names(), ['session'])
      equal((await send(handler, jar.header())).body, '5')
    })

    test('a chunked cookie is only read with the secret that sealed it', async () => {
      const jar = await stored(sized({ secret: SECRET }), 9000)
      const other = sized({ secret: `${SECRET}-other` })
      equal(await readBack(other, jar.header()), -1)
    })
  })
})

function cookieLength(setCookie: string): number {
  return setCookie.split(';')[0]!.length
}
