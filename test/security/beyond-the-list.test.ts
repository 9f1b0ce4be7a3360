// Cases beyond SECURITY.md's bad-input list, end to end through withSession (see
// test/attacker.ts for what an EMPTY outcome asserts).

import { Hono } from 'hono'
import type { InvalidReason, SessionOptions } from 'sealed-session'
import { chunking } from 'sealed-session/chunks'
import { session as honoSession, type SessionEnv } from 'sealed-session/hono'
import { ANY_REASON, expectEmpty, expectValid, probe, silenced } from '../attacker.ts'
import { deepEqual, describe, equal, match, notEqual, ok, test } from '../harness.ts'
import { clock, cookieValue, countSubtle, SECRET, send, T0, wrap } from '../helpers.ts'
import { HOUR, issue, token } from './shared.ts'

describe('SECURITY-CASES', () => {
  describe('Beyond the list', () => {
    test('a bad cookie never seeds the next session: a write after EMPTY gets a fresh id, lifetime and data', async () => {
      const t = clock()
      const options = { maxAge: 3600, idleTimeout: 3600, now: t.now }
      const info = wrap((_r, s) => {
        if (!s.has('user')) s.set('visits', 1)
        return Response.json({ id: s.id, created: s.createdAt, isNew: s.isNew, data: s.data })
      }, options)
      const login = wrap((_r, s) => {
        s.set('user', 'ada')
        return Response.json({ id: s.id })
      }, options)
      const first = await send(login)
      const oldId = JSON.parse(first.body).id
      t.advance(HOUR) // expired
      const after = await send(info, first.cookie)
      const seen = JSON.parse(after.body)
      equal(seen.isNew, true)
      notEqual(seen.id, oldId, 'a new session id')
      equal(seen.created, T0 + HOUR, 'a new lifetime')
      deepEqual(seen.data, { visits: 1 }, 'nothing of the old data')
    })

    test('Set-Cookie values are cookie-octets whatever the session holds (no header injection)', async () => {
      const nasty = [
        '\r\nSet-Cookie: admin=1',
        '; Domain=evil.example',
        '", admin=1',
        '\u0000',
        'x'.repeat(500),
      ]
      const configs: Partial<SessionOptions>[] = [
        { mode: 'encrypted' },
        { mode: 'signed' },
        { chunks: chunking(3) },
      ]
      for (const options of configs) {
        const app = wrap((_r, s) => {
          for (const [i, v] of nasty.entries()) s.set(`${v}${i}`, v.repeat(options.chunks ? 10 : 1))
          return new Response(null)
        }, options)
        const { setCookies } = await send(app)
        ok(setCookies.length >= 1)
        for (const line of setCookies) {
          const [pair, ...attributes] = line.split('; ')
          match(cookieValue(pair!), /^(?:[1-9]~)?[A-Za-z0-9._-]+$/)
          ok(
            attributes.every((a) => /^(Max-Age=\d+|Path=\/|HttpOnly|Secure|SameSite=Lax)$/.test(a)),
            line,
          )
        }
      }
    })

    test('a clock that returns NaN fails closed: no cookie is accepted as unexpired', async () => {
      const cookie = await issue({ maxAge: 60, idleTimeout: 60 })
      const p = probe({ now: () => Number.NaN })
      await expectEmpty(p, cookie, 'payload')
    })

    test('documented limit: a copy of a cookie stays valid until it expires, even after logout', async () => {
      // No server state means no revocation (SECURITY.md). This test keeps that page honest: if
      // it ever fails, the library gained revocation and the page must change.
      const t = clock()
      const app = wrap(
        (req, s) => {
          if (new URL(req.url).pathname === '/logout') s.destroy()
          else s.set('user', 'ada')
          return new Response(null)
        },
        { now: t.now, maxAge: 3600, idleTimeout: 3600 },
      )
      const stolen = (await send(app)).cookie!
      const logout = await send(app, stolen, '/logout')
      match(logout.setCookies[0]!, /Max-Age=0/)
      t.advance(HOUR - 1)
      const p = probe({ now: t.now, maxAge: 3600, idleTimeout: 3600 })
      deepEqual((await expectValid(p, stolen)).data, { user: 'ada' }, 'replayed within its lifetime')
      t.advance(1)
      await expectEmpty(p, stolen, 'expired')
    })

    test('session fixation: regenerate() on login leaves a planted pre-login cookie anonymous', async () => {
      const app = wrap(
        (req, s) => {
          if (new URL(req.url).pathname === '/login') {
            s.regenerate()
            s.set('user', 'victim')
          } else s.set('visits', 1)
          return Response.json({ id: s.id })
        },
        { now: () => T0 },
      )
      const planted = await send(app) // the attacker's own anonymous session
      const loggedIn = await send(app, planted.cookie, '/login')
      notEqual(JSON.parse(loggedIn.body).id, JSON.parse(planted.body).id, 'a new id on login')
      const p = probe()
      deepEqual(
        (await expectValid(p, planted.cookie!)).data,
        { visits: 1 },
        'the planted cookie stays anonymous',
      )
      deepEqual((await expectValid(p, loggedIn.cookie!)).data, { visits: 1, user: 'victim' })
    })

    test('structural rejections cost no crypto: only a well-formed token of a configured key is checked', async () => {
      const p = probe()
      const tok = await token()
      const free = [
        'x',
        'e1AAAA.' + tok.slice(7),
        `s${tok.slice(1)}`,
        `e9${tok.slice(2)}`,
        `${tok.slice(0, 6)}`,
        `${tok.slice(0, 7)}!${tok.slice(8)}`,
        `${tok}=`,
        `9~${tok}`,
        'A'.repeat(5000),
      ]
      for (const value of free) {
        const counts = await countSubtle(() => expectEmpty(p, `session=${value}`, ANY_REASON))
        equal(counts.total, 0, value.slice(0, 20))
      }
    })

    test('Hono: the same guarantees through the middleware', async () => {
      const reasons: InvalidReason[] = []
      const hono = new Hono<SessionEnv>()
      hono.use(honoSession({ secret: SECRET, now: () => T0, onInvalid: (r) => reasons.push(r) }))
      hono.get('/', (c) => c.json({ isNew: c.var.session.isNew, data: c.var.session.data }))
      const tok = await token()
      // The tag's second-last character changed: writing 'AA' over the last two left the token
      // whole when it already ended so (about one run in 256).
      const tampered = `${tok.slice(0, -2)}${tok.at(-2) === 'A' ? 'B' : 'A'}${tok.at(-1)}`
      const { value: results, printed } = await silenced(async () => {
        const out = []
        for (const value of [tampered, 'e1AAAA.x', '', '"x"', `s${tok.slice(1)}`]) {
          const res = await hono.request('/', { headers: { cookie: `session=${value}` } })
          out.push({
            status: res.status,
            setCookie: res.headers.getSetCookie().length,
            body: await res.json(),
          })
        }
        return out
      })
      deepEqual(printed, [])
      for (const r of results) deepEqual(r, { status: 200, setCookie: 0, body: { isNew: true, data: {} } })
      equal(reasons.length, results.length)
      const ok200 = await hono.request('/', { headers: { cookie: `session=${tok}` } })
      deepEqual(await ok200.json(), { isNew: false, data: { user: 'ada' } })
    })

    test('the key __proto__ written through the API is an ordinary key, never a prototype', async () => {
      // An app that uses a client-chosen key (`session.set(form.get('key'), …)`) must not let the
      // client change the data object's prototype, or make the session unwritable.
      const app = wrap(
        (_r, s) => {
          s.set('__proto__', { admin: true })
          s.set('n', 1)
          return Response.json({
            admin: s.get('admin') ?? null,
            dataAdmin: (s.data as { admin?: boolean }).admin ?? null,
            proto: s.get('__proto__'),
          })
        },
        { now: () => T0 },
      )
      const sent = await send(app)
      deepEqual(JSON.parse(sent.body), { admin: null, dataAdmin: null, proto: { admin: true } })
      const view = await expectValid(probe(), sent.cookie!)
      equal((view.data as { admin?: boolean }).admin, undefined)
      deepEqual(JSON.parse(JSON.stringify(view.data)), JSON.parse('{"__proto__":{"admin":true},"n":1}'))
      equal(({} as { admin?: boolean }).admin, undefined)
    })
  })
})
