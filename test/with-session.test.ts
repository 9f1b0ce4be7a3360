import {
  ConfigurationError,
  type InvalidReason,
  type LegacyReader,
  type SessionOptions,
  withSession,
} from 'sealed-session'
import { cookieSession } from 'sealed-session/legacy/cookie-session'
import { memoryStore, revocation } from 'sealed-session/revocation'
import { resetWarningsForTests } from '../src/core/report.ts'
import { createSessionStore as createSourceStore } from '../src/core/resolver.ts'
import { deepEqual, describe, equal, ok, rejects, test, throws } from './harness.ts'
import {
  counter,
  countSubtle,
  OLD_SECRET,
  OTHER_SECRET,
  request,
  SECRET,
  send,
  UNPRINTABLE,
  wrap,
} from './helpers.ts'

describe('withSession', () => {
  test('passes the runtime arguments (env, ctx) through untouched', async () => {
    const env = { SESSION_SECRET: SECRET }
    const ctx = { waitUntil() {} }
    let seen: unknown[] = []
    const fetch = withSession<Record<string, unknown>, [typeof env, typeof ctx]>(
      (_req, _session, e, c) => {
        seen = [e, c]
        return new Response('ok')
      },
      (_req, e) => ({ secret: e.SESSION_SECRET }),
    )
    const res = await fetch(request(), env, ctx)
    equal(await res.text(), 'ok')
    equal(seen[0], env)
    equal(seen[1], ctx)
  })

  test('options as a function read per request, with keys derived once for the same secret', async () => {
    const secret = `fn-${crypto.randomUUID()}-0123456789abcdef`
    const fetch = withSession<{ n: number }, [{ S: string }]>(
      (_r, s) => {
        s.set('n', (s.get('n') ?? 0) + 1)
        return new Response(String(s.get('n')))
      },
      (_r, env) => ({ secret: env.S }),
    )
    let cookie: string | undefined
    const counts = await countSubtle(async () => {
      for (let i = 0; i < 5; i++) {
        const res = await fetch(request('/', cookie), { S: secret })
        cookie = res.headers.getSetCookie()[0]?.split(';')[0]
      }
    })
    equal(counts.importKey, 1)
    equal(counts.deriveKey, 1)
  })

  test('misconfiguration throws at setup with a stable code', () => {
    const bad: [Partial<SessionOptions> & Record<string, unknown>, string][] = [
      [{ secret: '' }, 'ERR_SECRET_INVALID'],
      [{ secret: 'short' }, 'ERR_SECRET_INVALID'],
      [{ secret: 'x'.repeat(31) }, 'ERR_SECRET_INVALID'],
      [{ secret: 'a'.repeat(64) }, 'ERR_SECRET_INVALID'],
      [{ secret: [] }, 'ERR_SECRET_INVALID'],
      [{ secret: [SECRET, 'short'] }, 'ERR_SECRET_INVALID'],
      [{ secret: 42 as unknown as string }, 'ERR_SECRET_INVALID'],
      [{ secret: undefined as unknown as string }, 'ERR_SECRET_INVALID'],
      [{ secret: SECRET, maxAge: Number.NaN }, 'ERR_OPTION_INVALID'],
      [{ secret: SECRET, maxAge: Infinity }, 'ERR_OPTION_INVALID'],
      [{ secret: SECRET, maxAge: -1 }, 'ERR_OPTION_INVALID'],
      [{ secret: SECRET, maxAge: 0 }, 'ERR_OPTION_INVALID'],
      [{ secret: SECRET, idleTimeout: Number.NaN }, 'ERR_OPTION_INVALID'],
      [{ secret: SECRET, idleTimeout: -5 }, 'ERR_OPTION_INVALID'],
      [{ secret: SECRET, clockSkew: Infinity }, 'ERR_OPTION_INVALID'],
      [{ secret: SECRET, clockSkew: -1 }, 'ERR_OPTION_INVALID'],
      [{ secret: SECRET, clockSkew: Number.NaN }, 'ERR_OPTION_INVALID'],
      [{ secret: SECRET, renewThreshold: 1.5 }, 'ERR_OPTION_INVALID'],
      [{ secret: SECRET, renewThreshold: Number.NaN }, 'ERR_OPTION_INVALID'],
      [{ secret: SECRET, maxAge: '60' as unknown as number }, 'ERR_OPTION_INVALID'],
      [{ secret: SECRET, mode: 'plain' as 'signed' }, 'ERR_OPTION_INVALID'],
      [{ secret: SECRET, now: 5 as unknown as () => number }, 'ERR_OPTION_INVALID'],
      [
        { secret: SECRET, serializer: {} as unknown as NonNullable<SessionOptions['serializer']> },
        'ERR_OPTION_INVALID',
      ],
      [{ secret: SECRET, cookie: { name: 'a;b' } }, 'ERR_COOKIE_OPTION'],
      [{ secret: SECRET, cookie: { name: '__Host-s', domain: 'example.com' } }, 'ERR_COOKIE_OPTION'],
    ]
    for (const [options, code] of bad) {
      const error = throws(() => withSession(() => new Response(), options as SessionOptions), code)
      ok(error instanceof ConfigurationError)
      ok((error as Error).message.startsWith('sealed-session: '), 'messages name the library')
    }
    throws(() => withSession(() => new Response(), null as unknown as SessionOptions), 'ERR_OPTION_INVALID')
  })

  test('a value no message can print (a symbol, a BigInt, a bare object) gets its ConfigurationError', async () => {
    const options = (bad: unknown): Record<string, unknown>[] => [
      { mode: bad },
      { maxAge: bad },
      { idleTimeout: bad },
      { clockSkew: bad },
      { renewThreshold: bad },
      ...['name', 'path', 'domain', 'httpOnly', 'sameSite', 'priority'].map((key) => ({
        cookie: { [key]: bad },
      })),
    ]
    for (const bad of UNPRINTABLE) {
      for (const option of options(bad)) {
        const error = throws(() => withSession(() => new Response(), { secret: SECRET, ...option }))
        ok(error instanceof ConfigurationError, `${Object.keys(option)[0]}: ${String(error)}`)
      }
      // A clock is called per request: one that returns no time is refused where a seal needs it.
      const store = createSourceStore({ secret: SECRET, now: () => bad as number })
      const session = await store.load(null)
      session.set('n', 1)
      await rejects(store.commit(session), 'ERR_OPTION_INVALID')
    }
  })

  test('a gate or legacy reader from another version of the library is refused at setup', () => {
    // Branded like ours (the brand is shared across copies), but without the step this version
    // runs through, or with one of another version: at setup, not as a failed request. Two
    // installs of the same version working together is checked on the package (test/package.mjs).
    const gate = revocation({ store: memoryStore() })
    const reader = cookieSession({ keys: [OLD_SECRET] })
    for (const runner of [undefined, null, {}, { version: 0 }]) {
      const cases: [SessionOptions, string][] = [
        [{ secret: SECRET, revocation: { ...gate, runner } as SessionOptions['revocation'] }, 'revocation'],
        [{ secret: SECRET, legacy: [{ ...reader, runner } as LegacyReader] }, 'legacy'],
      ]
      for (const [options, name] of cases) {
        const error = throws(() => withSession(() => new Response(), options), 'ERR_OPTION_INVALID')
        ok(
          (error as Error).message.includes(`${name} comes from another version of sealed-session`),
          `${name} ${runner}`,
        )
      }
    }
  })

  test('a missing or empty secret says where each runtime sets one and how to generate it', () => {
    // An unset variable reaches the library as undefined (process.env, Deno.env, Workers' env) or
    // as '' (a `.env` line without a value, `$env/static/private`).
    // A list with a hole ([, OLD]: the newest secret's variable unset) or of holes alone.
    const holed: unknown[] = []
    holed[1] = SECRET
    for (const secret of [undefined, null, '', [SECRET, undefined], holed, new Array(1)]) {
      const error = throws(
        () => withSession(() => new Response(), { secret } as unknown as SessionOptions),
        'ERR_SECRET_INVALID',
      )
      const message = (error as Error).message
      for (const phrase of ['.dev.vars', 'wrangler secret put', '.env', '.env.local', '$app/env/private']) {
        ok(message.includes(phrase), `${JSON.stringify(secret)}: no "${phrase}" in: ${message}`)
      }
      ok(message.includes('openssl rand -base64 32'), `how to generate one: ${message}`)
      ok(message.length < 300, `short enough to read (${message.length} characters)`)
    }
  })

  test('a byte secret of 32 bytes is accepted; equal secrets in one list are refused at setup', async () => {
    const bytes = crypto.getRandomValues(new Uint8Array(32))
    const { setCookies } = await send(counter({ secret: bytes }))
    equal(setCookies.length, 1)
    throws(() => counter({ secret: [SECRET, SECRET] }), 'ERR_SECRET_INVALID')
    // A string and its own UTF-8 bytes are the same key.
    throws(
      () => counter({ secret: [OTHER_SECRET, new TextEncoder().encode(OTHER_SECRET)] }),
      'ERR_SECRET_INVALID',
    )
    throws(() => counter({ secret: [bytes, SECRET, bytes.slice()] }), 'ERR_SECRET_INVALID')
  })

  test('keeps the app’s own Set-Cookie headers and appends ours', async () => {
    const app = wrap((_r, s) => {
      s.set('a', 1)
      const res = new Response('ok')
      res.headers.append('set-cookie', 'theme=dark; Path=/')
      res.headers.append('set-cookie', 'lang=en; Path=/')
      return res
    })
    const { setCookies } = await send(app)
    equal(setCookies.length, 3)
    equal(setCookies[0], 'theme=dark; Path=/')
    equal(setCookies[1], 'lang=en; Path=/')
    ok(setCookies[2]!.startsWith('session='))
  })

  test('re-wraps a response with immutable headers (Response.redirect, a fetch() result) and keeps its headers', async () => {
    const app = wrap((_r, s) => {
      s.set('a', 1)
      return Response.redirect('http://localhost/next', 303)
    })
    const { response, setCookies } = await send(app)
    equal(response.status, 303)
    equal(response.headers.get('location'), 'http://localhost/next')
    equal(setCookies.length, 1)
  })

  test('adds Cache-Control: private when it sets a cookie, unless the app chose a policy', async () => {
    const write = (headers: HeadersInit = {}) =>
      wrap((_r, s) => {
        s.set('a', 1)
        return new Response('ok', { headers })
      })
    equal((await send(write())).response.headers.get('cache-control'), 'private')
    equal(
      (await send(write({ 'cache-control': 'no-store' }))).response.headers.get('cache-control'),
      'no-store',
    )
    const { cookie } = await send(write())
    const read = wrap(() => new Response('ok'))
    equal(
      (await send(read, cookie)).response.headers.get('cache-control'),
      null,
      'no cookie written, no header added',
    )
  })

  test('a bad cookie is reported once to onInvalid, never logged, and never reaches the response', async () => {
    const reasons: InvalidReason[] = []
    const logged: unknown[] = []
    const consoleMethods = ['log', 'info', 'warn', 'error', 'debug'] as const
    const saved = consoleMethods.map((m) => console[m])
    for (const m of consoleMethods) console[m] = (...args: unknown[]) => logged.push(args)
    try {
      const app = wrap((_r, s) => new Response(`new=${s.isNew}`), { onInvalid: (r) => reasons.push(r) })
      const quiet = wrap((_r, s) => new Response(`new=${s.isNew}`))
      for (const cookie of ['session=e1AAAA.garbage', 'session=', 'session=%ZZ', 'session="x"']) {
        const sent = await send(app, cookie)
        equal(sent.body, 'new=true')
        equal(sent.response.status, 200)
        deepEqual(sent.setCookies, [])
        await send(quiet, cookie)
      }
    } finally {
      consoleMethods.forEach((m, i) => {
        console[m] = saved[i]!
      })
    }
    deepEqual(reasons, ['unknown-key', 'malformed', 'malformed', 'malformed'])
    deepEqual(logged, [])
  })

  test('an onInvalid hook that throws does not fail the request', async () => {
    const app = wrap((_r, s) => new Response(`new=${s.isNew}`), {
      onInvalid: () => {
        throw new Error('hook broke')
      },
    })
    equal((await send(app, 'session=junk')).body, 'new=true')
  })

  test('with duplicate cookies of our name, the first valid one wins and no reason is reported', async () => {
    const reasons: InvalidReason[] = []
    const { cookie } = await send(counter())
    const app = counter({ onInvalid: (r) => reasons.push(r) })
    equal((await send(app, `session=stale; other=1; ${cookie}`)).body, '2')
    equal((await send(app, ['session=stale', cookie!])).body, '2', 'across Cookie header lines')
    deepEqual(reasons, [])
    const old = await send(counter({ secret: OLD_SECRET }))
    equal((await send(app, `${old.cookie}; ${cookie}`)).body, '2', 'an unknown-key copy first')
  })

  test('an oversize cookie value is rejected before any crypto', async () => {
    const reasons: InvalidReason[] = []
    const app = counter({ onInvalid: (r) => reasons.push(r) })
    await send(app)
    const counts = await countSubtle(() => send(app, `session=e1AAAA.${'A'.repeat(5000)}`))
    equal(counts.decrypt, 0)
    deepEqual(reasons, ['oversize'])
  })

  test('a handler error propagates and writes nothing', async () => {
    const app = wrap((_r, s) => {
      s.set('a', 1)
      throw new Error('app bug')
    })
    const error = await rejects(app(request()))
    equal((error as Error).message, 'app bug')
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

  test('many concurrent requests with different sessions never see each other’s data', async () => {
    const app = wrap<{ who: number }>(async (req, s) => {
      const who = Number(new URL(req.url).searchParams.get('who'))
      if (!s.has('who')) s.set('who', who)
      await Promise.resolve()
      return new Response(String(s.get('who')))
    })
    const first = await Promise.all(Array.from({ length: 100 }, (_, i) => send(app, undefined, `/?who=${i}`)))
    const second = await Promise.all(first.map((f, i) => send(app, f.cookie, `/?who=${-i}`)))
    for (const [i, s] of second.entries()) equal(s.body, String(i))
  })

  test('a Secure cookie over plain http to another host than localhost is said once per process, never per request', async () => {
    // Through the source store, whose once-per-process flag the test resets (in the package
    // suite the packaged library keeps its own flag).
    const said: unknown[][] = []
    const warn = console.warn
    console.warn = (...args: unknown[]) => void said.push(args)
    const write = async (url: string, options: Partial<SessionOptions> = {}, headers = {}) => {
      const store = createSourceStore({ secret: SECRET, ...options })
      const s = await store.load(new Request(url, { headers: { cookie: 'session=junk', ...headers } }))
      s.set('n', 1)
      return (await store.commit(s)).setCookie.length
    }
    try {
      resetWarningsForTests()
      for (const url of ['https://192.168.1.5/', 'http://localhost:8787/', 'http://127.0.0.1/'])
        await write(url)
      await write('http://app.example/', {}, { 'x-forwarded-proto': 'https' })
      await write('http://app.example/', {}, { forwarded: 'for=1.2.3.4;proto=https' })
      equal(said.length, 0, 'https, localhost, 127.0.0.1 and a TLS-terminating proxy are fine')
      equal(await write('http://192.168.1.5/'), 1, 'the cookie still goes out: nothing is downgraded')
      await write('http://10.0.0.2/')
      await write('http://192.168.1.5/')
      equal(said.length, 1, 'once')
      ok(/plain http:\/\/.*192\.168\.1\.5.*secure: false/s.test(String(said[0]![0])), String(said[0]![0]))
      resetWarningsForTests()
      await write('http://192.168.1.5/', { cookie: { secure: false } })
      equal(said.length, 1, 'nothing to say for a cookie without Secure')
    } finally {
      console.warn = warn
    }
  })
})
